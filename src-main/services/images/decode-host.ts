import type { Worker } from 'node:worker_threads';
import { PleuraError } from '../../../src-shared/api/result';
import { say } from '../../../src-shared/api/text';
import { spawnWorker } from '../../workers/spawn';
import type { DecodedFrame, DecodeRequest, DecodeResponse } from '../../workers/decode/protocol';

type Job = DecodeRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(value: DecodedFrame | null): void;
  reject(error: unknown): void;
}

/** One worker thread and the requests it is answering; started on first use, restarted after a crash. */
class Lane {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  crashes = 0;

  constructor(private readonly spawn: () => Worker) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = this.spawn();
    worker.on('message', (response: DecodeResponse) => {
      const pending = this.pending.get(response.id);
      if (!pending) return;
      this.pending.delete(response.id);
      // An idle worker must not keep the process alive (CLI, tests); a busy one must.
      if (this.pending.size === 0) worker.unref();
      if (response.ok) pending.resolve(response.value);
      else pending.reject(new PleuraError(response.code, response.text ?? response.reason));
    });
    const stopped = (detail: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.crashes++;
      const failure = new PleuraError('internal', say('image.decodeWorkerStopped', { detail }));
      for (const pending of this.pending.values()) pending.reject(failure);
      this.pending.clear();
    };
    worker.on('error', (error) => stopped(error.message));
    worker.on('exit', (code) => stopped(`exit code ${code}`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  request(job: Job): Promise<DecodedFrame | null> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      // The bytes are handed over: a buffer that is all theirs moves without a copy, a view into a
      // larger one (pooled) is copied first so nothing else is detached.
      const { bytes } = job;
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
      const sent = own ? bytes : bytes.slice();
      worker.postMessage({ ...job, bytes: sent, id }, [sent.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    for (const pending of this.pending.values()) pending.reject(new PleuraError('cancelled', say('job.cancelled')));
    this.pending.clear();
    await worker?.terminate();
  }
}

/**
 * Image decoding off the main thread, in two worker threads: one for previews (a JPEG 2000 film's
 * reduced-resolution level, tens of milliseconds) and one for full decodes (up to seconds), so that a
 * preview never waits behind another film's full decode and the main thread keeps answering calls.
 * The bytes given are handed to the worker (the caller must not use them afterwards).
 */
export class DecodeHost {
  private readonly previews: Lane;
  private readonly full: Lane;

  constructor(spawn: () => Worker = () => spawnWorker('decode')) {
    this.previews = new Lane(spawn);
    this.full = new Lane(spawn);
  }

  /**
   * Decodes one frame (see decodeImage: the same values, metadata and errors); with `previewMaxSidePx`,
   * the answer also holds the frame's preview (see DecodedFrame's `preview`), made in the same worker.
   */
  async decode(bytes: Uint8Array, options: { name: string; frame?: number; previewMaxSidePx?: number }): Promise<DecodedFrame> {
    const job = { type: 'full' as const, bytes, name: options.name, frame: options.frame ?? 0 };
    const decoded = await this.full.request(options.previewMaxSidePx === undefined ? job : { ...job, previewMaxSidePx: options.previewMaxSidePx });
    if (!decoded) throw new PleuraError('internal', say('image.decodeWorkerStopped', { detail: 'no image' }));
    return decoded;
  }

  /** A grey JPEG 2000 film at a reduced resolution (see decodeDicomReduced); null for any other film. */
  reduced(bytes: Uint8Array, options: { name: string; maxSidePx: number }): Promise<DecodedFrame | null> {
    return this.previews.request({ type: 'reduced', bytes, name: options.name, maxSidePx: options.maxSidePx });
  }

  /** Times a worker stopped unexpectedly (tests and diagnostics). */
  get crashes(): number {
    return this.previews.crashes + this.full.crashes;
  }

  async close(): Promise<void> {
    await Promise.all([this.previews.close(), this.full.close()]);
  }
}
