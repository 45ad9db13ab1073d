import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { createConv2dBackpropInputConfig } from './conv2d-backprop-input';

/** The kernels the WASM backend had before ours replaced them (undefined: it had none). */
const stockKernels = new Map<string, KernelConfig | undefined>();

function replaceKernel(config: KernelConfig): void {
  const existing = tf.getKernel(config.kernelName, 'wasm');
  if (!stockKernels.has(config.kernelName)) stockKernels.set(config.kernelName, existing);
  if (existing) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
}

/** Names of the kernels this module supplies to the WASM backend. */
export const trainingKernelNames = ['Conv2DBackpropFilter', 'Conv2DBackpropInput'] as const;

/**
 * Registers the WASM training kernels: the missing Conv2DBackpropFilter and a fast
 * Conv2DBackpropInput (falling back to the stock one for shapes it does not cover). Idempotent; call
 * before running a model on the 'wasm' backend.
 */
export function registerTrainingKernels(): void {
  const stockInput = stockKernels.has('Conv2DBackpropInput')
    ? stockKernels.get('Conv2DBackpropInput')
    : tf.getKernel('Conv2DBackpropInput', 'wasm');
  replaceKernel(conv2dBackpropFilterConfig);
  replaceKernel(createConv2dBackpropInputConfig(stockInput));
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
