/**
 * A decode worker: image decoding (the codecs' WebAssembly and JavaScript, seconds for a large JPEG 2000
 * film) off the main thread, so that serve mode and the Electron main process keep answering while a
 * film decodes. Requests are served one at a time; answers follow ./decode/protocol.ts.
 */
import { parentPort } from 'node:worker_threads';
import { serializeError } from '../../src-shared/api/result';
import { decodeImage } from '../services/images/decode';
import { decodeDicomReduced } from '../services/images/dicom/reduced';
import { downsamplePixels } from '../services/images/preview';
import type { DecodedFrame, DecodeRequest, DecodeResponse } from './decode/protocol';

if (!parentPort) throw new Error('decode.worker must run in a worker thread');
const port = parentPort;

async function handle(request: DecodeRequest): Promise<DecodedFrame | null> {
  if (request.type === 'full') {
    const image = await decodeImage(request.bytes, { name: request.name, frame: request.frame });
    if (request.previewMaxSidePx === undefined) return image;
    const preview = downsamplePixels(image.pixels, request.previewMaxSidePx);
    return preview === image.pixels ? image : { ...image, preview };
  }
  const reduced = await decodeDicomReduced(request.bytes, request.name, request.maxSidePx);
  return reduced ? { meta: reduced.meta, pixels: reduced.pixels, frame: 0 } : null;
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (request: DecodeRequest) => {
  queue = queue.then(async () => {
    let response: DecodeResponse;
    const transfer: ArrayBuffer[] = [];
    try {
      const value = await handle(request);
      response = { id: request.id, ok: true, value };
      // The pixels go back without a copy: their buffer is the decoder's output or the request's own bytes
      // (uncompressed films are used in place), neither needed here afterwards.
      for (const pixels of [value?.pixels, value?.preview]) {
        const buffer = pixels?.data.buffer;
        if (buffer instanceof ArrayBuffer && !transfer.includes(buffer)) transfer.push(buffer);
      }
    } catch (error) {
      const { code, reason, text } = serializeError(error);
      response = { id: request.id, ok: false, code, reason, ...(text ? { text } : {}) };
    }
    try {
      port.postMessage(response, transfer);
    } catch {
      port.postMessage(response); // a buffer that cannot be detached (WebAssembly memory) is copied
    }
  });
});
