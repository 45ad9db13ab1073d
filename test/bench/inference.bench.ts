// Inference benchmark: ms per image, warm, from a full-resolution (2000x2000) X-ray to the full-size label
// mask, side by side with the raw `session.run` of the same input in the same run, so the pre/post overhead
// shows. Shipped models also run on the same X-ray as a 12-bit film (the DICOM case: automatic window). Runs the shipped model when models/ has one, and random-weight U-Nets (16-32-64-128-256 channels,
// ~1.9 M parameters, the reference design) at 256 and 512 px. In-process: the worker adds only a
// message round trip per image.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import type { ImageMeta, ImagePixels } from '../../src-shared/api/images';
import { modelManifestSchema, type ModelManifest } from '../../src-shared/ml/manifest';
import { inputTransform, modelIntensities, preprocess, resizeForModel } from '../../src-shared/ml/preprocess';
import { toGrey8 } from '../../src-shared/imaging';
import { ttaVariants } from '../../src-shared/ml/tta';
import { predictPixels } from '../../src-main/workers/inference/pipeline';
import { loadModel } from '../../src-main/workers/inference/session';
import { currentProviderPlan } from '../../src-main/workers/inference/providers';
import { fixturePath, repoRoot } from '../helpers/paths';
import { randomUnet } from '../fixtures/models/onnx-builder';
import type { BenchContext, BenchResult } from './types';

const FULL_PX = 2000;
const WARMUP = 2;
// The post-processing times are bimodal (the 4 MB mask's first-touch page faults): enough runs for a steady median.
const ITERATIONS = 25;

async function fullResolutionXray(): Promise<ImagePixels> {
  const data = await sharp(fixturePath('xray', 'CHNCXR_0005_0.png')).greyscale().resize(FULL_PX, FULL_PX).raw().toBuffer();
  return { widthPx: FULL_PX, heightPx: FULL_PX, channels: 1, data: new Uint8Array(data), min: 0, max: 255, invert: false };
}

/**
 * The same X-ray as a 12-bit film, as a DICOM CR decodes (Uint16, no window in the file, so the model's
 * input takes the automatic 0.5-99.5 % window and a 4096-entry table): value x 16 plus a fixed pattern.
 */
function film12(pixels: ImagePixels): ImagePixels {
  const data = new Uint16Array(pixels.data.length);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    data[i] = pixels.data[i] * 16 + (i % 13);
    min = Math.min(min, data[i]);
    max = Math.max(max, data[i]);
  }
  return { ...pixels, data, min, max };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(label: string, onnxPath: string, manifest: ModelManifest, pixels: ImagePixels, ctx: BenchContext, options: { ttaToo: boolean; film: string } = { ttaToo: true, film: '' }): Promise<BenchResult[]> {
  const model = await loadModel(label, onnxPath, manifest, currentProviderPlan());
  const meta = { windows: [], voiLut: null };
  const results: BenchResult[] = [];
  try {
    for (const tta of options.ttaToo ? [false, true] : [false]) {
      const prepared = preprocess(pixels, meta, manifest, { variants: ttaVariants({ enabled: tta }) });
      const feeds = { [model.inputName]: new ort.Tensor('float32', prepared.data, prepared.dims) };
      const total: number[] = [];
      const run: number[] = [];
      const pre: number[] = [];
      const post: number[] = [];
      for (let i = 0; i < WARMUP + ITERATIONS; i++) {
        const started = performance.now();
        await model.session.run(feeds);
        const rawRun = performance.now() - started;
        const startedTotal = performance.now();
        const prediction = await predictPixels(model, pixels, meta, { tta });
        const end = performance.now() - startedTotal;
        if (i < WARMUP) continue;
        run.push(rawRun);
        total.push(end);
        pre.push(prediction.timingsMs.pre);
        post.push(prediction.timingsMs.post);
      }
      const name = `${label}${options.film} ${tta ? 'TTA x2' : 'no TTA'}`;
      const totalMs = median(total);
      const runMs = median(run);
      ctx.log(`${name}: total ${totalMs.toFixed(1)} ms (pre ${median(pre).toFixed(1)}, post ${median(post).toFixed(1)}), session.run ${runMs.toFixed(1)} ms, provider ${model.provider}`);
      const preMs = median(pre);
      const postMs = median(post);
      results.push(
        { metric: `${name}: ${FULL_PX}px image to full-size mask, ms/image`, value: totalMs, unit: 'ms', peer: 'session.run alone', peerValue: runMs, ratio: totalMs / runMs },
        { metric: `${name}: pre-processing, ms`, value: preMs, unit: 'ms', peer: 'session.run alone', peerValue: runMs, ratio: preMs / runMs },
        { metric: `${name}: post-processing, ms`, value: postMs, unit: 'ms', peer: 'session.run alone', peerValue: runMs, ratio: postMs / runMs },
        { metric: `${name}: pre+post overhead vs session.run`, value: ((preMs + postMs) / runMs) * 100, unit: '%' },
      );
      if (!tta && manifest.normalisation.from === 'display-8bit') results.push(intensityStages(`${label}${options.film}`, pixels, meta, manifest, ctx));
    }
  } finally {
    await model.session.release();
  }
  return results;
}

