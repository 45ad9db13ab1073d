// `npm run bench -- [NAME...] [--data DIR]`: runs test/bench/NAME.bench.ts, prints a table, writes
// bench-results/NAME.json. Benchmarks report figures; they never pass or fail on time.
import { readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, arch, loadavg } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark, BenchResult } from './types';
import { dependencyVersions } from '../../src-main/services/system/versions';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

function parseArgs(argv: string[]): { names: string[]; dataDir?: string; rest: string[] } {
  const names: string[] = [];
  const rest: string[] = [];
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data') dataDir = argv[++i];
    else if (argv[i].startsWith('--')) rest.push(argv[i], ...(argv[i + 1] && !argv[i + 1].startsWith('--') ? [argv[++i]] : []));
    else names.push(argv[i]);
  }
  return { names, dataDir, rest };
}

function formatTable(rows: BenchResult[]): string {
  const cells = rows.map((r) => [
    r.metric,
    `${round(r.value)} ${r.unit}`,
    r.peer ? `${r.peer}: ${round(r.peerValue ?? NaN)} ${r.unit}` : '',
    r.ratio !== undefined ? `${round(r.ratio)}x` : '',
  ]);
  const header = ['metric', 'ours', 'peer', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function round(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

async function main(): Promise<void> {
  const { names, dataDir, rest } = parseArgs(process.argv.slice(2));
  const available = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', ''));
  const selected = names.length ? names : available;
  const unknown = selected.filter((n) => !available.includes(n));
  if (unknown.length) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${available.join(', ')}`);
    process.exit(2);
  }
  const machine = { platform: platform(), arch: arch(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryMb: Math.round(totalmem() / 2 ** 20) };
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  for (const name of selected) {
    console.log(`\n== ${name} ==`);
    const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as { default: Benchmark };
    // The load average at the start and end of each benchmark: a loaded machine slows ours and the peer alike,
    // so the ratios still hold, but the absolute figures must be read with it.
    const loadBefore = loadavg().map((v) => Math.round(v * 100) / 100);
    const results = await mod.default({ dataDir, args: rest, log: (line) => console.log(`  ${line}`) });
    const loadAverage = { before: loadBefore, after: loadavg().map((v) => Math.round(v * 100) / 100) };
    console.log(`  load average (1, 5, 15 min): ${loadBefore.join(' ')} before, ${loadAverage.after.join(' ')} after`);
    console.log(formatTable(results));
    const file = join(root, 'bench-results', `${name}.json`);
    writeFileSync(file, JSON.stringify({ name, date: new Date().toISOString(), machine: { ...machine, loadAverage }, versions: dependencyVersions(), results }, null, 2) + '\n');
    console.log(`wrote bench-results/${name}.json`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
