/**
 * The recipe of Pleura's adult lung model (2.0.0, issue #17). It runs the project's own training code
 * (src-main/workers/training: U-Net-BN builder, WASM kernels, loop, losses, augmentation, ONNX export) on
 * the train splits of every adult-convention data set at once, in stages, each writing a model version
 * folder (tfjs/, model.onnx, model.json) under --out and checkpointing every epoch (resumable: run the
 * same command again after an interruption and it continues from the last finished epoch):
 *
 *   base   U-Net-BN from scratch at --base-px on the train splits of lungs-mcsz, lungs-jsrt and lungs-cxr
 *          (lungs-cxr's Shenzhen films that are also in lungs-mcsz are taken once); val: their val splits
 *   fine   the base weights moved to --input-px (the network is fully convolutional) and trained on
 *          the same data at that size, lower learning rate
 *   ship   copies --ship-stage (base or fine) to --ship (models/pleura-lungs-unet-<version>) with the card's
 *          manifest fields; the card and reports beside it stay
 *   evaluate  runs the shipped folder through the app's prediction path (what `pleura eval` does) on
 *          --subsets of every data set, writes eval/<set>-<subset>/ reports (worst 10 as pictures) and the
 *          metrics (per source too, Dice 5th percentile, heart overlap) into its manifest
 *
 * Every stage feeds the network per-image percentile-stretched intensities (manifest
 * `normalisation.perImage`, the same function inference uses) and augments with flips, small affine,
 * zoom, perspective, crop/pad and gamma/contrast jitter (augment.ts `intensityAugmentOptions`).
 *
 *   node --import tsx scripts/train-adult-model.ts --datasets <datasets> --out <work> --stages base
 *   node --import tsx scripts/train-adult-model.ts --datasets <datasets> --out <work> --stages ship,evaluate --subsets val
 *
 * The val splits choose the epoch (the trainer keeps the best val Dice); test splits are never read here
 * (`pleura eval --subset test`, once, for the card).
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { createAppContext } from '../src-main/services/create-context';
import { evaluateModelOnSplit } from '../src-main/services/evaluation/app-segmenter';
import type { EvaluationSummary } from '../src-main/services/evaluation/report';
import { getInferenceService } from '../src-main/services/inference/service';
import { modelManifestSchema } from '../src-shared/ml/manifest';
import { buildModel } from '../src-main/workers/training/architectures';
import { intensityAugmentOptions } from '../src-main/workers/training/augment';
import { loadModel, saveModel } from '../src-main/workers/training/checkpoint';
import { readSplits } from '../src-main/workers/training/data';
import { ensureTrainingBackend, runTraining } from '../src-main/workers/training/run';
import type { DataSource, TrainingRequest } from '../src-main/workers/training/protocol';
import type { PerImageNormalisation } from '../src-shared/ml/manifest';

const { values } = parseArgs({
  options: {
    datasets: { type: 'string' },
    out: { type: 'string' },
    stages: { type: 'string', default: 'base' },
    'base-px': { type: 'string', default: '128' },
    'input-px': { type: 'string', default: '256' },
    'base-filters': { type: 'string', default: '8' },
    'base-epochs': { type: 'string', default: '11' },
    'fine-epochs': { type: 'string', default: '4' },
    'base-lr': { type: 'string', default: '0.002' },
    'fine-lr': { type: 'string', default: '0.0005' },
    'batch-size': { type: 'string', default: '8' },
    loss: { type: 'string', default: 'bce+dice' },
    'train-limit': { type: 'string' },
    'val-limit': { type: 'string' },
    seed: { type: 'string', default: '17' },
    version: { type: 'string', default: '2.0.0' },
    'ship-stage': { type: 'string', default: 'base' },
    ship: { type: 'string' },
    subsets: { type: 'string', default: 'val' },
    /** WASM threads (default all cores). */
    threads: { type: 'string', default: '1' },
  },
});
if (!values.out || !values.datasets) throw new Error('usage: --datasets DIR --out DIR [--stages base,fine]');
const out = values.out;
const datasets = values.datasets;
mkdirSync(out, { recursive: true });
const baseFilters = Number(values['base-filters']);
const trainLimit = values['train-limit'] ? Number(values['train-limit']) : undefined;
const valLimit = values['val-limit'] ? Number(values['val-limit']) : undefined;
const logFile = join(out, 'recipe.log');
const log = (line: string) => {
  const stamped = `${new Date().toISOString()} ${line}`;
  console.log(stamped);
  appendFileSync(logFile, stamped + '\n');
};

