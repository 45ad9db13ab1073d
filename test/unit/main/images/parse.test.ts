import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImage, sniffImageKind } from '../../../../src-main/services/images/decode';
import { readCodestreamHeader } from '../../../../src-main/services/images/dicom/codestream';
import { fixturePath } from '../../../helpers/paths';

const chest = new Uint8Array(readFileSync(fixturePath('dicom', 'gdcm-CR-MONO1-10-chest.dcm')));
const implicitChest = new Uint8Array(readFileSync(fixturePath('dicom', 'derived_CR-MONO1-10-chest_implicitVR-LE.dcm')));

/** The dataset after the file meta group: (0002,0000) at byte 132 gives the group's length. */
function withoutMetaGroup(bytes: Uint8Array): Uint8Array {
  const groupLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(140, true);
  return bytes.subarray(144 + groupLength);
}

describe('DICOM without the Part 10 preamble', () => {
  it.each([
    ['meta header without the 128-byte preamble', chest.subarray(128)],
    ['meta header without preamble and DICM', chest.subarray(132)],
    ['bare explicit VR dataset', withoutMetaGroup(chest)],
    ['bare implicit VR dataset', withoutMetaGroup(implicitChest)],
  ])('decodes a %s like the full file', async (_name, bytes) => {
    const full = await decodeImage(chest, { name: 'full.dcm' });
    const bare = await decodeImage(bytes, { name: 'bare' });
    expect(bare.meta.widthPx).toBe(440);
    expect(bare.pixels.data.length).toBe(full.pixels.data.length);
    expect(bare.pixels.data.findIndex((value, i) => value !== full.pixels.data[i])).toBe(-1);
  });

  it('sniffs kinds from signatures, not names', () => {
    expect(sniffImageKind(chest, 'x.png')).toBe('dicom');
    expect(sniffImageKind(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'x.dcm')).toBe('raster');
    expect(sniffImageKind(new TextEncoder().encode('hello world, not an image'), 'notes.txt')).toBeNull();
  });
});

describe('readCodestreamHeader', () => {
  it('reads a JPEG SOF after other segments and a JPEG 2000 SIZ', () => {
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc3, 0, 11, 12, 0x08, 0x5c, 0x06, 0xd0, 1, 1, 0x11, 0]);
    expect(readCodestreamHeader(jpeg)).toEqual({ precision: 12, heightPx: 2140, widthPx: 1744, components: 1, marker: 0xc3 });
    const siz = new Uint8Array(4 + 41);
    siz.set([0xff, 0x4f, 0xff, 0x51]);
    const view = new DataView(siz.buffer);
    view.setUint32(8, 300); view.setUint32(12, 200); view.setUint32(16, 100); view.setUint16(40, 1); siz[42] = 0x0b;
    expect(readCodestreamHeader(siz)).toEqual({ widthPx: 200, heightPx: 200, components: 1, precision: 12, marker: 0 });
  });

  it('stops on a zero segment length instead of looping', () => {
    expect(readCodestreamHeader(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0xff, 0xc0]))).toBeNull();
  });
});
