/**
 * Times of the editor's pointer-move handler while a tool is active, for the brush benchmark. Recorded
 * into a preallocated buffer (no allocation while painting) and read from the page by the benchmark.
 */
const capacity = 65536;
const samples = new Float64Array(capacity);
let count = 0;

export function recordFrame(durationMs: number): void {
  samples[count % capacity] = durationMs;
  count++;
}

/** The recorded handler times in ms (the latest `capacity` ones). */
export function readFrames(): number[] {
  return Array.from(samples.subarray(0, Math.min(count, capacity)));
}

export function resetFrames(): void {
  count = 0;
}

if (typeof window !== 'undefined') {
  (window as unknown as { __pleuraFrames?: unknown }).__pleuraFrames = { read: readFrames, reset: resetFrames };
}
