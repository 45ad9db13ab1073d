import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ProjectStore } from '../../src-main/services/project/store';
import { importFiles } from '../../src-main/services/project/import';
import { repoRoot } from '../helpers/paths';
import { grayPng, patternMask, tempDir } from '../unit/main/project/helpers';
import { createRandom } from '../../src-shared/ml/random';

const kills = 50;
const child = join(repoRoot, 'test', 'integration', 'fixtures', 'project-crash-child.ts');



/** Runs the child, kills it `delayMs` after it is ready, returns the revisions it reported saved. */
function runAndKill(projectPath: string, imageId: string, seedBase: number, delayMs: number): Promise<{ id: string; seed: number }[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, projectPath, imageId, String(seedBase)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const saved: { id: string; seed: number }[] = [];
    let buffer = '';
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => proc.kill('SIGKILL'), delayMs);
        else if (line) {
          const [id, seed] = line.split(' ');
          saved.push({ id, seed: Number(seed) });
        }
      }
    });
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(saved);
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe('project crash safety', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir('pleura-crash-')));
  afterAll(() => cleanup());

  it(`keeps every revision whose save returned across ${kills} SIGKILLs`, async () => {
    const projectPath = join(dir, 'project');
    const store = await ProjectStore.create(projectPath, { name: 'crash' });
    const { imported } = await importFiles(store, [{ name: 'x.png', bytes: await grayPng(48, 40, 3) }]);
    const imageId = imported[0].id;
    await store.close();
    const random = createRandom(20240607);
    const all: { id: string; seed: number }[] = [];
    for (let run = 0; run < kills; run++) {
      const saved = await runAndKill(projectPath, imageId, run + 1, Math.floor(random() * 120));
      all.push(...saved);
      const reopened = await ProjectStore.open(projectPath);
      const known = new Set(reopened.listRevisions(imageId).map((r) => r.id));
      for (const { id, seed } of saved) {
        expect(known.has(id), `revision ${id} of run ${run}`).toBe(true);
        const loaded = await reopened.loadRevision(imageId, id);
        expect(Buffer.compare(Buffer.from(loaded!.mask.data), Buffer.from(patternMask(48, 40, seed).data)), `pixels of ${id}`).toBe(0);
      }
      await reopened.close();
    }
    // At the end every revision ever reported is still there and intact.
    const final = await ProjectStore.open(projectPath);
    for (const { id, seed } of all) {
      const loaded = await final.loadRevision(imageId, id);
      expect(Buffer.from(loaded!.mask.data).equals(Buffer.from(patternMask(48, 40, seed).data))).toBe(true);
    }
    expect(all.length).toBeGreaterThan(kills); // the kills landed while saves were running
    await final.close();
  });
});
