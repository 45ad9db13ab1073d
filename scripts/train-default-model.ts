/**
 * The recipe that made Pleura's shipped lung model (models/pleura-lungs-unet-1.0.0/). It runs the project's own
 * training code (src-main/workers/training: H5's networks and backend, H6's loop, losses, augmentation
 * and ONNX export) in stages, each writing a model version folder (tfjs/, model.onnx, model.json):
 *
 *   pretrain   U-Net-BN from scratch on lungs-v7-kermany train (paediatric, masks include the lung behind
 *              the heart), at --pretrain-px (small, so many epochs fit on a CPU); val: kermany val
 *   finetune   the pre-trained weights moved to --input-px, trained on lungs-cxr train (adult convention:
 *              visible lung only, the convention Pleura ships); val: lungs-cxr val
 *   scratch    (comparison only) the same network trained on lungs-cxr train alone at --input-px
 *   kermany    (comparison only) the pre-trained weights trained on at --input-px on kermany train
 *   ship       copies the finetune version to --ship (default models/pleura-lungs-unet-1.0.0) with its card fields
 *   evaluate   runs --models (stage names or folders) through the app's prediction path on --subsets of
 *              both data sets and writes eval/<set>-<subset>/ reports and the metrics into each manifest
 *
 *   node --import tsx scripts/train-default-model.ts --kermany <datasets>/lungs-v7-kermany \
 *     --cxr <datasets>/lungs-cxr --out <work folder> --stages pretrain,finetune
 *
 *   ... --stages ship,evaluate --models models/pleura-lungs-unet-1.0.0 --subsets val
 *
 * Val splits choose the epoch (the trainer keeps the best val Dice). Test splits are read only by
 * `--stages evaluate --subsets test`, run once for the model card.
 * Deterministic up to floating-point summation order (fixed seeds).
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { createAppContext } from '../src-main/services/create-context';
import { evaluateModelOnSplit } from '../src-main/services/evaluation/app-segmenter';
import { getInferenceService } from '../src-main/services/inference/service';
import { modelManifestSchema } from '../src-shared/ml/manifest';
import { buildModel } from '../src-main/workers/training/architectures';
import { loadModel, saveModel } from '../src-main/workers/training/checkpoint';
import { ensureTrainingBackend, runTraining } from '../src-main/workers/training/run';
import type { TrainingRequest } from '../src-main/workers/training/protocol';

const { values } = parseArgs({
  options: {
    kermany: { type: 'string' },
    cxr: { type: 'string' },
    out: { type: 'string' },
    stages: { type: 'string', default: 'pretrain,finetune' },
    'input-px': { type: 'string', default: '256' },
    'pretrain-px': { type: 'string', default: '128' },
    'base-filters': { type: 'string', default: '8' },
    'pretrain-epochs': { type: 'string', default: '6' },
    'finetune-epochs': { type: 'string', default: '30' },
    'kermany-epochs': { type: 'string', default: '2' },
    'train-limit': { type: 'string' },
    'val-limit': { type: 'string' },
    'batch-size': { type: 'string', default: '4' },
    seed: { type: 'string', default: '7' },
    /** Model folders to evaluate (stage names under --out, or paths), for the evaluate stage. */
    models: { type: 'string', default: 'finetune' },
    /** Subsets to evaluate on; 'test' only once, for the card. */
    subsets: { type: 'string', default: 'val' },
    ship: { type: 'string', default: 'models/pleura-lungs-unet-1.0.0' },
  },
});
if (!values.out || (!values.kermany && !values.cxr)) {
  throw new Error('usage: --kermany DIR --cxr DIR --out DIR [--stages pretrain,finetune,scratch,kermany]');
}
const out = values.out;
mkdirSync(out, { recursive: true });
const inputPx = Number(values['input-px']);
const pretrainPx = Number(values['pretrain-px']);
const baseFilters = Number(values['base-filters']);
const batchSize = Number(values['batch-size']);
const seed = Number(values.seed);
const trainLimit = values['train-limit'] ? Number(values['train-limit']) : undefined;
const valLimit = values['val-limit'] ? Number(values['val-limit']) : undefined;
const logFile = join(out, 'recipe.log');
const log = (line: string) => {
  const stamped = `${new Date().toISOString()} ${line}`;
  console.log(stamped);
  appendFileSync(logFile, stamped + '\n');
};

