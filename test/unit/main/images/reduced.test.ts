import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { j2kDecompositionLevels, reductionFor } from '../../../../src-main/services/images/dicom/reduced';
import { inspect } from '../../../../src-main/services/images/dicom/decode-dicom';
import { encapsulatedFrame, pixelDataElement } from '../../../../src-main/services/images/dicom/frames';
import { fixturePath } from '../../../helpers/paths';

function codestream(name: string): Uint8Array {
  const bytes = new Uint8Array(readFileSync(fixturePath('dicom', name)));
  const { parsed, module } = inspect(bytes, name);
  return encapsulatedFrame(parsed.dataSet, pixelDataElement(parsed.dataSet, name), module, 0, name);
}

describe('reduced-resolution JPEG 2000', () => {
  it('reads the decomposition levels from the main header (COD)', () => {
    expect(j2kDecompositionLevels(codestream('966_fixed.dcm'))).toBe(5);
    expect(j2kDecompositionLevels(codestream('RG3_J2KR.dcm'))).toBeGreaterThan(0);
  });

  it('reads no levels from what is not a JPEG 2000 codestream or has a broken segment length', () => {
    expect(j2kDecompositionLevels(codestream('RG2_JPLL.dcm'))).toBeNull();
    expect(j2kDecompositionLevels(Uint8Array.of(0xff, 0x4f, 0xff, 0x51, 0x00, 0x01))).toBeNull();
    expect(j2kDecompositionLevels(new Uint8Array(0))).toBeNull();
    // a COC for component 0 with fewer levels than COD wins
    const cod = [0xff, 0x52, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x05, 0x04, 0x04, 0x00, 0x00];
    const coc = [0xff, 0x53, 0x00, 0x09, 0x00, 0x00, 0x02, 0x04, 0x04, 0x00, 0x00];
    expect(j2kDecompositionLevels(Uint8Array.from([0xff, 0x4f, ...cod, 0xff, 0x90]))).toBe(5);
    expect(j2kDecompositionLevels(Uint8Array.from([0xff, 0x4f, ...cod, ...coc, 0xff, 0x90]))).toBe(2);
  });

  it('drops just enough levels to bring the longer side to the size asked for, never more than there are', () => {
    expect(reductionFor(2048, 2500, 5, 1024)).toBe(2);
    expect(reductionFor(2048, 2500, 5, 1250)).toBe(1);
    expect(reductionFor(2048, 2500, 1, 512)).toBe(1);
    expect(reductionFor(800, 600, 5, 1024)).toBe(0);
    expect(reductionFor(2001, 1000, 5, 1000)).toBe(2); // ceil(2001 / 2) = 1001 is still over
  });
});
