// Fine-tune benchmark: seconds from "fine-tune on 10 corrected images" to "new model active" (trained in
// the training worker, ONNX exported, validated with ONNX Runtime against the active model, activated,
// loaded by the inference worker), decoder-only vs full fine-tuning, each with its validation Dice.
//
// `npm run bench -- finetune [--data DATASETS] [--base MODEL_DIR] [--epochs N] [--input-px N]`
// With --data, the 10 "corrected" images are the first 10 of lungs-cxr's train split and validation is
// its val split; the base model is pre-trained (untimed) on lungs-v7-kermany's train split unless --base
// names a model folder with tfjs/ weights. Without --data, the repository's fixtures stand in (5 + 2).
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchContext, BenchResult } from './types';
import { createAppContext } from '../../src-main/services/create-context';
import { getModelRegistry } from '../../src-main/services/models/registry';
import { getInferenceService } from '../../src-main/services/inference/service';
import { getTrainingHost } from '../../src-main/services/training/host';
import { trainEvaluatePromote, type ValidationSet } from '../../src-main/services/training/pipeline';
import { loadValidationPairs } from '../../src-main/services/training/validation';
import { makeSample } from '../../src-main/workers/training/data';
import { fixturePath } from '../helpers/paths';

function argument(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

export default async function run(bench: BenchContext): Promise<BenchResult[]> {
  const epochs = Number(argument(bench.args, 'epochs') ?? 10);
  const inputPx = Number(argument(bench.args, 'input-px') ?? 128);
  const root = await mkdtemp(join(tmpdir(), 'pleura-finetune-bench-'));
  const cxr = bench.dataDir ? join(bench.dataDir, 'lungs-cxr') : fixturePath('lungs');
  const kermany = bench.dataDir ? join(bench.dataDir, 'lungs-v7-kermany') : fixturePath('lungs');
  try {
    const corrected = (await loadValidationPairs(cxr, { subset: 'train', limit: 10 }));
    const validation: ValidationSet = { name: 'bench-val', pairs: await loadValidationPairs(cxr, { subset: 'val' }) };
    bench.log(`${corrected.length} corrected images, ${validation.pairs.length} validation images from ${cxr}`);

    // The base model: given, or pre-trained here (not timed) like a shipped model would be.
    let baseDir = argument(bench.args, 'base');
    if (!baseDir) {
      baseDir = join(root, 'base');
      const ctx = createAppContext({ transport: 'cli', dataDir: join(root, 'pretrain-data'), builtinModelsDir: join(root, 'none') });
      const started = performance.now();
      await getTrainingHost(ctx).run({
        model: { kind: 'new', architecture: 'unet', inputPx, baseFilters: 16, depth: 4, dropout: 0.1 },
        train: [{ kind: 'dataset', dir: kermany, subset: 'train', limit: Number(argument(bench.args, 'pretrain-images') ?? 160) }],
        val: [],
        options: { epochs: Number(argument(bench.args, 'pretrain-epochs') ?? 6), batchSize: 8, learningRate: 2e-3, augment: true, earlyStopping: null },
        outDir: baseDir,
        manifest: { id: 'bench-lungs', version: 'base', name: 'Bench base' },
      }, { log: (_l, m) => bench.log(`  pretrain: ${m}`) });
      bench.log(`base pre-trained in ${((performance.now() - started) / 1000).toFixed(0)} s (not timed)`);
    }
    baseDir = resolve(baseDir);

    const results: BenchResult[] = [];
    const outcome: Record<string, { seconds: number; dice: number; trainS: number }> = {};
    let baseDice = NaN;
    for (const mode of ['decoder', 'full'] as const) {
      // A fresh user store per mode, the base registered and active with its validation on record, as
      // after its own promotion; then the timed flow.
      const ctx = createAppContext({ transport: 'cli', dataDir: join(root, `data-${mode}`), builtinModelsDir: join(root, 'none') });
      const registry = getModelRegistry(ctx);
      const staged = join(root, `staged-${mode}`);
      await cp(baseDir, staged, { recursive: true });
      const base = await registry.add(staged);
      await registry.activate(base.key, { force: true });
      const inference = getInferenceService(ctx);
      const baseResolved = await registry.resolve(base.key);
      await inference.host.ensureModel(baseResolved);
      const { evaluateOnnx } = await import('../../src-main/services/models/evaluate');
      baseDice = (await evaluateOnnx(baseResolved.onnxPath, baseResolved.manifest, validation.pairs)).mean.dice;
      await registry.recordValidation(base.key, { set: validation.name, dice: baseDice, iou: 0 });

      const started = performance.now();
      const px = baseResolved.manifest.input.widthPx;
      const toSample = (p: (typeof corrected)[number]) => makeSample(p.name, { widthPx: p.widthPx, heightPx: p.heightPx, data: p.image }, { widthPx: p.widthPx, heightPx: p.heightPx, data: p.mask }, px);
      const result = await trainEvaluatePromote(ctx, {
        model: { kind: 'load', tfjsDir: baseResolved.tfjsDir! },
        train: [{ kind: 'samples', samples: corrected.map(toSample) }],
        val: [],
        options: { epochs, batchSize: 4, learningRate: 3e-4, mode, augment: true, earlyStopping: null, seed: 1 },
        manifest: { id: base.manifest.id, version: `ft-${mode}`, name: 'Bench fine-tuned', training: { data: ['bench'], parent: base.key } },
      }, { validation, force: true, hooks: { log: (_l, m) => bench.log(`  ${mode}: ${m}`) } });
      await inference.host.ensureModel(await registry.resolve());
      const seconds = (performance.now() - started) / 1000;
      await inference.close();
      outcome[mode] = { seconds, dice: result.validation.dice, trainS: result.training.durationS };
      bench.log(`${mode}: ${seconds.toFixed(1)} s to active (training loop ${result.training.durationS.toFixed(1)} s), val Dice ${result.validation.dice.toFixed(4)} (base ${baseDice.toFixed(4)})`);
    }
    results.push(
      { metric: `fine-tune ${corrected.length} images to active model, decoder-only (${epochs} epochs, ${inputPx} px)`, value: outcome.decoder.seconds, unit: 's', peer: 'full fine-tuning', peerValue: outcome.full.seconds, ratio: outcome.decoder.seconds / outcome.full.seconds },
      { metric: 'training loop only, decoder-only', value: outcome.decoder.trainS, unit: 's', peer: 'full fine-tuning', peerValue: outcome.full.trainS, ratio: outcome.decoder.trainS / outcome.full.trainS },
      { metric: 'val Dice after decoder-only fine-tuning', value: outcome.decoder.dice, unit: 'Dice', peer: 'full fine-tuning', peerValue: outcome.full.dice, ratio: outcome.decoder.dice / outcome.full.dice },
      { metric: 'val Dice of the base model', value: baseDice, unit: 'Dice' },
    );
    return results;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
