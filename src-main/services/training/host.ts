import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type { RuntimeReport } from '../../../src-shared/api/system';
import { say } from '../../../src-shared/api/text';
import { PleuraError, type ErrorCode } from '../../../src-shared/api/result';
import { service, type AppContext } from '../context';
import { spawnWorker } from '../../workers/spawn';
import type { TrainingBackendReport } from '../../workers/training/backend';
import type { FromTrainingWorker, TrainingRequest, TrainingResult } from '../../workers/training/protocol';
import type { TrainingProgress } from '../../workers/training/trainer';

/** How a run reports and is stopped. */
export interface TrainingRunHooks {
  signal?: AbortSignal;
  progress?(progress: TrainingProgress): void;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  /** Run in this thread instead of a worker (CLI, tests): the same code path, no message hop. */
  inProcess?: boolean;
}

/** After a cancel, a worker that has not stopped within this time is terminated. */
const cancelGraceMs = 15_000;

const require = createRequire(import.meta.url);
const installed = (name: string) => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
};

/**
 * Runs training requests in the training worker (one fresh worker per run, so a run's memory is all
 * returned when it ends) and remembers which backend actually ran, for `system.info`.
 */
export class TrainingHost {
  private lastBackend: TrainingBackendReport | null = null;

  /** What could train here and what did last. */
  async runtimeReport(): Promise<RuntimeReport> {
    const available = [
      ...(installed('@tensorflow/tfjs-node-gpu') ? ['tfjs-node-gpu'] : []),
      ...(installed('@tensorflow/tfjs-node') ? ['tfjs-node'] : []),
      ...(installed('@tensorflow/tfjs-backend-wasm') ? ['wasm'] : []),
      'cpu',
    ];
    if (!this.lastBackend) return { available, active: null, note: 'No training run yet; the backend is chosen when one starts' };
    const { name, device, note } = this.lastBackend;
    return { available, active: `${name} (${device})`, ...(note ? { note } : {}) };
  }

  /** Runs one request to its end; rejects with PleuraError('cancelled') when the signal aborts it. */
  async run(request: TrainingRequest, hooks: TrainingRunHooks = {}): Promise<TrainingResult> {
    const result = hooks.inProcess ? await this.runHere(request, hooks) : await this.runInWorker(request, hooks);
    if (result.cancelled) throw new PleuraError('cancelled', say('training.cancelled'));
    return result;
  }

  private async runHere(request: TrainingRequest, hooks: TrainingRunHooks): Promise<TrainingResult> {
    const { runTraining } = await import('../../workers/training/run');
    const signal = { aborted: false };
    const onAbort = () => (signal.aborted = true);
    hooks.signal?.addEventListener('abort', onAbort);
    try {
      return await runTraining(request, {
        backend: (report) => (this.lastBackend = report),
        progress: hooks.progress,
        log: hooks.log,
      }, signal);
    } finally {
      hooks.signal?.removeEventListener('abort', onAbort);
    }
  }

  private runInWorker(request: TrainingRequest, hooks: TrainingRunHooks): Promise<TrainingResult> {
    return new Promise<TrainingResult>((resolve, reject) => {
      let worker: Worker;
      try {
        worker = spawnWorker('training');
      } catch (error) {
        reject(new PleuraError('internal', say('training.workerStart', { detail: (error as Error).message })));
        return;
      }
      let settled = false;
      let graceTimer: NodeJS.Timeout | undefined;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(graceTimer);
        hooks.signal?.removeEventListener('abort', onAbort);
        void worker.terminate();
        outcome();
      };
      const onAbort = () => {
        worker.postMessage({ type: 'cancel' });
        graceTimer = setTimeout(() => finish(() => reject(new PleuraError('cancelled', say('training.cancelledByForce')))), cancelGraceMs);
      };
      if (hooks.signal?.aborted) {
        finish(() => reject(new PleuraError('cancelled', say('training.cancelled'))));
        return;
      }
      hooks.signal?.addEventListener('abort', onAbort);
      worker.on('message', (message: FromTrainingWorker) => {
        if (message.type === 'backend') this.lastBackend = message.report;
        else if (message.type === 'progress') hooks.progress?.(message.progress);
        else if (message.type === 'log') hooks.log?.(message.level, message.message);
        else if (message.type === 'result') finish(() => resolve(message.result));
        else if (message.type === 'error') finish(() => reject(new PleuraError(message.code as ErrorCode, message.reason)));
      });
      worker.on('error', (error) => finish(() => reject(new PleuraError('internal', say('training.workerFailed', { detail: error.message })))));
      worker.on('exit', (code) => finish(() => reject(new PleuraError('internal', say('training.workerExited', { code })))));
      worker.postMessage({ type: 'start', request });
    });
  }
}

/** The process's training host; also registered as 'training.runtime' for `system.info`. */
export function getTrainingHost(ctx: AppContext): TrainingHost {
  return service(ctx, 'training.host', () => {
    const host = new TrainingHost();
    ctx.services.set('training.runtime', { runtimeReport: () => host.runtimeReport() });
    return host;
  });
}
