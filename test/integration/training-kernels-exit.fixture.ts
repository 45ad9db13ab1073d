// A process that starts the threaded WASM backend, runs a convolution and then simply ends: it must
// exit by itself (the pthread workers must not keep it alive).
import * as tf from '@tensorflow/tfjs';
import { initTrainingBackend } from '../../src-main/workers/training/backend';

const report = await initTrainingBackend({ prefer: ['wasm'], threads: 2 });
const y = tf.conv2d(tf.ones([1, 16, 16, 4]) as tf.Tensor4D, tf.ones([3, 3, 4, 2]) as tf.Tensor4D, 1, 'same');
console.log(JSON.stringify({ device: report.device, centre: y.dataSync()[(8 * 16 + 8) * 2] }));
