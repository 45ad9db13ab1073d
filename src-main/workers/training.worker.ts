import { parentPort } from 'node:worker_threads';
import { serializeError } from '../../src-shared/api/result';
import type { FromTrainingWorker, ToTrainingWorker } from './training/protocol';
import { runTraining } from './training/run';

// One run at a time per worker; a cancel flips the flag the trainer checks before every batch.
const port = parentPort;
if (!port) throw new Error('training.worker must run in a worker thread');
const signal = { aborted: false };
let running = false;
const send = (message: FromTrainingWorker) => port.postMessage(message);

port.on('message', (message: ToTrainingWorker) => {
  if (message.type === 'cancel') {
    signal.aborted = true;
    return;
  }
  if (running) {
    send({ type: 'error', code: 'conflict', reason: 'A training run is already going on in this worker' });
    return;
  }
  running = true;
  signal.aborted = false;
  runTraining(message.request, {
    backend: (report) => send({ type: 'backend', report }),
    progress: (progress) => send({ type: 'progress', progress }),
    log: (level, text) => send({ type: 'log', level, message: text }),
  }, signal)
    .then((result) => send({ type: 'result', result }))
    .catch((error: unknown) => send({ type: 'error', ...serializeError(error) }))
    .finally(() => {
      running = false;
    });
});
