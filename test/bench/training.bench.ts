// `npm run bench -- training [--steps N] [--rounds N]`: one training step of the issue's U-Net (4 levels, 16 base
// filters, batch 4) on the WASM backend with our kernels, side by side with PyTorch on the CPU running
// the identical network (test/bench/torch_step.py, only when python3 with torch is installed), both on
// 2 threads. Also the stock-kernel figure for context.
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchResult } from './types';
import { initTrainingBackend } from '../../src-main/workers/training/backend';
import { buildModel, countParameters, estimateFlops } from '../../src-main/workers/training/architectures';
import { registerTrainingKernels, restoreStockKernels } from '../../src-main/workers/training/kernels';

const here = dirname(fileURLToPath(import.meta.url));
const batchSize = 4;
const threads = 2;

interface TorchFigures {
  msPerImage: number;
  parameters: number;
  torch: string;
}

/** Debian's python3 first: the python3 on PATH may be a pyenv one without torch. */
function findTorchPython(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
      return python;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

function torchStep(python: string, inputPx: number, steps: number): TorchFigures {
  const args = [join(here, 'torch_step.py'), '--px', String(inputPx), '--batch', String(batchSize)];
  args.push('--threads', String(threads), '--steps', String(steps));
  const output = execFileSync(python, args, { encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').pop() ?? '{}') as TorchFigures;
}

/** Mean ms per image of `steps` Adam steps on BCE, after two warm-up steps (operator caches, heap growth). */
function wasmStep(model: tf.LayersModel, inputPx: number, steps: number): number {
  const optimizer = tf.train.adam(1e-3);
  const image = tf.randomUniform([batchSize, inputPx, inputPx, 1]);
  const mask = tf.randomUniform([batchSize, inputPx, inputPx, 1]).round();
  const step = () => {
    const loss = optimizer.minimize(
      () => tf.metrics.binaryCrossentropy(mask, model.apply(image, { training: true }) as tf.Tensor).mean() as tf.Scalar,
      true,
    );
    loss?.dataSync();
    loss?.dispose();
  };
  step();
  step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  const msPerImage = (performance.now() - start) / steps / batchSize;
  tf.dispose([image, mask]);
  optimizer.dispose();
  return msPerImage;
}

export async function trainStepBench(ctx: BenchContext): Promise<BenchResult[]> {
  const stepsArg = ctx.args.indexOf('--steps');
  const steps = stepsArg >= 0 ? Number(ctx.args[stepsArg + 1]) : 3;
  const roundsArg = ctx.args.indexOf('--rounds');
  const rounds = roundsArg >= 0 ? Number(ctx.args[roundsArg + 1]) : 2;
  // Both sides use 2 threads on a 2-core machine: any other load skews them (PyTorch's spinning OpenMP
  // threads far more than WASM), so the load is logged before and after.
  ctx.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const report = await initTrainingBackend({ prefer: ['wasm'], threads });
  ctx.log(`TF.js backend: ${report.name} on ${report.device}${report.note ? ` (${report.note})` : ''}`);
  const python = findTorchPython();
  ctx.log(python ? `PyTorch peer: ${python}` : 'PyTorch peer: python3 with torch not found (apt-get install python3-torch)');
  const results: BenchResult[] = [];
  for (const inputPx of [128, 256]) {
    const model = buildModel({ architecture: 'unet', inputPx, baseFilters: 16, depth: 4 });
    const parameters = countParameters(model).trainable;
    // Alternating rounds, best of each side: other processes on the machine only ever add time.
    let msPerImage = Number.POSITIVE_INFINITY;
    let peer: TorchFigures | undefined;
    for (let round = 0; round < rounds; round++) {
      msPerImage = Math.min(msPerImage, wasmStep(model, inputPx, steps));
      if (!python) continue;
      const figures = torchStep(python, inputPx, steps);
      if (!peer || figures.msPerImage < peer.msPerImage) peer = figures;
    }
    const gflops = (3 * estimateFlops(model)) / (msPerImage * 1e6);
    ctx.log(`${inputPx} px: ${msPerImage.toFixed(0)} ms/image, ~${gflops.toFixed(1)} GFLOP/s (training = 3x forward FLOPs)`);
    const result: BenchResult = { metric: `train step U-Net ${inputPx}px batch ${batchSize} (WASM)`, value: msPerImage, unit: 'ms/image' };
    if (peer) {
      if (peer.parameters !== parameters) ctx.log(`warning: PyTorch net has ${peer.parameters} parameters, ours ${parameters}`);
      Object.assign(result, { peer: `PyTorch ${peer.torch} CPU`, peerValue: peer.msPerImage, ratio: msPerImage / peer.msPerImage });
    }
    results.push(result);
    model.dispose();
  }
  // Context: TF.js's own Conv2DBackpropInput (its Conv2DBackpropFilter does not exist, so ours stays).
  restoreStockKernels();
  registerTrainingKernels({ kernels: ['Conv2DBackpropFilter'] });
  const model = buildModel({ architecture: 'unet', inputPx: 128, baseFilters: 16, depth: 4 });
  const stockMs = wasmStep(model, 128, 1);
  model.dispose();
  registerTrainingKernels();
  ctx.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const ours = results[0].value;
  results.push({
    metric: 'train step 128px with stock Conv2DBackpropInput',
    value: stockMs,
    unit: 'ms/image',
    peer: 'ours',
    peerValue: ours,
    ratio: stockMs / ours,
  });
  return results;
}

export default async function run(ctx: BenchContext): Promise<BenchResult[]> {
  return trainStepBench(ctx);
}
