import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PleuraError } from '../../../src-shared/api/result';
import { lungMeasurements } from '../../../src-shared/metrics';
import { UsageError, type CliCommand } from '../command';
import { decodeImage } from '../../services/images/decode';
import { createAppContext } from '../../services/create-context';
import { getInferenceService } from '../../services/inference/service';
import { readInputFile } from './info';
import { expandInputs, inputOptions, inputUsage } from '../inputs';
import { grey8Png } from '../../services/export/grey-png';

/** The mask as written: 0/255, or the labels themselves (1 right lung, 2 left lung) with --labels. */
function maskBytes(labels: Uint8Array, asLabels: boolean): Uint8Array {
  return asLabels ? labels : Uint8Array.from(labels, (label) => (label === 0 ? 0 : 255));
}

export const predictCommand: CliCommand = {
  name: 'predict',
  summary: 'Segment the lungs of image files with a model, without a project',
  usage: [
    'pleura predict FILE|DIR... [--pattern GLOB] [--from LIST] --out DIR [--model ID|PATH] [--labels] [--no-tta] [--json]',
    '',
    ...inputUsage,
    '  --out DIR        where to write, for each input, DIR/<stem>.png and DIR/<stem>.json (inputs',
    '                   found in a folder keep their path under it: DIR/<sub/folders/stem>.png)',
    '  --model ID|PATH  a model key (id@version), an id, or a model folder / model.json / model.onnx',
    '                   (default: the active model)',
    '  --labels         write labels (1 patient right lung, 2 patient left lung) instead of 0/255',
    '  --no-tta         run the image once instead of also mirrored (faster, no flip disagreement)',
    '',
    'The PNG mask has the input\'s full size. The JSON holds the areas in cm² (when the file gives a',
    'pixel spacing) with the spacing source, lung height, uncertainty (0..1), model and timings.',
  ].join('\n'),
  options: { out: { type: 'string', short: 'o' }, model: { type: 'string', short: 'm' }, labels: { type: 'boolean' }, 'no-tta': { type: 'boolean' }, ...inputOptions },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length === 0 && typeof values.from !== 'string') throw new UsageError('Give at least one image FILE or DIR (or --from LIST).');
    const out = values.out;
    if (typeof out !== 'string' || out.length === 0) throw new UsageError('--out DIR is required.');
    const modelArgument = typeof values.model === 'string' ? values.model : undefined;
    const tta = values['no-tta'] !== true;
    const asLabels = values.labels === true;
    const inputs = await expandInputs(positionals, values);
    if (inputs.length === 0) throw new UsageError('No image files found in the given inputs.');
    const stems = inputs.map((input) => input.outName);
    const seen = new Set<string>();
    const duplicate = stems.find((stem) => (seen.has(stem) ? true : (seen.add(stem), false)));
    if (duplicate) throw new UsageError(`Two inputs share the name ${duplicate}: their outputs would overwrite each other.`);
    await mkdir(out, { recursive: true }).catch((error: Error) => {
      throw new PleuraError('io', `${out} cannot be created (${error.message}).`);
    });
    const ctx = createAppContext({ transport: 'cli' });
    const inference = getInferenceService(ctx);
    const results: Record<string, unknown>[] = [];
    try {
      for (const [index, { path }] of inputs.entries()) {
        const started = performance.now();
        const image = await decodeImage(await readInputFile(path), { name: basename(path) });
        const decodeMs = performance.now() - started;
        const prediction = await inference.predictPixels(image.pixels, image.meta, { model: modelArgument, tta });
        const { mask } = prediction;
        const spacing = image.meta.spacing;
        const measured = lungMeasurements(mask.data, mask.widthPx, mask.heightPx, spacing);
        const maskPath = join(out, `${stems[index]}.png`);
        const reportPath = join(out, `${stems[index]}.json`);
        const report = {
          file: path,
          mask: maskPath,
          widthPx: mask.widthPx,
          heightPx: mask.heightPx,
          encoding: asLabels ? 'labels: 0 background, 1 patient right lung, 2 patient left lung' : '0 background, 255 lung',
          areas: { rightCm2: measured.rightCm2, leftCm2: measured.leftCm2, totalCm2: measured.totalCm2, rightPx: measured.rightPx, leftPx: measured.leftPx, totalPx: measured.totalPx },
          lungHeightMm: measured.lungHeightMm,
          lungHeightPx: measured.lungHeightPx,
          spacing: spacing ? { rowMm: spacing.rowMm, colMm: spacing.colMm, source: spacing.source, label: spacing.label } : { source: 'none', label: 'no pixel spacing in the file: areas in pixels only' },
          uncertainty: prediction.uncertaintyScore,
          model: { id: prediction.model.manifest.id, version: prediction.model.manifest.version, key: prediction.model.key },
          provider: prediction.provider,
          tta,
          timingsMs: { decode: decodeMs, ...prediction.timingsMs, total: performance.now() - started },
        };
        try {
          await mkdir(dirname(maskPath), { recursive: true });
          await writeFile(maskPath, await grey8Png(maskBytes(mask.data, asLabels), mask.widthPx, mask.heightPx));
          await writeFile(reportPath, JSON.stringify(report, null, 2) + '\n');
        } catch (error) {
          throw new PleuraError('io', `${out} cannot be written (${error instanceof Error ? error.message : String(error)}).`);
        }
        io.progress((index + 1) / inputs.length, basename(path));
        results.push(report);
      }
    } finally {
      await inference.close();
    }
    io.result(results.length === 1 ? results[0] : results);
  },
};