/**
 * The intensity stage alone (window + area downscale of the large film), the fused one-pass path against
 * the two-pass reference it replaced (window the whole film to bytes, then area-average), same run.
 */
function intensityStages(label: string, pixels: ImagePixels, meta: Pick<ImageMeta, 'windows' | 'voiLut'>, manifest: ModelManifest, ctx: BenchContext): BenchResult {
  const transform = inputTransform(pixels.widthPx, pixels.heightPx, manifest.input);
  const reference = (): Float32Array => {
    const grey = toGrey8(pixels, meta);
    const small = resizeForModel({ widthPx: pixels.widthPx, heightPx: pixels.heightPx, data: grey }, transform.contentWidthPx, transform.contentHeightPx).data;
    for (let i = 0; i < small.length; i++) small[i] /= 255;
    return small;
  };
  const fusedTimes: number[] = [];
  const referenceTimes: number[] = [];
  for (let i = 0; i < WARMUP + ITERATIONS * 2; i++) {
    const a = performance.now();
    modelIntensities(pixels, meta, manifest, transform);
    const b = performance.now();
    reference();
    const c = performance.now();
    if (i < WARMUP) continue;
    fusedTimes.push(b - a);
    referenceTimes.push(c - b);
  }
  const fused = median(fusedTimes);
  const twoPass = median(referenceTimes);
  ctx.log(`${label}: window + downscale ${fused.toFixed(1)} ms fused, ${twoPass.toFixed(1)} ms two-pass`);
  return { metric: `${label}: window + area downscale of the ${FULL_PX}px film (fused one pass), ms`, value: fused, unit: 'ms', peer: 'two-pass (toGrey8, then area average)', peerValue: twoPass, ratio: fused / twoPass };
}

export default async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const pixels = await fullResolutionXray();
  const results: BenchResult[] = [];
  const modelsDir = join(repoRoot, 'models');
  const shipped = existsSync(modelsDir) ? readdirSync(modelsDir).filter((name) => existsSync(join(modelsDir, name, 'model.json'))) : [];
  for (const name of shipped) {
    const manifest = modelManifestSchema.parse(JSON.parse(readFileSync(join(modelsDir, name, 'model.json'), 'utf8')));
    const label = `shipped ${manifest.id}@${manifest.version} ${manifest.input.widthPx}px`;
    results.push(...(await measure(label, join(modelsDir, name, manifest.file), manifest, pixels, ctx)));
    results.push(...(await measure(label, join(modelsDir, name, manifest.file), manifest, film12(pixels), ctx, { ttaToo: false, film: ', 12-bit film' })));
  }
  const dir = await mkdtemp(join(tmpdir(), 'pleura-bench-'));
  try {
    for (const sizePx of [256, 512]) {
      const onnxPath = join(dir, `unet-${sizePx}.onnx`);
      await writeFile(onnxPath, randomUnet({ sizePx, base: 16, levels: 4, seed: 3 }));
      const manifest = modelManifestSchema.parse({
        id: `random-unet-${sizePx}`, version: '0', name: 'random U-Net', createdAt: '2025-01-01',
        input: { name: 'image', widthPx: sizePx, heightPx: sizePx, channels: 1, layout: 'NCHW' },
        normalisation: { from: 'display-8bit' },
        output: { name: 'logits', kind: 'logit', classes: ['lung'] },
      });
      results.push(...(await measure(`U-Net 1.9M ${sizePx}px`, onnxPath, manifest, pixels, ctx)));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}
