// Opens a synthetic 5000-image project and times open-to-list-ready: from the log alone (no snapshot,
// every record replayed) and from the snapshot (state.json plus the log's tail). Goal: under 2 s.
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { BenchContext, BenchResult } from './types';
import { ProjectStore } from '../../src-main/services/project/store';

const imageCount = 5000;
const runs = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeOpen(path: string): Promise<number> {
  const started = performance.now();
  const store = await ProjectStore.open(path);
  const list = store.listImages();
  const elapsed = performance.now() - started;
  if (list.length !== imageCount) throw new Error(`listed ${list.length} images`);
  await store.close();
  return elapsed;
}

export default async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'pleura-bench-'));
  try {
    const path = join(dir, 'project');
    const tiny = join(dir, 'tiny.png');
    await writeFile(tiny, Buffer.from('x'));
    const store = await ProjectStore.create(path, { name: 'bench' });
    const created = performance.now();
    // Records only: every image references the same tiny file under its own (synthetic) content hash.
    for (let i = 0; i < imageCount; i++) {
      const contentHash = createHash('sha256').update(`image-${i}`).digest('hex');
      await store.addImage({ name: `image-${i}.png`, kind: 'raster', contentHash, widthPx: 512, heightPx: 512, spacing: null, origin: tiny, referencePath: tiny });
    }
    const addMs = performance.now() - created;
    await store.close();
    ctx.log(`created ${imageCount} image records in ${(addMs / 1000).toFixed(1)} s (each fsync'd)`);
    const replay: number[] = [];
    const snapshot: number[] = [];
    for (let i = 0; i < runs; i++) {
      await unlink(join(path, 'state.json')).catch(() => undefined);
      replay.push(await timeOpen(path)); // close writes the snapshot again
      snapshot.push(await timeOpen(path));
    }
    ctx.log(`replay runs: ${replay.map((v) => v.toFixed(0)).join(', ')} ms; snapshot runs: ${snapshot.map((v) => v.toFixed(0)).join(', ')} ms`);
    return [
      { metric: `open to list ready, ${imageCount} images, log replay (cold, no snapshot)`, value: median(replay), unit: 'ms' },
      { metric: `open to list ready, ${imageCount} images, from snapshot (warm)`, value: median(snapshot), unit: 'ms' },
      { metric: 'add image record (durable)', value: addMs / imageCount, unit: 'ms' },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
