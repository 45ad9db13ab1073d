import { describe, expect, it } from 'vitest';
import { checkFilm } from '../../../../src-shared/metrics/film-check';

/** A 20x20 label mask with a right lung (1) and a left lung (2) as rectangles [x0, x1) x [y0, y1). */
function mask(right: [number, number, number, number] | null, left: [number, number, number, number] | null) {
  const data = new Uint8Array(400);
  for (const [label, box] of [[1, right], [2, left]] as const) {
    if (!box) continue;
    for (let y = box[2]; y < box[3]; y++) for (let x = box[0]; x < box[1]; x++) data[y * 20 + x] = label;
  }
  return { widthPx: 20, heightPx: 20, data };
}

describe('film check', () => {
  it('a frontal chest film with two lungs on their sides has no flags', () => {
    expect(checkFilm({ bodyPart: 'CHEST', viewPosition: 'PA', mask: mask([3, 9, 5, 15], [11, 17, 5, 15]), uncertainty: 0.1 })).toEqual([]);
  });

  it('flags the DICOM body part and a lateral view', () => {
    expect(checkFilm({ bodyPart: 'pelvis', viewPosition: 'LL' }).map((f) => [f.code, f.value])).toEqual([['body-part', 'PELVIS'], ['view', 'LL']]);
  });

  it('flags mask shapes that are not two lungs: too much film, one lung, swapped sides, out of the chest band', () => {
    const codes = (m: ReturnType<typeof mask>) => checkFilm({ mask: m }).map((f) => f.code);
    expect(codes(mask([0, 10, 0, 20], [10, 20, 0, 16]))).toContain('area');
    expect(codes(mask([3, 9, 5, 15], null))).toEqual(['one-lung']);
    expect(codes(mask([11, 17, 5, 15], [3, 9, 5, 15]))).toEqual(['sides']);
    expect(codes(mask([3, 9, 16, 20], [11, 17, 16, 20]))).toEqual(['position']);
  });

  it('an empty mask is not a finding; high uncertainty is', () => {
    expect(checkFilm({ mask: mask(null, null) })).toEqual([]);
    expect(checkFilm({ uncertainty: 0.8 })).toEqual([{ code: 'uncertainty', value: 0.8 }]);
  });
});
