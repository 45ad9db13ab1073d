import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PleuraError } from '../../../src-shared/api/result';
import { architectures, type Architecture } from '../../../src-shared/api/training';
import { UsageError, type CliCommand } from '../command';
import { createAppContext } from '../../services/create-context';
import { getModelRegistry } from '../../services/models/registry';
import { getTrainingHost } from '../../services/training/host';
import { newVersionName } from '../../services/training/pipeline';
import { readSplits } from '../../workers/training/data';
import type { DataSource, ModelSource, TrainingRequest } from '../../workers/training/protocol';
import { intensityAugmentOptions } from '../../workers/training/augment';
import { perImageNormalisationSchema, type PerImageNormalisation } from '../../../src-shared/ml/manifest';

function integer(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer.`);
  return n;
}

function positive(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0)) throw new UsageError(`--${name} must be a positive number.`);
  return n;
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train a lung segmentation network on an images/masks data set and export it to ONNX',
  usage: [
    'pleura train --data DIR [options]',
    '',
    '  --data DIR          data set: DIR/images/*.png, DIR/masks/*.png (same names), optional DIR/splits.json',
    '  --split FILE        splits file (default DIR/splits.json): trains on "train", validates on "val"',
    '  --arch A            unet | unet-bn | linknet (default unet)',
    '  --loss L            bce, dice, jaccard or a sum such as bce+jaccard (default bce+jaccard)',
    '  --epochs N          default 20; --batch N default 8; --lr X default 0.001',
    '  --input-px N        square network input (default 256); --base-filters N (16); --depth N (4)',
    '  --dropout X         dropout of the plain U-Net (default 0.1)',
    '  --mode M            full | decoder (freeze the encoder; needs --init) (default full)',
    '  --no-augment        no flips/zoom/affine/perspective/crop/pad augmentation',
    '  --intensity-augment add gamma and contrast/brightness jitter (for washed-out and dark films)',
    '  --stretch LOW,HIGH  per-image percentile stretch of the input, e.g. 0.5,99.5 (written into the manifest;',
    '                      inference applies it); with --init, the initial model\'s stretch unless given',
    '  --patience N        early stopping after N epochs without a better val Dice (default 8)',
    '  --seed N            shuffling and augmentation seed (default 1)',
    '  --out DIR           model folder to write: model.onnx, model.json (manifest), tfjs/ (default ./pleura-model-<time>)',
    '  --checkpoint DIR    save a checkpoint after every epoch (default OUT.checkpoint, beside the model folder)',
    '  --resume DIR        continue from a checkpoint folder',
    '  --init MODEL        start from a model: key id@version, id, or folder with tfjs/ weights',
    '  --id ID --version V --name NAME   manifest identity (default pleura-lungs, <time>, "Pleura lungs")',
    '  --convention C      adult-visible-lung | including-retrocardiac | unknown (manifest)',
    '  --in-process        train in this thread instead of the training worker',
    '',
    'Progress: a bar on a terminal; with --json, JSON lines per batch/epoch and the result as the last line.',
  ].join('\n'),
  options: {
    data: { type: 'string' }, split: { type: 'string' }, arch: { type: 'string' }, loss: { type: 'string' },
    epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, 'input-px': { type: 'string' },
    'base-filters': { type: 'string' }, depth: { type: 'string' }, dropout: { type: 'string' }, mode: { type: 'string' },
    'no-augment': { type: 'boolean' }, patience: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
    checkpoint: { type: 'string' }, resume: { type: 'string' }, init: { type: 'string' }, id: { type: 'string' },
    version: { type: 'string' }, name: { type: 'string' }, convention: { type: 'string' }, 'in-process': { type: 'boolean' },
    stretch: { type: 'string' }, 'intensity-augment': { type: 'boolean' },
  },
  allowPositionals: false,
  async run({ values }, io) {
    if (typeof values.data !== 'string') throw new UsageError('--data DIR is required.');
    const data = resolve(values.data);
    if (!existsSync(data)) throw new PleuraError('not-found', `No data set at ${data}`);
    const architecture = (values.arch ?? 'unet') as Architecture;
    if (!architectures.includes(architecture)) throw new UsageError(`--arch must be one of ${architectures.join(', ')}.`);
    const mode = (values.mode ?? 'full') as 'full' | 'decoder';
    if (mode !== 'full' && mode !== 'decoder') throw new UsageError('--mode must be full or decoder.');
    const splitFile = typeof values.split === 'string' ? resolve(values.split) : undefined;
    const splits = await readSplits(data, splitFile);
    const version = typeof values.version === 'string' ? values.version : newVersionName();
    const out = resolve(typeof values.out === 'string' ? values.out : `pleura-model-${version}`);
    const checkpointDir = typeof values.resume === 'string' ? resolve(values.resume) : resolve(typeof values.checkpoint === 'string' ? values.checkpoint : `${out}.checkpoint`);
    const ctx = createAppContext({ transport: 'cli' });
    let model: ModelSource;
    let parent: string | null = null;
    let perImage: PerImageNormalisation | undefined;
    if (typeof values.stretch === 'string') {
      const parsed = perImageNormalisationSchema.safeParse({ kind: 'percentile', lowPercent: Number(values.stretch.split(',')[0]), highPercent: Number(values.stretch.split(',')[1]) });
      if (!parsed.success || values.stretch.split(',').length !== 2) throw new UsageError('--stretch takes two percentiles LOW,HIGH with LOW < HIGH, e.g. 0.5,99.5.');
      perImage = parsed.data;
    }
    if (typeof values.resume === 'string') {
      model = { kind: 'load', tfjsDir: checkpointDir };
    } else if (typeof values.init === 'string') {
      const init = await getModelRegistry(ctx).resolve(values.init);
      if (!init.tfjsDir) throw new PleuraError('unsupported', `${init.key} has no TF.js weights to start from`);
      model = { kind: 'load', tfjsDir: init.tfjsDir };
      parent = init.key;
      perImage ??= init.manifest.normalisation.perImage;
    } else {
      if (mode === 'decoder') throw new UsageError('--mode decoder fine-tunes a trained network: give --init MODEL.');
      model = {
        kind: 'new', architecture, inputPx: integer(values['input-px'], 'input-px', 256),
        baseFilters: integer(values['base-filters'], 'base-filters', 16), depth: integer(values.depth, 'depth', 4),
        dropout: values.dropout === undefined ? 0.1 : Number(values.dropout),
      };
    }
    const subset = (name: string): DataSource[] => (splits?.[name] ? [{ kind: 'dataset', dir: data, subset: name, splitFile }] : []);
    const train = splits?.train ? subset('train') : [{ kind: 'dataset' as const, dir: data }];
    const request: TrainingRequest = {
      model, train, val: subset('val'), outDir: out, ...(perImage ? { perImage } : {}),
      options: {
        loss: typeof values.loss === 'string' ? values.loss : 'bce+jaccard',
        epochs: integer(values.epochs, 'epochs', 20), batchSize: integer(values.batch, 'batch', 8),
        learningRate: positive(values.lr, 'lr', 1e-3), mode,
        augment: values['no-augment'] === true ? false : values['intensity-augment'] === true ? intensityAugmentOptions : true,
        earlyStopping: { patience: integer(values.patience, 'patience', 8) }, seed: integer(values.seed, 'seed', 1),
        checkpointDir, resume: typeof values.resume === 'string',
      },
      manifest: {
        id: typeof values.id === 'string' ? values.id : 'pleura-lungs', version,
        name: typeof values.name === 'string' ? values.name : 'Pleura lungs',
        convention: (values.convention as 'unknown' | undefined) ?? 'unknown',
        training: { data: [`${data}${splits?.train ? ' (train split)' : ''}`], parent },
      },
    };
    const result = await getTrainingHost(ctx).run(request, {
      inProcess: values['in-process'] === true,
      log: (_level, message) => (io.json ? process.stdout.write(`${JSON.stringify({ type: 'log', message })}\n`) : io.err(message)),
      progress: (p) => {
        const val = p.validation ? `, val Dice ${p.validation.metrics.dice.toFixed(4)}` : '';
        io.progress(p.fraction, `epoch ${p.epoch + 1}/${p.epochs} batch ${p.step}/${p.steps} loss ${p.loss.toFixed(4)}${val}`);
        if (p.phase === 'epoch') {
          if (io.json) process.stdout.write(`${JSON.stringify({ type: 'epoch', epoch: p.epoch + 1, loss: p.loss, ...p.metrics, learningRate: p.learningRate, ...(p.validation ? { valLoss: p.validation.loss, valDice: p.validation.metrics.dice, valIou: p.validation.metrics.iou } : {}) })}\n`);
          else io.err(`\nepoch ${p.epoch + 1}/${p.epochs}: loss ${p.loss.toFixed(4)} Dice ${p.metrics.dice.toFixed(4)}${val} lr ${p.learningRate.toExponential(1)}`);
        }
      },
    });
    const summary = {
      out: result.outDir, key: result.manifest ? `${result.manifest.id}@${result.manifest.version}` : null,
      epochs: result.history.length, bestEpoch: result.bestEpoch + 1, stoppedEarly: result.stoppedEarly,
      durationS: Math.round(result.durationS * 10) / 10, backend: `${result.backend.name}: ${result.backend.device}`,
      metrics: result.manifest?.metrics ?? {},
    };
    if (io.json) io.result(summary);
    else {
      io.out(`Wrote ${summary.key} to ${summary.out} (${summary.epochs} epochs, best ${summary.bestEpoch}, ${summary.durationS} s on ${summary.backend})`);
      for (const [set, metrics] of Object.entries(summary.metrics)) io.out(`  ${set}: ${Object.entries(metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}`);
    }
  },
};