const network = { architecture: 'unet-bn' as const, baseFilters, depth: 4, dropout: 0 };
const kermanyData = 'lungs-v7-kermany (Kermany et al. 2018 images CC BY 4.0; V7 Labs masks CC BY 4.0)';
const cxrData = 'lungs-cxr (Shenzhen/NLM images with Stirenko et al. masks, CC BY-NC-SA 4.0 reported; ieee8023 COVID-19 images mostly CC BY-NC-SA with GeneralBlockchain masks CC BY 4.0)';

function dataset(dir: string | undefined, subset: string, limit?: number): TrainingRequest['train'][number] {
  if (!dir) throw new Error(`this stage needs the data set folder for subset '${subset}'`);
  return { kind: 'dataset', dir, subset, ...(limit ? { limit } : {}) };
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

async function stage(name: string, request: Omit<TrainingRequest, 'outDir'>): Promise<void> {
  const outDir = join(out, name);
  log(`stage ${name}: ${JSON.stringify({ model: request.model, options: request.options })}`);
  let lastEpochLog = 0;
  const result = await runTraining({ ...request, outDir }, {
    log: (level, message) => log(`[${name}] ${level}: ${message}`),
    progress: (p) => {
      if (p.phase === 'epoch') {
        const v = p.validation;
        log(`[${name}] epoch ${p.epoch + 1}/${p.epochs} loss ${p.loss.toFixed(4)} dice ${p.metrics.dice.toFixed(4)}` +
          (v ? ` | val loss ${v.loss.toFixed(4)} dice ${v.metrics.dice.toFixed(4)} iou ${v.metrics.iou.toFixed(4)}` : '') +
          ` lr ${p.learningRate.toExponential(1)} eta ${p.etaMs === null ? '?' : Math.round(p.etaMs / 1000)} s`);
      } else if (performance.now() - lastEpochLog > 60_000) {
        lastEpochLog = performance.now();
        log(`[${name}] epoch ${p.epoch + 1} step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} (${(p.fraction * 100).toFixed(1)} %)`);
      }
    },
  });
  log(`stage ${name} done in ${result.durationS.toFixed(0)} s, best epoch ${result.bestEpoch + 1}, manifest metrics ${JSON.stringify(result.manifest?.metrics)}`);
}

const backend = await ensureTrainingBackend();
log(`backend ${backend.name}: ${backend.device}${backend.note ? ` (${backend.note})` : ''}`);
const stages = values.stages.split(',');
const common = { loss: 'bce+jaccard', batchSize, seed, augment: true };
const manifestBase = { version: '1.0.0', convention: 'adult-visible-lung' as const };

if (stages.includes('pretrain')) {
  await stage('pretrain', {
    model: { kind: 'new', ...network, inputPx: pretrainPx },
    train: [dataset(values.kermany, 'train', trainLimit)],
    val: [dataset(values.kermany, 'val', valLimit)],
    options: { ...common, epochs: Number(values['pretrain-epochs']), learningRate: 2e-3, earlyStopping: null },
    manifest: { ...manifestBase, id: 'pretrain', name: 'Kermany pre-training', convention: 'including-retrocardiac', training: { data: [kermanyData] } },
  });
}
const pretrained = join(out, 'pretrain', 'tfjs');
if (stages.includes('finetune') || stages.includes('kermany')) {
  if (!existsSync(pretrained)) throw new Error(`no pre-trained network at ${pretrained}: run the pretrain stage first`);
  await resized(pretrained, join(out, `pretrain-${inputPx}`), inputPx);
}
if (stages.includes('finetune')) {
  await stage('finetune', {
    model: { kind: 'load', tfjsDir: join(out, `pretrain-${inputPx}`) },
    train: [dataset(values.cxr, 'train', trainLimit)],
    val: [dataset(values.cxr, 'val', valLimit)],
    options: { ...common, epochs: Number(values['finetune-epochs']), learningRate: 1e-3, earlyStopping: { patience: 10 } },
    manifest: { ...manifestBase, id: 'pleura-lungs-unet', name: 'Pleura lungs U-Net', training: { data: [kermanyData, cxrData] } },
  });
}
if (stages.includes('kermany')) {
  await stage('kermany', {
    model: { kind: 'load', tfjsDir: join(out, `pretrain-${inputPx}`) },
    train: [dataset(values.kermany, 'train', trainLimit)],
    val: [dataset(values.kermany, 'val', valLimit)],
    options: { ...common, epochs: Number(values['kermany-epochs']), learningRate: 1e-3, earlyStopping: null },
    manifest: { ...manifestBase, id: 'kermany-only', name: 'Kermany only (comparison)', convention: 'including-retrocardiac', training: { data: [kermanyData] } },
  });
}
if (stages.includes('scratch')) {
  await stage('scratch', {
    model: { kind: 'new', ...network, inputPx },
    train: [dataset(values.cxr, 'train', trainLimit)],
    val: [dataset(values.cxr, 'val', valLimit)],
    options: { ...common, epochs: Number(values['finetune-epochs']), learningRate: 2e-3, earlyStopping: { patience: 10 } },
    manifest: { ...manifestBase, id: 'cxr-only', name: 'lungs-cxr only (comparison)', training: { data: [cxrData] } },
  });
}
if (stages.includes('ship')) {
  // The fine-tuned version becomes the shipped model: ONNX, manifest and the TF.js weights that
  // in-app fine-tuning starts from. Metrics are filled in by the evaluate stage.
  const shipDir = values.ship;
  // Only the model files are replaced: the card and the eval reports beside them stay.
  mkdirSync(shipDir, { recursive: true });
  await rm(join(shipDir, 'tfjs'), { recursive: true, force: true });
  for (const part of ['model.onnx', 'model.json', 'tfjs']) await cp(join(out, 'finetune', part), join(shipDir, part), { recursive: true });
  const manifest = modelManifestSchema.parse(JSON.parse(await readFile(join(shipDir, 'model.json'), 'utf8')));
  manifest.description = `U-Net with batch norm (${baseFilters} base filters, 4 levels, ${inputPx} px): pre-trained on lungs-v7-kermany, fine-tuned on lungs-cxr; adult convention (visible lung, heart and mediastinum excluded). See MODEL_CARD.md.`;
  manifest.licence = 'CC BY-NC-SA 4.0 (trained on lungs-cxr, whose images and Shenzhen masks are mostly NC-licensed; see MODEL_CARD.md)';
  manifest.metrics = {};
  // The manifest from runTraining describes the fine-tuning run; the recipe has two stages.
  const pretrainManifestPath = join(out, 'pretrain', 'model.json');
  if (existsSync(pretrainManifestPath)) {
    const pretrain = modelManifestSchema.parse(JSON.parse(await readFile(pretrainManifestPath, 'utf8')));
    manifest.training.hyperParameters = {
      pretrain: { data: 'lungs-v7-kermany train', ...pretrain.training.hyperParameters, durationS: pretrain.training.durationS },
      finetune: { data: 'lungs-cxr train', ...manifest.training.hyperParameters, durationS: manifest.training.durationS },
    };
    manifest.training.durationS = (pretrain.training.durationS ?? 0) + (manifest.training.durationS ?? 0);
  }
  await writeFile(join(shipDir, 'model.json'), JSON.stringify(manifest, null, 2) + '\n');
  log(`shipped ${manifest.id}@${manifest.version} to ${shipDir}`);
}
if (stages.includes('evaluate')) {
  const ctx = createAppContext({ transport: 'cli', dataDir: join(out, 'app-data') });
  const sets = [['lungs-v7-kermany', values.kermany], ['lungs-cxr', values.cxr]] as const;
  for (const modelName of values.models.split(',')) {
    const modelDir = existsSync(join(out, modelName)) ? join(out, modelName) : modelName;
    const manifestPath = join(modelDir, 'model.json');
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(manifestPath, 'utf8')));
    for (const subset of values.subsets.split(',')) {
      for (const [setName, dir] of sets) {
        if (!dir) continue;
        const report = await evaluateModelOnSplit(ctx, { model: modelDir, dataDir: dir, subset, outDir: join(modelDir, 'eval', `${setName}-${subset}`) });
        const m = report.mean;
        log(`[evaluate] ${modelName} on ${setName} ${subset} (${report.count} images): dice ${m.dice.toFixed(4)} iou ${m.iou.toFixed(4)} precision ${m.precision.toFixed(4)} recall ${m.recall.toFixed(4)}`);
        manifest.metrics[`${setName} ${subset}`] = { images: report.count, dice: m.dice, iou: m.iou, f1: m.f1, precision: m.precision, recall: m.recall, accuracy: m.accuracy };
      }
    }
    await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  }
  await getInferenceService(ctx).close();
}
log('all stages done');
// The WASM backend's worker threads would keep node alive.
process.exit(0);
