import type { UncertaintyMap } from '../api/inference';
import type { InputTransform } from './preprocess';

const ENTROPY_STEPS = 1024;
/** Binary entropy in bits at p = i / ENTROPY_STEPS: a table is ~10x faster than two log2 calls a pixel. */
const entropyTable = (() => {
  const table = new Float32Array(ENTROPY_STEPS + 1);
  for (let i = 1; i < ENTROPY_STEPS; i++) {
    const p = i / ENTROPY_STEPS;
    table[i] = -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
  }
  return table;
})();

/** Binary entropy of a probability, in bits: 0 when p is 0 or 1, 1 at p = 0.5. Accurate to ~1e-3. */
export function binaryEntropy(probability: number): number {
  const clamped = probability <= 0 ? 0 : probability >= 1 ? 1 : probability;
  return entropyTable[Math.round(clamped * ENTROPY_STEPS)];
}

/** Pixels whose (mean) lung probability is at least this count as "possibly lung" for the image score. */
export const UNCERTAINTY_BAND_PROBABILITY = 0.1;

/**
 * Per-pixel uncertainty and the image's score, from the TTA-mean lung probability at network input size.
 *
 * Pixel uncertainty is the binary entropy (bits, 0..1) of the mean probability over the TTA variants. It is
 * high where the model is unsure (p near 0.5) and where the variants disagree (one says lung, the flipped
 * one background: their mean is near 0.5), so one number covers both. The map holds it as 0..255, cropped
 * to the image content (letterbox padding removed), so a viewer can stretch it over the full image.
 *
 * The image score is the mean pixel uncertainty over the "lung band": pixels that are lung in the final
 * low-resolution mask or have mean probability >= {@link UNCERTAINTY_BAND_PROBABILITY}. A confident model
 * gives a score near the share of boundary pixels (a few %); doubtful edges, disagreeing flips or spurious
 * blobs raise it. An image where the model finds no lung at all scores 1 (most uncertain: review first).
 * @param meanProbability lung probability at input size (`inputWidthPx * inputHeightPx`).
 * @param lungLabels low-resolution label mask at input size (0 background), or null.
 */
export function uncertaintyFromProbability(meanProbability: Float32Array, transform: InputTransform, lungLabels: Uint8Array | null): { map: UncertaintyMap; score: number } {
  const { inputWidthPx, contentX, contentY, contentWidthPx, contentHeightPx } = transform;
  const data = new Uint8Array(contentWidthPx * contentHeightPx);
  let sum = 0;
  let bandPx = 0;
  for (let y = 0; y < contentHeightPx; y++) {
    const inputRow = (y + contentY) * inputWidthPx + contentX;
    const outRow = y * contentWidthPx;
    for (let x = 0; x < contentWidthPx; x++) {
      const p = meanProbability[inputRow + x];
      const entropy = entropyTable[Math.round((p <= 0 ? 0 : p >= 1 ? 1 : p) * ENTROPY_STEPS)];
      data[outRow + x] = Math.round(entropy * 255);
      if (p >= UNCERTAINTY_BAND_PROBABILITY || (lungLabels !== null && lungLabels[inputRow + x] !== 0)) {
        sum += entropy;
        bandPx++;
      }
    }
  }
  return { map: { widthPx: contentWidthPx, heightPx: contentHeightPx, data }, score: bandPx === 0 ? 1 : sum / bandPx };
}
