import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../../src-main/services/images/decode';
import { DecodeHost } from '../../../../src-main/services/images/decode-host';
import { downsamplePixels } from '../../../../src-main/services/images/preview';
import { spawnWorker } from '../../../../src-main/workers/spawn';
import { fixturePath } from '../../../helpers/paths';

const read = (name: string) => new Uint8Array(readFileSync(fixturePath('dicom', name)));

describe('decoding in worker threads', () => {
  const host = new DecodeHost();
  afterAll(() => host.close());

  it('gives what decodeImage gives, for compressed and uncompressed films (the bytes are handed over)', async () => {
    for (const name of ['966_fixed.dcm', 'RG2_JPLL.dcm', 'gdcm-CR-MONO1-10-chest.dcm', 'derived_CR-MONO1-10-chest_RLE.dcm']) {
      const expected = await decodeImage(read(name), { name });
      const bytes = read(name);
      const decoded = await host.decode(bytes, { name });
      expect(decoded.meta).toEqual(expected.meta);
      expect({ ...decoded.pixels, data: null }).toEqual({ ...expected.pixels, data: null });
      const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      expect(decoded.pixels.data.constructor).toBe(expected.pixels.data.constructor);
      expect(bytesOf(decoded.pixels.data).equals(bytesOf(expected.pixels.data))).toBe(true);
      expect(bytes.byteLength).toBe(0); // transferred, not copied
    }
  });

  it('keeps the main thread answering while a film decodes', async () => {
    const order: string[] = [];
    const decoding = host.decode(read('966_fixed.dcm'), { name: '966_fixed.dcm' }).then(() => order.push('decoded'));
    await new Promise((resolve) => setTimeout(resolve, 0)).then(() => order.push('timer'));
    await decoding;
    // decoded on this thread, the decode would finish (and resolve, a microtask) before any timer ran
    expect(order).toEqual(['timer', 'decoded']);
  });

  it('decodes a reduced JPEG 2000 level on the preview thread, and says null for any other film', async () => {
    const reduced = await host.reduced(read('966_fixed.dcm'), { name: '966_fixed.dcm', maxSidePx: 600 });
    expect(reduced && [reduced.pixels.widthPx, reduced.pixels.heightPx]).toEqual([500, 532]);
    expect(await host.reduced(read('RG2_JPLL.dcm'), { name: 'RG2_JPLL.dcm', maxSidePx: 600 })).toBeNull();
  });

  it('makes a film\'s preview in the same trip as its full decode: the full pixels area-averaged', async () => {
    const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (const name of ['RG2_JPLL.dcm', 'gdcm-CR-MONO1-10-chest.dcm', '966_fixed.dcm']) {
      const expected = await decodeImage(read(name), { name });
      const decoded = await host.decode(read(name), { name, previewMaxSidePx: 200 });
      expect(bytesOf(decoded.pixels.data).equals(bytesOf(expected.pixels.data))).toBe(true);
      const wanted = downsamplePixels(expected.pixels, 200);
      expect(Math.max(wanted.widthPx, wanted.heightPx)).toBe(200);
      const preview = decoded.preview!;
      expect({ ...preview, data: null }).toEqual({ ...wanted, data: null });
      expect(preview.data.constructor).toBe(wanted.data.constructor);
      expect(bytesOf(preview.data).equals(bytesOf(wanted.data))).toBe(true);
      expect(preview.invert).toBe(expected.pixels.invert); // MONOCHROME1 stays inverted
    }
    // a film at most that size already is its own preview: none is sent beside it
    expect((await host.decode(read('gdcm-CR-MONO1-10-chest.dcm'), { name: 'chest', previewMaxSidePx: 1024 })).preview).toBeUndefined();
  });

  it('fails as decodeImage fails: same code, same sentence by key', async () => {
    const name = 'derived_CR-MONO1-10-chest_truncated.dcm';
    const expected = await decodeImage(read(name), { name }).then(() => null, (error: unknown) => error as { code: string; message: string; text?: unknown });
    await expect(host.decode(read(name), { name })).rejects.toMatchObject({ code: expected!.code, message: expected!.message, text: expected!.text });
    await expect(host.decode(read(name), { name, previewMaxSidePx: 256 })).rejects.toMatchObject({ code: expected!.code, message: expected!.message, text: expected!.text });
  });

  it('a worker that dies fails the decode in flight with a clear error, and the next decode starts a new one', async () => {
    let spawned = 0;
    const fragile = new DecodeHost(() => (spawned++ === 0 ? new Worker('process.exit(3)', { eval: true }) : spawnWorker('decode')));
    await expect(fragile.decode(read('gdcm-CR-MONO1-10-chest.dcm'), { name: 'chest' })).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/decoder stopped/) });
    expect(fragile.crashes).toBe(1);
    expect((await fragile.decode(read('gdcm-CR-MONO1-10-chest.dcm'), { name: 'chest' })).pixels.widthPx).toBe(440);
    await fragile.close();
  });
});
