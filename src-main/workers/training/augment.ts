/**
 * Albumentations-style augmentations, seeded, applied identically to an image and its mask. Every
 * geometric op is a 3x3 projective matrix; they are composed and the result is sampled once (bilinear for
 * the image, nearest for the mask), so stacking ops costs one resampling and never blurs twice. Pixels
 * that come from outside the source are padded with 0 (albumentations' PadIfNeeded with a constant border).
 */

/** A seeded uniform random source in [0, 1). */
export { createRandom, type Random } from '../../../src-shared/ml/random';
import type { Random } from '../../../src-shared/ml/random';

/** Probabilities and ranges of each op; an op with probability 0 is off. */
export interface AugmentOptions {
  /** Horizontal flip. */
  flipP: number;
  /** Random zoom: one scale factor for both axes. */
  zoomP: number;
  zoomRange: [number, number];
  /** Affine: scale, rotation (degrees either way) and shift (fraction of the side either way). */
  affineP: number;
  scaleRange: [number, number];
  rotateDeg: number;
  shiftFraction: number;
  /** Four-point perspective: each corner moves by up to this fraction of the side. */
  perspectiveP: number;
  perspectiveFraction: number;
  /** Random crop of this fraction of the side (then brought back to full size). */
  cropP: number;
  cropRange: [number, number];
  /** Pad-if-needed: the image shrinks into a zero-padded canvas of the same size. */
  padP: number;
  padRange: [number, number];
  /**
   * Intensity ops on the 0..1 image after the geometric warp (the mask is untouched), for films that are
   * washed out or dark: gamma `v^g` with g drawn log-uniformly from `gammaRange`; contrast and brightness
   * `(v - 0.5)·c + 0.5 + b` with c from `contrastRange` and b uniform in ±`brightnessShift`, then clipped.
   * Optional: absent or probability 0 means off and draws nothing (older option sets keep their streams).
   */
  gammaP?: number;
  gammaRange?: [number, number];
  contrastP?: number;
  contrastRange?: [number, number];
  brightnessShift?: number;
}

/** Moderate defaults in the spirit of the paper's pipeline (lungs stay in view). */
export const defaultAugmentOptions: AugmentOptions = {
  flipP: 0.5,
  zoomP: 0.3,
  zoomRange: [0.9, 1.15],
  affineP: 0.5,
  scaleRange: [0.92, 1.08],
  rotateDeg: 10,
  shiftFraction: 0.06,
  perspectiveP: 0.3,
  perspectiveFraction: 0.05,
  cropP: 0.2,
  cropRange: [0.8, 0.95],
  padP: 0.15,
  padRange: [0.85, 0.98],
};

/** Row-major 3x3 matrix mapping homogeneous output coordinates to source coordinates. */
export type Matrix3 = [number, number, number, number, number, number, number, number, number];

const identity = (): Matrix3 => [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** a·b (apply b first, then a, when mapping points). */
export function multiply(a: Matrix3, b: Matrix3): Matrix3 {
  const out = new Array(9).fill(0) as Matrix3;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c] += a[r * 3 + k] * b[k * 3 + c];
  return out;
}

/** Scale by `sx`,`sy` about the centre `cx`,`cy`: the map from output to source coordinates. */
function scaleAbout(sx: number, sy: number, cx: number, cy: number): Matrix3 {
  return [1 / sx, 0, cx - cx / sx, 0, 1 / sy, cy - cy / sy, 0, 0, 1];
}

function rotateAbout(radians: number, cx: number, cy: number): Matrix3 {
  const c = Math.cos(radians);
  const s = Math.sin(radians);
  return [c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy, 0, 0, 1];
}

function translate(dx: number, dy: number): Matrix3 {
  return [1, 0, -dx, 0, 1, -dy, 0, 0, 1];
}

/** Solves the homography taking the four `from` points to the four `to` points (8x8 Gaussian elimination). */
export function homography(from: [number, number][], to: [number, number][]): Matrix3 {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i];
    const [u, v] = to[i];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let c = col; c < 9; c++) a[r][c] -= f * a[col][c];
    }
  }
  const h = a.map((row, i) => row[8] / row[i]);
  return [h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1];
}

const uniform = (random: Random, [low, high]: [number, number]) => low + (high - low) * random();

/**
 * Draws one composed transform for a square of `sizePx`; the same random stream gives the same transform.
 */
