/**
 * COCO run-length encoding of binary masks, compatible with pycocotools (`mask.encode`/`decode`).
 * Runs go down the columns (column-major, Fortran order) and start with a run of zeros, which may be 0
 * long. The compressed string form is pycocotools' LEB128-like text: each count (from the fourth on, as
 * the difference to the count two places back) is written in 5-bit groups with a continuation bit,
 * offset by 48 into printable ASCII.
 */

/** A COCO RLE object: `size` is [heightPx, widthPx]; counts as numbers or in the compressed string form. */
export interface CocoRle {
  size: [number, number];
  counts: number[] | string;
}

/**
 * Column-major run lengths of a mask (any non-zero value is foreground).
 * @throws RangeError when `mask.length !== widthPx * heightPx`.
 */
export function encodeRleCounts(mask: Uint8Array, widthPx: number, heightPx: number): number[] {
  if (mask.length !== widthPx * heightPx) throw new RangeError(`mask has ${mask.length} pixels, expected ${widthPx * heightPx}`);
  const counts: number[] = [];
  let current = 0;
  let run = 0;
  for (let x = 0; x < widthPx; x++) {
    for (let y = 0; y < heightPx; y++) {
      const value = mask[y * widthPx + x] !== 0 ? 1 : 0;
      if (value !== current) {
        counts.push(run);
        run = 0;
        current = value;
      }
      run++;
    }
  }
  counts.push(run);
  return counts;
}

/**
 * Decodes column-major run lengths to a row-major 0/1 mask.
 * @throws RangeError when the counts do not add up to `widthPx * heightPx`.
 */
export function decodeRleCounts(counts: readonly number[], widthPx: number, heightPx: number): Uint8Array {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total !== widthPx * heightPx || counts.some((c) => !Number.isInteger(c) || c < 0)) {
    throw new RangeError(`RLE counts cover ${total} pixels, expected ${widthPx * heightPx}`);
  }
  const mask = new Uint8Array(widthPx * heightPx);
  let index = 0;
  let value = 0;
  for (const count of counts) {
    if (value) {
      for (let i = index; i < index + count; i++) mask[(i % heightPx) * widthPx + Math.floor(i / heightPx)] = 1;
    }
    index += count;
    value ^= 1;
  }
  return mask;
}

/** Writes counts in pycocotools' compressed string form. */
export function rleCountsToString(counts: readonly number[]): string {
  let text = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i] - (i > 2 ? counts[i - 2] : 0);
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x = Math.floor(x / 32); // arithmetic shift, also for negative differences
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      text += String.fromCharCode(c + 48);
    }
  }
  return text;
}

/**
 * Reads pycocotools' compressed string form.
 * @throws RangeError on characters outside the encoding's range or a string that ends mid-number.
 */
export function rleCountsFromString(text: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < text.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= text.length) throw new RangeError('RLE string ends inside a number');
      const c = text.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new RangeError(`invalid RLE character at ${p}`);
      x += (c & 0x1f) * 32 ** k;
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 32 ** k; // sign-extend
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return counts;
}

/** Encodes a mask as a COCO RLE object with compressed counts. */
export function encodeCocoRle(mask: Uint8Array, widthPx: number, heightPx: number): CocoRle {
  return { size: [heightPx, widthPx], counts: rleCountsToString(encodeRleCounts(mask, widthPx, heightPx)) };
}

/** Decodes a COCO RLE object (either counts form) to a row-major 0/1 mask. */
export function decodeCocoRle(rle: CocoRle): { widthPx: number; heightPx: number; data: Uint8Array } {
  const [heightPx, widthPx] = rle.size;
  const counts = typeof rle.counts === 'string' ? rleCountsFromString(rle.counts) : rle.counts;
  return { widthPx, heightPx, data: decodeRleCounts(counts, widthPx, heightPx) };
}
