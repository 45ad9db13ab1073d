// `pleura predict` and `pleura train` run as a user would: from a folder outside the checkout, through
// a symlinked bin (what `npm link` makes), with hundreds of paths on the command line. Before, the
// worker bootstrap resolved tsx from the working directory ("Cannot find package 'tsx'"), and ~240
// paths made ONNX Runtime overflow the inference worker's stack (it walks /proc/self/cmdline): a
// segmentation fault.
import { describe, expect, it, onTestFinished } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath, repoRoot } from '../../helpers/paths';

describe('pleura predict and train from anywhere', () => {
  it('runs from another folder through a symlinked bin with 300 film paths', () => {
    const work = mkdtempSync(join(tmpdir(), 'pleura-anywhere-'));
    const bin = join(work, 'pleura');
    symlinkSync(join(repoRoot, 'bin', 'pleura.mjs'), bin);
    const film = fixturePath('xray', 'CHNCXR_0005_0.png');
    // one real film, then 299 long paths that do not exist: the model is loaded for the first (with
    // the whole command line in place) and the run stops at the second with a one-line error
    const missing = Array.from({ length: 299 }, (_, i) => join(work, 'films', `film-with-a-long-descriptive-name-${i}.png`));
    const out = join(work, 'out');
    const result = spawnSync(process.execPath, [bin, 'predict', film, ...missing, '--out', out, '--no-tta', '--json'], { cwd: work, encoding: 'utf8', timeout: 240_000 });
    expect(result.signal, result.stderr).toBeNull();
    expect(result.stderr).not.toMatch(/Cannot find package|Segmentation|internal error/);
    expect(result.stderr).toContain(`${missing[0]}: no such file`);
    expect(result.status).toBe(1);
    expect(existsSync(join(out, 'CHNCXR_0005_0.png'))).toBe(true);
  });

  it('takes folders (recursive, --pattern) and a --from list, and info lists several files', () => {
    const work = mkdtempSync(join(tmpdir(), 'pleura-inputs-'));
    mkdirSync(join(work, 'films', 'a'), { recursive: true });
    mkdirSync(join(work, 'films', 'b'));
    copyFileSync(fixturePath('xray', 'CHNCXR_0005_0.png'), join(work, 'films', 'a', 'film.png'));
    copyFileSync(fixturePath('xray', 'CHNCXR_0010_0.png'), join(work, 'films', 'b', 'film.png'));
    writeFileSync(join(work, 'films', 'b', 'notes.txt'), 'not a film');
    copyFileSync(fixturePath('xray', 'CHNCXR_0005_0.png'), join(work, 'listed.png'));
    writeFileSync(join(work, 'list.txt'), 'listed.png\n');
    const bin = join(repoRoot, 'bin', 'pleura.mjs');
    const out = join(work, 'out');
    const predict = spawnSync(process.execPath, [bin, 'predict', 'films', '--pattern', '*.png', '--from', 'list.txt', '--out', out, '--no-tta', '--json'], { cwd: work, encoding: 'utf8', timeout: 240_000 });
    expect(predict.status, predict.stderr).toBe(0);
    for (const name of ['a/film.png', 'b/film.png', 'listed.png', 'a/film.json']) expect(existsSync(join(out, name)), name).toBe(true);
    const info = spawnSync(process.execPath, [bin, 'info', 'films', join(work, 'films', 'b', 'notes.txt'), '--json'], { cwd: work, encoding: 'utf8', timeout: 120_000 });
    expect(info.status).toBe(1);
    const listed = JSON.parse(info.stdout.trim().split('\n').pop()!) as { file: string; widthPx?: number; error?: { reason: string } }[];
    expect(listed.map((entry) => entry.widthPx ?? entry.error?.reason)).toEqual([512, 512, expect.stringMatching(/notes\.txt/)]);
  });

  it('trains in the training worker from another folder through a symlinked bin (1 epoch, 2 small films)', () => {
    const work = mkdtempSync(join(tmpdir(), 'pleura-train-anywhere-'));
    for (const sub of ['images', 'masks']) mkdirSync(join(work, 'data', sub), { recursive: true });
    for (const name of ['IM-0117-0001.png', 'IM-0129-0001.png']) {
      copyFileSync(fixturePath('lungs', 'images', name), join(work, 'data', 'images', name));
      copyFileSync(fixturePath('lungs', 'masks', name), join(work, 'data', 'masks', name));
    }
    const bin = join(work, 'pleura');
    symlinkSync(join(repoRoot, 'bin', 'pleura.mjs'), bin);
    const args = ['train', '--data', 'data', '--epochs', '1', '--batch', '2', '--input-px', '32', '--base-filters', '4', '--depth', '2', '--no-augment', '--out', 'model', '--json'];
    const result = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', timeout: 120_000 });
    onTestFinished(() => rmSync(work, { recursive: true, force: true }));
    expect(result.signal, result.stderr).toBeNull();
    expect(result.stderr).not.toMatch(/Cannot find package|Segmentation|internal error/);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').pop()!) as { out: string; epochs: number; backend: string };
    expect(summary).toMatchObject({ out: join(work, 'model'), epochs: 1 });
    for (const name of ['model.onnx', 'model.json', join('tfjs', 'model.json')]) expect(existsSync(join(work, 'model', name)), name).toBe(true);
  });
});
