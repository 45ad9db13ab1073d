import { writeFile } from 'node:fs/promises';
import { UsageError, type CliCommand } from '../command';
import { formatPaperPreamble, formatPaperTable } from '../../services/paper/paper-table';
import { runPaperVariants } from '../../services/paper/run-paper';
import { paperVariants } from '../../services/paper/variants';

function positiveNumber(value: unknown, name: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number.`);
  return n;
}

export const paperCommand: CliCommand = {
  name: 'paper',
  summary: "Re-train the paper's networks and print its Table 1 beside Pleura's numbers",
  usage: [
    'pleura paper --data DIR [--epochs-scale X] [--input-px N] [--base-filters N] [--batch-size N]',
    '             [--only ID,ID] [--train-limit N] [--out FILE.md] [--json]',
    '',
    '  --data DIR          data set with images/, masks/ and splits.json (train and val are used)',
    "  --epochs-scale X    the paper's epochs (10, 10, 40, 100) times X; default 1",
    "  --input-px N        network input side; default 256 (the paper's)",
    "  --base-filters N    filters of the first level; default 64 (the paper's)",
    "  --batch-size N      default 16 (the paper's)",
    `  --only ID,ID        variants to run: ${paperVariants.map((v) => v.id).join(', ')}`,
    '  --train-limit N     use only the first N training pairs (smoke runs)',
    '  --out FILE.md       also write the table and its preamble to this Markdown file',
    '',
    'Different data, same procedure: the paper used Montgomery + Shenzhen. The full scale takes hours to',
    'days on a CPU; a reduced run (see docs/paper-table.md) finishes in under an hour on 2 cores:',
    '  pleura paper --data lungs-cxr --epochs-scale 0.25 --input-px 128 --base-filters 8 --batch-size 4',
  ].join('\n'),
  options: {
    data: { type: 'string' },
    'epochs-scale': { type: 'string' },
    'input-px': { type: 'string' },
    'base-filters': { type: 'string' },
    'batch-size': { type: 'string' },
    only: { type: 'string' },
    'train-limit': { type: 'string' },
    out: { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, io) {
    if (typeof values.data !== 'string' || values.data.length === 0) throw new UsageError('--data DIR is required.');
    const inputPx = positiveNumber(values['input-px'], '--input-px', 256)!;
    if (!Number.isInteger(inputPx) || inputPx % 16 !== 0) throw new UsageError('--input-px must be a multiple of 16.');
    const { setup, results } = await runPaperVariants({
      dataDir: values.data,
      epochsScale: positiveNumber(values['epochs-scale'], '--epochs-scale', 1)!,
      inputPx,
      baseFilters: positiveNumber(values['base-filters'], '--base-filters', 64),
      batchSize: positiveNumber(values['batch-size'], '--batch-size', 16),
      only: typeof values.only === 'string' ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      trainLimit: positiveNumber(values['train-limit'], '--train-limit'),
      log: (line) => io.err(line),
      onProgress: (fraction, message) => io.progress(fraction, message),
    });
    const preamble = formatPaperPreamble(setup);
    const table = formatPaperTable(results);
    if (typeof values.out === 'string') await writeFile(values.out, `${preamble}\n\n${table}\n`);
    if (io.json) io.result({ setup, results: results.map((r) => ({ ...r, variant: r.variant.id })) });
    else io.out(`${preamble}\n\n${table}`);
    // The WASM backend's pthread workers keep the event loop alive after the work is done; the timer is
    // unref'd, so it only fires if something else still holds the process open.
    setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
    return 0;
  },
};
