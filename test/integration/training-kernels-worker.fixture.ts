// Runs inside a worker_threads Worker (the training worker's situation): starts the WASM backend with
// two threads and trains one step of a tiny U-Net, then reports.
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initTrainingBackend } from '../../src-main/workers/training/backend';
import { buildModel } from '../../src-main/workers/training/architectures';

const report = await initTrainingBackend({ prefer: ['wasm'], threads: 2 });
const model = buildModel({ architecture: 'unet', inputPx: 32, baseFilters: 4, depth: 2 });
const optimizer = tf.train.adam(1e-2);
const image = tf.randomUniform([2, 32, 32, 1]);
const mask = image.greater(0.5).toFloat();
const losses: number[] = [];
for (let step = 0; step < 5; step++) {
  const loss = optimizer.minimize(
    () => tf.metrics.binaryCrossentropy(mask, model.apply(image, { training: true }) as tf.Tensor).mean() as tf.Scalar,
    true,
  );
  losses.push(loss!.dataSync()[0]);
  loss!.dispose();
}
parentPort!.postMessage({ report, losses });
