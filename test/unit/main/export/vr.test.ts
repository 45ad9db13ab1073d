import { describe, expect, it } from 'vitest';
import * as vr from '../../../../src-main/services/export/vr';

describe('export VR checks: copied DICOM values are valid or dropped', () => {
  it.each([
    ['SH accession of 56 characters', vr.shortString('d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f'), undefined],
    ['SH within 16', vr.shortString(' ACC998877 '), 'ACC998877'],
    ['SH with a backslash', vr.shortString('A\\B'), undefined],
    ['LO with a control character', vr.longString('MRN\u0007'), undefined],
    ['DA with dots', vr.date('1995.07.20'), undefined],
    ['DA with month 13', vr.date('20201301'), undefined],
    ['DA valid', vr.date('20200304'), '20200304'],
    ['TM with colons', vr.time('11:22:07'), undefined],
    ['TM with fraction', vr.time('112207.123'), '112207.123'],
    ['TM hour 24', vr.time('240000'), undefined],
    ['UI with leading zero', vr.uid('1.02.3'), undefined],
    ['UI valid', vr.uid('1.2.840.10008.1.2.1'), '1.2.840.10008.1.2.1'],
    ['CS lower case', vr.codeString('chest'), undefined],
    ['sex X', vr.patientSex('X'), undefined],
    ['sex F', vr.patientSex('F'), 'F'],
    ['IS', vr.integerString('+0012'), '12'],
  ])('%s', (_name, got, want) => {
    expect(got).toEqual(want);
  });

  it.each([
    [[0, 0], undefined],
    [[0.168, 0.168], [0.168, 0.168]],
    ['0.2\\0.25', [0.2, 0.25]],
    [[0.2], undefined],
    [[-1, 0.2], undefined],
    [['x', 0.2], undefined],
  ])('pixel spacing %j', (value, want) => {
    expect(vr.pixelSpacing(value)).toEqual(want);
  });

  it('keeps a PN within 64 characters and its first component group only', () => {
    expect(vr.personName([{ Alphabetic: 'Doe^Jane' }])).toEqual([{ Alphabetic: 'Doe^Jane' }]);
    expect(vr.personName('Doe^Jane=ドウ^ジェーン')).toEqual([{ Alphabetic: 'Doe^Jane' }]);
    expect(vr.personName('x'.repeat(65))).toBeUndefined();
  });

  it('accepts patient orientation as two direction codes only', () => {
    expect(vr.patientOrientation(['L', 'F'])).toEqual(['L', 'F']);
    expect(vr.patientOrientation('P\\F')).toEqual(['P', 'F']);
    expect(vr.patientOrientation(['L'])).toBeUndefined();
    expect(vr.patientOrientation(['X', 'F'])).toBeUndefined();
  });
});
