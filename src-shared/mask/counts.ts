/**
 * Pixels per label: `result[k]` counts the pixels equal to k, for k in 0..labels-1 (default 3: background,
 * right lung, left lung). Values >= `labels` are not counted anywhere.
 */
export function countLabels(mask: Uint8Array, labels = 3): number[] {
  const counts = new Float64Array(256);
  for (let i = 0; i < mask.length; i++) counts[mask[i]]++;
  return Array.from(counts.subarray(0, labels));
}
