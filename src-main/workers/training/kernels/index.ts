import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { createConv2dBackpropInputConfig } from './conv2d-backprop-input';
import { createLayoutKernelConfigs } from './layout-kernels';

/** The kernels the WASM backend had before ours replaced them (undefined: it had none). */
const stockKernels = new Map<string, KernelConfig | undefined>();

function replaceKernel(config: KernelConfig): void {
  const existing = tf.getKernel(config.kernelName, 'wasm');
  if (!stockKernels.has(config.kernelName)) stockKernels.set(config.kernelName, existing);
  if (existing) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
}

/** Names of the kernels this module supplies to the WASM backend. */
export const trainingKernelNames = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'Identity',
  'Cast',
  'Sum',
  'Concat',
  'SplitV',
  'MaxPoolGrad',
] as const;
export type TrainingKernelName = (typeof trainingKernelNames)[number];

function stockKernel(name: string): KernelConfig | undefined {
  return stockKernels.has(name) ? stockKernels.get(name) : tf.getKernel(name, 'wasm');
}

/**
 * Registers the WASM training kernels: the missing Conv2DBackpropFilter, a fast Conv2DBackpropInput
 * and one-pass versions of the layout kernels a training step calls (each falling back to the stock
 * kernel for arguments it does not cover). Idempotent; call
 * after the 'wasm' backend is set. `kernels` picks a subset (benchmarks compare against stock ones).
 */
export function registerTrainingKernels(options: { kernels?: readonly TrainingKernelName[] } = {}): void {
  const selected = new Set(options.kernels ?? trainingKernelNames);
  const layout = new Map(createLayoutKernelConfigs(stockKernel).map((config) => [config.kernelName, config]));
  const configs: Record<TrainingKernelName, () => KernelConfig> = {
    Conv2DBackpropFilter: () => conv2dBackpropFilterConfig,
    Conv2DBackpropInput: () => createConv2dBackpropInputConfig(stockKernel('Conv2DBackpropInput')),
    Identity: () => layout.get('Identity')!,
    Cast: () => layout.get('Cast')!,
    Sum: () => layout.get('Sum')!,
    Concat: () => layout.get('Concat')!,
    SplitV: () => layout.get('SplitV')!,
    MaxPoolGrad: () => layout.get('MaxPoolGrad')!,
  };
  for (const name of trainingKernelNames) {
    if (selected.has(name)) replaceKernel(configs[name]());
  }
}

/**
 * Puts the stock WASM kernels back (Conv2DBackpropFilter then disappears, as in TF.js itself): for
 * benchmarks that compare against the stock backend and for tests.
 */
export function restoreStockKernels(): void {
  for (const [name, stock] of stockKernels) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    if (stock) tf.registerKernel(stock);
  }
  stockKernels.clear();
}