export function drawTransform(sizePx: number, random: Random, options: AugmentOptions = defaultAugmentOptions): Matrix3 {
  const c = (sizePx - 1) / 2;
  let m = identity();
  const draws = Array.from({ length: 16 }, () => random());
  const on = (p: number, k: number) => draws[k] < p;
  if (on(options.flipP, 0)) m = multiply(m, [-1, 0, sizePx - 1, 0, 1, 0, 0, 0, 1]);
  if (on(options.zoomP, 1)) {
    const z = uniform(random, options.zoomRange);
    m = multiply(m, scaleAbout(z, z, c, c));
  }
  if (on(options.affineP, 2)) {
    const s = uniform(random, options.scaleRange);
    const angle = ((random() * 2 - 1) * options.rotateDeg * Math.PI) / 180;
    const dx = (random() * 2 - 1) * options.shiftFraction * sizePx;
    const dy = (random() * 2 - 1) * options.shiftFraction * sizePx;
    m = multiply(m, multiply(translate(dx, dy), multiply(rotateAbout(angle, c, c), scaleAbout(s, s, c, c))));
  }
  if (on(options.cropP, 3)) {
    const f = uniform(random, options.cropRange);
    const x0 = random() * (1 - f) * sizePx;
    const y0 = random() * (1 - f) * sizePx;
    m = multiply(m, [f, 0, x0, 0, f, y0, 0, 0, 1]);
  }
  if (on(options.padP, 4)) {
    const f = uniform(random, options.padRange);
    const x0 = random() * (1 - f) * sizePx;
    const y0 = random() * (1 - f) * sizePx;
    m = multiply(m, [1 / f, 0, -x0 / f, 0, 1 / f, -y0 / f, 0, 0, 1]);
  }
  if (on(options.perspectiveP, 5)) {
    const e = sizePx - 1;
    const corners: [number, number][] = [[0, 0], [e, 0], [e, e], [0, e]];
    const moved = corners.map(([x, y]) => [
      x + (random() * 2 - 1) * options.perspectiveFraction * sizePx,
      y + (random() * 2 - 1) * options.perspectiveFraction * sizePx,
    ]) as [number, number][];
    m = multiply(m, homography(corners, moved));
  }
  return m;
}

/**
 * Warps a square image (bilinear) and mask (nearest) of `sizePx` with `m` (output -> source).
 * Returns new arrays; source pixels outside the square read as 0.
 */
export function warp(image: Float32Array, mask: Uint8Array, sizePx: number, m: Matrix3): { image: Float32Array; mask: Uint8Array } {
  const outImage = new Float32Array(sizePx * sizePx);
  const outMask = new Uint8Array(sizePx * sizePx);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= sizePx || y >= sizePx ? 0 : image[y * sizePx + x]);
  for (let y = 0; y < sizePx; y++) {
    for (let x = 0; x < sizePx; x++) {
      const w = m[6] * x + m[7] * y + m[8];
      const sx = (m[0] * x + m[1] * y + m[2]) / w;
      const sy = (m[3] * x + m[4] * y + m[5]) / w;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
      const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
      outImage[y * sizePx + x] = top * (1 - fy) + bottom * fy;
      const nx = Math.round(sx);
      const ny = Math.round(sy);
      outMask[y * sizePx + x] = nx < 0 || ny < 0 || nx >= sizePx || ny >= sizePx ? 0 : mask[ny * sizePx + nx];
    }
  }
  return { image: outImage, mask: outMask };
}

/** The adult recipe's augmentation: the defaults plus gamma and contrast/brightness jitter. */
export const intensityAugmentOptions: AugmentOptions = {
  ...defaultAugmentOptions,
  gammaP: 0.5,
  gammaRange: [0.6, 1.6],
  contrastP: 0.5,
  contrastRange: [0.75, 1.3],
  brightnessShift: 0.1,
};

/**
 * Applies the intensity ops of `options` to `image` in place (see {@link AugmentOptions}); draws from
 * `random` only for ops whose probability is above 0.
 */
export function jitterIntensities(image: Float32Array, random: Random, options: AugmentOptions): Float32Array {
  if ((options.gammaP ?? 0) > 0 && random() < options.gammaP!) {
    const [low, high] = options.gammaRange ?? [1, 1];
    const gamma = Math.exp(Math.log(low) + random() * (Math.log(high) - Math.log(low)));
    for (let i = 0; i < image.length; i++) image[i] = image[i] > 0 ? image[i] ** gamma : 0;
  }
  if ((options.contrastP ?? 0) > 0 && random() < options.contrastP!) {
    const contrast = uniform(random, options.contrastRange ?? [1, 1]);
    const shift = (random() * 2 - 1) * (options.brightnessShift ?? 0);
    for (let i = 0; i < image.length; i++) image[i] = Math.min(1, Math.max(0, (image[i] - 0.5) * contrast + 0.5 + shift));
  }
  return image;
}

/** Draws a transform and applies it to an image/mask pair, then the intensity ops if any are on. */
export function augmentPair(
  image: Float32Array,
  mask: Uint8Array,
  sizePx: number,
  random: Random,
  options: AugmentOptions = defaultAugmentOptions,
): { image: Float32Array; mask: Uint8Array } {
  const warped = warp(image, mask, sizePx, drawTransform(sizePx, random, options));
  jitterIntensities(warped.image, random, options);
  return warped;
}