/** The network's per-image normalisation: 0.5th..99.5th percentile to 0..1. */
export const adultPerImage: PerImageNormalisation = { kind: 'percentile', lowPercent: 0.5, highPercent: 99.5 };
const network = { architecture: 'unet-bn' as const, baseFilters, depth: 4, dropout: 0 };
const dataDescriptions = [
  'lungs-mcsz train (Montgomery + Shenzhen, NLM; Montgomery masks NLM, Shenzhen masks Stirenko et al. CC BY-NC-SA 4.0 reported)',
  'lungs-jsrt train (JSRT, research and education use only; SCR masks, van Ginneken et al. 2006, research use)',
  'lungs-cxr train (Shenzhen/NLM with Stirenko et al. masks; ieee8023 COVID-19 images mostly CC BY-NC-SA with GeneralBlockchain masks CC BY 4.0)',
];

/**
 * lungs-cxr's splits without the Shenzhen films that lungs-mcsz also holds (same names, same split in
 * both), so no film is counted twice; written under --out.
 */
async function cxrSplitsWithoutDuplicates(): Promise<string> {
  const mcsz = await readSplits(join(datasets, 'lungs-mcsz'));
  const cxr = await readSplits(join(datasets, 'lungs-cxr'));
  if (!mcsz || !cxr) throw new Error('lungs-mcsz and lungs-cxr need their splits.json');
  const inMcsz = new Set(Object.values(mcsz).flat());
  const filtered = Object.fromEntries(Object.entries(cxr).map(([k, names]) => [k, names.filter((n) => !inMcsz.has(n))]));
  const path = join(out, 'lungs-cxr.splits.json');
  writeFileSync(path, JSON.stringify(filtered, null, 1));
  return path;
}

function sources(subset: string, cxrSplits: string, limit?: number): DataSource[] {
  const part = (name: string, splitFile?: string): DataSource => ({
    kind: 'dataset', dir: join(datasets, name), subset, ...(splitFile ? { splitFile } : {}), ...(limit ? { limit } : {}),
  });
  return [part('lungs-mcsz'), part('lungs-jsrt'), part('lungs-cxr', cxrSplits)];
}

/** Copies a trained network's weights into the same network built for another input size. */
async function resized(fromTfjs: string, toDir: string, px: number): Promise<string> {
  const source = await loadModel(fromTfjs);
  const target = buildModel({ ...network, inputPx: px });
  target.setWeights(source.getWeights());
  await saveModel(target, toDir);
  source.dispose();
  target.dispose();
  return toDir;
}

async function stage(name: string, start: TrainingRequest['model'], request: Omit<TrainingRequest, 'outDir' | 'model'>): Promise<void> {
  const outDir = join(out, name);
  const checkpointDir = join(out, `${name}.checkpoint`);
  const resume = existsSync(join(checkpointDir, 'state.json'));
  const model: TrainingRequest['model'] = resume ? { kind: 'load', tfjsDir: checkpointDir } : start;
  log(`stage ${name}${resume ? ' (resuming)' : ''}: ${JSON.stringify({ model, options: request.options })}`);
  let lastStepLog = 0;
  const result = await runTraining({ ...request, model, outDir, options: { ...request.options, checkpointDir, resume } }, {
    log: (level, message) => log(`[${name}] ${level}: ${message}`),
    progress: (p) => {
      if (p.phase === 'epoch') {
        const v = p.validation;
        log(`[${name}] epoch ${p.epoch + 1}/${p.epochs} loss ${p.loss.toFixed(4)} dice ${p.metrics.dice.toFixed(4)}` +
          (v ? ` | val loss ${v.loss.toFixed(4)} dice ${v.metrics.dice.toFixed(4)} iou ${v.metrics.iou.toFixed(4)}` : '') +
          ` lr ${p.learningRate.toExponential(1)} eta ${p.etaMs === null ? '?' : Math.round(p.etaMs / 1000)} s`);
      } else if (performance.now() - lastStepLog > 60_000) {
        lastStepLog = performance.now();
        log(`[${name}] epoch ${p.epoch + 1} step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} (${(p.fraction * 100).toFixed(1)} %)`);
      }
    },
  });
  log(`stage ${name} done in ${result.durationS.toFixed(0)} s, best epoch ${result.bestEpoch + 1}, metrics ${JSON.stringify(result.manifest?.metrics)}`);
}

const stages = values.stages.split(',');
if (stages.includes('base') || stages.includes('fine')) {
  const backend = await ensureTrainingBackend(undefined, values.threads ? Number(values.threads) : undefined);
  log(`backend ${backend.name}: ${backend.device}${backend.note ? ` (${backend.note})` : ''}`);
}
const cxrSplits = await cxrSplitsWithoutDuplicates();
const common = {
  loss: values.loss, batchSize: Number(values['batch-size']), seed: Number(values.seed), augment: intensityAugmentOptions,
  plateau: null, cosine: { minLearningRate: 5e-5 },
};
const manifestFields = (id: string, name: string): TrainingRequest['manifest'] => ({
  id, version: values.version, name, convention: 'adult-visible-lung', training: { data: dataDescriptions },
});
const request = {
  train: sources('train', cxrSplits, trainLimit), val: sources('val', cxrSplits, valLimit), perImage: adultPerImage,
};

