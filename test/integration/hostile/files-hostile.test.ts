// The hostile-input suite, file side: bombs and special files given to `pleura info` / `decode` in a
// child process, which must answer (exit 0 or a one-line error with exit 1, never a signal or a V8
// abort) and whose peak resident memory must stay under the 1.5 GB budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath, repoRoot } from '../../helpers/paths';
import { deflateBomb, zeroPng } from './bombs';

const BUDGET_BYTES = 1.5e9;
let work: string;
let deflated: Buffer;

// [name, make the file, command, expected error (null: must succeed)]
const cases: [string, () => string, 'info' | 'decode', RegExp | null][] = [
  ['a deflated DICOM still opens', () => file('ok.dcm', deflated), 'decode', null],
  ['deflate bomb (1 GiB of zeros in 1 MB), info', () => file('bomb.dcm', deflateBomb(deflated, 2 ** 30)), 'info', /inflates to more than its header declares/],
  ['deflate bomb, decode', () => file('bomb2.dcm', deflateBomb(deflated, 2 ** 30)), 'decode', /inflates to more than its header declares/],
  ['10000 x 10000 16-bit RGB PNG', () => file('huge-rgb16.png', zeroPng(10000, 10000, { colour: 'rgb', bits: 16 })), 'decode', /opens safely/],
  ['8192 x 8192 16-bit RGB PNG (past the per-frame bytes)', () => file('big-rgb16.png', zeroPng(8192, 8192, { colour: 'rgb', bits: 16 })), 'decode', /more than Pleura opens safely/],
  ['6000 x 7000 16-bit RGB PNG decodes within budget', () => file('rgb16.png', zeroPng(6000, 7000, { colour: 'rgb', bits: 16 })), 'decode', null],
  ['16384 x 4096 16-bit grey PNG decodes within budget', () => file('grey16.png', zeroPng(16384, 4096, { colour: 'grey', bits: 16 })), 'decode', null],
  ['/dev/zero', () => '/dev/zero', 'info', /is a device, not a regular file/],
  ['a FIFO', () => {
    const path = join(work, 'fifo.dcm');
    execFileSync('mkfifo', [path]);
    return path;
  }, 'info', /is a named pipe \(FIFO\), not a regular file/],
  ['a file over the size cap (sparse)', () => {
    const path = join(work, 'sparse.dcm');
    closeSync(openSync(path, 'w'));
    truncateSync(path, 300 * 2 ** 20);
    return path;
  }, 'info', /MiB, more than Pleura reads/],
  ['a folder given to decode', () => work, 'decode', /is a folder, not a regular file/],
];

const argsOf = (path: string, command: 'info' | 'decode') =>
  command === 'decode' ? ['decode', path, '--out', `${path}.out.png`, '--json'] : ['info', path, '--json'];
const paths = new Map<string, string>();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pleura-hostile-files-'));
  const out = join(work, 'deflated.dcm');
  execFileSync('dcmconv', ['+td', fixturePath('dicom', 'gdcm-CR-MONO1-10-chest.dcm'), out]);
  deflated = readFileSync(out);
  for (const [name, make] of cases) paths.set(name, make());
  runMeasured(cases.map(([name, , command]) => argsOf(paths.get(name)!, command)));
}, 300_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Outcome { args: string[]; code: number; stderr: string; peakBytes: number }
const outcomes = new Map<string, Outcome>();
let runner: { signal: string | null; stderr: string };

/** Runs every case's command in one child (starting tsx once per case cost seconds each). */
function runMeasured(commands: string[][]): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'integration', 'hostile', 'measured-cli.ts'), JSON.stringify(commands)], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 240_000,
    maxBuffer: 64 * 2 ** 20,
  });
  runner = { signal: result.signal, stderr: result.stderr };
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const outcome = JSON.parse(line) as Outcome;
    outcomes.set(outcome.args.join(' '), outcome);
  }
}

function file(name: string, bytes: Buffer): string {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
}

describe('hostile files', () => {
  it.each(cases)('%s', (name, _make, command, error) => {
    expect(runner.signal, runner.stderr).toBeNull();
    const result = outcomes.get(argsOf(paths.get(name)!, command).join(' '));
    expect(result, `no outcome: the runner stopped before this case (${runner.stderr.slice(-2000)})`).toBeDefined();
    if (error) {
      expect(result!.code, result!.stderr).toBe(1);
      expect(result!.stderr).toMatch(error);
      expect(result!.stderr).not.toMatch(/internal error/);
    } else {
      expect(result!.code, result!.stderr).toBe(0);
    }
    if (process.env.PLEURA_PRINT_PEAKS) console.log(`${name}: peak ${Math.round(result!.peakBytes / 2 ** 20)} MiB`);
    expect(result!.peakBytes, `peak ${Math.round(result!.peakBytes / 2 ** 20)} MiB`).toBeLessThan(BUDGET_BYTES);
  });
});
