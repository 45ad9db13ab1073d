import { describe, expect, it } from 'vitest';
import { augmentPair, createRandom, defaultAugmentOptions, drawTransform, homography, intensityAugmentOptions, jitterIntensities, warp, type AugmentOptions } from '../../../../src-main/workers/training/augment';
import { resizeBilinear, resizeMaskArea } from '../../../../src-main/workers/training/resize';

const size = 32;
const off: AugmentOptions = { ...defaultAugmentOptions, flipP: 0, zoomP: 0, affineP: 0, perspectiveP: 0, cropP: 0, padP: 0 };

/** An image whose value encodes the mask: 0.8 inside a rectangle that is the mask, 0.2 outside. */
function pair(): { image: Float32Array; mask: Uint8Array } {
  const image = new Float32Array(size * size).fill(0.2);
  const mask = new Uint8Array(size * size);
  for (let y = 6; y < 26; y++) for (let x = 4; x < 14; x++) {
    image[y * size + x] = 0.8;
    mask[y * size + x] = 1;
  }
  return { image, mask };
}

describe('augmentations', () => {
  it('the same seed gives the same result, another seed another', () => {
    const { image, mask } = pair();
    const a = augmentPair(image, mask, size, createRandom(5));
    const b = augmentPair(image, mask, size, createRandom(5));
    const c = augmentPair(image, mask, size, createRandom(6));
    expect(Array.from(a.image)).toEqual(Array.from(b.image));
    expect(Array.from(a.mask)).toEqual(Array.from(b.mask));
    const differs = Array.from(a.image).some((v, i) => v !== c.image[i]) || Array.from(a.mask).some((v, i) => v !== c.mask[i]);
    expect(differs).toBe(true);
  });

  it('every op off is the identity', () => {
    const { image, mask } = pair();
    const out = augmentPair(image, mask, size, createRandom(1), off);
    expect(Array.from(out.mask)).toEqual(Array.from(mask));
    out.image.forEach((v, i) => expect(v).toBeCloseTo(image[i], 6));
  });

  it('a flip mirrors image and mask', () => {
    const { image, mask } = pair();
    const out = augmentPair(image, mask, size, createRandom(1), { ...off, flipP: 1 });
    expect(out.mask[10 * size + (size - 1 - 5)]).toBe(1);
    expect(out.mask[10 * size + 5]).toBe(0);
    expect(out.image[10 * size + (size - 1 - 5)]).toBeCloseTo(0.8, 6);
  });

  it.each([
    { op: 'zoom', options: { zoomP: 1 } },
    { op: 'affine', options: { affineP: 1, rotateDeg: 25 } },
    { op: 'perspective', options: { perspectiveP: 1, perspectiveFraction: 0.1 } },
    { op: 'crop', options: { cropP: 1 } },
    { op: 'pad', options: { padP: 1 } },
    { op: 'all', options: defaultAugmentOptions },
  ])('$op keeps mask and image aligned', ({ options }) => {
    const { image, mask } = pair();
    for (let seed = 0; seed < 5; seed++) {
      const out = augmentPair(image, mask, size, createRandom(seed), { ...off, ...options });
      let agree = 0;
      let inside = 0;
      for (let i = 0; i < out.mask.length; i++) {
        // Away from edges the bilinear image is 0.8 inside the (nearest) mask and at most 0.2 outside.
        if (out.mask[i]) inside++;
        if ((out.image[i] > 0.5) === (out.mask[i] === 1)) agree++;
      }
      expect(inside).toBeGreaterThan(0);
      expect(agree / out.mask.length).toBeGreaterThan(0.95);
    }
  });

  it('pad leaves zeros at the border somewhere', () => {
    const { image, mask } = pair();
    const out = warp(image, mask, size, drawTransform(size, createRandom(3), { ...off, padP: 1, padRange: [0.7, 0.7] }));
    expect(Array.from(out.image).filter((v) => v === 0).length).toBeGreaterThan(size);
  });

  it('homography maps the four points', () => {
    const from: [number, number][] = [[0, 0], [10, 0], [10, 10], [0, 10]];
    const to: [number, number][] = [[1, 2], [11, -1], [9, 12], [-2, 9]];
    const m = homography(from, to);
    from.forEach(([x, y], i) => {
      const w = m[6] * x + m[7] * y + m[8];
      expect((m[0] * x + m[1] * y + m[2]) / w).toBeCloseTo(to[i][0], 6);
      expect((m[3] * x + m[4] * y + m[5]) / w).toBeCloseTo(to[i][1], 6);
    });
  });
});

describe('intensity augmentation', () => {
  it('is off in the defaults and draws nothing, so older runs keep their random streams', () => {
    const random = createRandom(9);
    const reference = createRandom(9);
    const image = new Float32Array([0.1, 0.5, 0.9]);
    jitterIntensities(image, random, defaultAugmentOptions);
    expect([...image].map((v) => +v.toFixed(6))).toEqual([0.1, 0.5, 0.9]);
    expect(random()).toBe(reference());
  });

  it('gamma and contrast change the image but never the mask, and stay within 0..1', () => {
    const { image, mask } = pair();
    const noGeometry = { ...intensityAugmentOptions, flipP: 0, zoomP: 0, affineP: 0, perspectiveP: 0, cropP: 0, padP: 0, gammaP: 1, contrastP: 1 };
    const seen = new Set<number>();
    for (let seed = 1; seed <= 5; seed++) {
      const out = augmentPair(image, mask, size, createRandom(seed), noGeometry);
      expect(Array.from(out.mask)).toEqual(Array.from(mask));
      for (const v of out.image) expect(v >= 0 && v <= 1).toBe(true);
      // Two grey levels stay ordered (gamma and contrast are monotonic), but move.
      expect(out.image[6 * size + 4]).toBeGreaterThan(out.image[0]);
      seen.add(+out.image[0].toFixed(4));
    }
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe('resizing', () => {
  it('bilinear keeps a constant image constant and interpolates a ramp', () => {
    expect(Array.from(resizeBilinear(new Float32Array(16).fill(3), 4, 4, 3, 5)).every((v) => Math.abs(v - 3) < 1e-6)).toBe(true);
    // Ramp 0, 1, 2, 3 in x; halving with half-pixel centres samples at 0.5 and 2.5.
    const ramp = Float32Array.from({ length: 8 }, (_, i) => i % 4);
    expect(Array.from(resizeBilinear(ramp, 4, 2, 2, 1))).toEqual([0.5, 2.5]);
  });

  it('area mask resize keeps a pixel when at least half of its area is foreground', () => {
    const mask = Uint8Array.from([1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0]);
    // 2x2 blocks: top-left 3/4, top-right 0, bottom-left 4/4, bottom-right 1/4.
    expect(Array.from(resizeMaskArea(mask, 4, 4, 2, 2))).toEqual([1, 0, 1, 0]);
  });
});