if (stages.includes('base')) {
  await stage('base', { kind: 'new', ...network, inputPx: Number(values['base-px']) }, {
    ...request,
    options: { ...common, epochs: Number(values['base-epochs']), learningRate: Number(values['base-lr']), earlyStopping: null },
    manifest: manifestFields('pleura-lungs-unet', 'Pleura lungs U-Net'),
  });
}
if (stages.includes('fine')) {
  const basePx = Number(values['base-px']);
  const inputPx = Number(values['input-px']);
  const from = join(out, 'base', 'tfjs');
  if (!existsSync(from)) throw new Error(`no base network at ${from}: run the base stage first`);
  const start = inputPx === basePx ? from : await resized(from, join(out, `base-${inputPx}`), inputPx);
  await stage('fine', { kind: 'load', tfjsDir: start }, {
    ...request,
    options: { ...common, epochs: Number(values['fine-epochs']), learningRate: Number(values['fine-lr']), earlyStopping: null },
    manifest: manifestFields('pleura-lungs-unet', 'Pleura lungs U-Net'),
  });
}
const shipDir = values.ship ?? join('models', `pleura-lungs-unet-${values.version}`);
if (stages.includes('ship')) {
  const from = join(out, values['ship-stage']);
  mkdirSync(shipDir, { recursive: true });
  await rm(join(shipDir, 'tfjs'), { recursive: true, force: true });
  for (const part of ['model.onnx', 'model.json', 'tfjs']) await cp(join(from, part), join(shipDir, part), { recursive: true });
  const manifest = modelManifestSchema.parse(JSON.parse(await readFile(join(shipDir, 'model.json'), 'utf8')));
  // --base-filters must be the trained network's (it only names it here).
  manifest.description = `U-Net with batch norm (${baseFilters} base filters, 4 levels, ${manifest.input.widthPx} px, per-image percentile stretch) ` +
    'trained on the train splits of lungs-mcsz, lungs-jsrt and lungs-cxr; adult convention (visible lung, heart and mediastinum excluded). See MODEL_CARD.md.';
  manifest.licence = 'Research and non-commercial use only: trained on Shenzhen masks (CC BY-NC-SA 4.0) and JSRT/SCR (research use); see MODEL_CARD.md';
  // Trainer figures at the network's size say little beside the app's; the evaluate stage fills metrics.
  manifest.metrics = {};
  await writeFile(join(shipDir, 'model.json'), JSON.stringify(manifest, null, 2) + '\n');
  log(`shipped ${manifest.id}@${manifest.version} from ${from} to ${shipDir}`);
}
if (stages.includes('evaluate')) {
  const ctx = createAppContext({ transport: 'cli', dataDir: join(out, 'app-data') });
  const manifestPath = join(shipDir, 'model.json');
  const manifest = modelManifestSchema.parse(JSON.parse(await readFile(manifestPath, 'utf8')));
  const record = (name: string, s: EvaluationSummary) => {
    manifest.metrics[name] = {
      images: s.count, dice: s.mean.dice, iou: s.mean.iou, f1: s.mean.f1, precision: s.mean.precision, recall: s.mean.recall,
      accuracy: s.mean.accuracy, dice5: s.dice5, minDice: s.minDice, ...(s.heartOverlap !== undefined ? { heartOverlap: s.heartOverlap } : {}),
    };
  };
  try {
    for (const subset of values.subsets.split(',')) {
      for (const set of ['lungs-mcsz', 'lungs-jsrt', 'lungs-cxr']) {
        const report = await evaluateModelOnSplit(ctx, { model: shipDir, dataDir: join(datasets, set), subset, outDir: join(shipDir, 'eval', `${set}-${subset}`) });
        record(`${set} ${subset}`, report.summary);
        for (const [group, s] of Object.entries(report.groups ?? {})) record(`${set} ${subset} ${group}`, s);
        log(`[evaluate] ${set} ${subset} (${report.count}): dice ${report.mean.dice.toFixed(4)} p5 ${report.summary.dice5.toFixed(4)} iou ${report.mean.iou.toFixed(4)}` +
          (report.summary.heartOverlap !== undefined ? ` heart ${(report.summary.heartOverlap * 100).toFixed(2)} %` : '') +
          Object.entries(report.groups ?? {}).map(([g, s]) => ` | ${g} ${s.mean.dice.toFixed(4)} (${s.count})`).join(''));
      }
    }
  } finally {
    await getInferenceService(ctx).close();
  }
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
}
log('all stages done');
// The WASM backend's worker threads would keep node alive.
process.exit(0);
