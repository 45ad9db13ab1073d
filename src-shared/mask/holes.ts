import { assertSize } from './types';

/** Options of {@link fillHoles}. */
export interface FillHolesOptions {
  /** Fill only holes of at most this many pixels (default: every hole). */
  maxHoleSizePx?: number;
}

/**
 * A 0/1 copy of `binary` with its holes filled: background pixels not 4-connected to the image border
 * become foreground. (4-connected background pairs with 8-connected foreground, so a diagonal gap in an
 * outline still closes it.) Never removes foreground.
 * @throws RangeError when `binary.length !== widthPx * heightPx`.
 */
export function fillHoles(binary: Uint8Array, widthPx: number, heightPx: number, options: FillHolesOptions = {}): Uint8Array {
  assertSize(binary, widthPx, heightPx);
  const size = widthPx * heightPx;
  // state: 0 unvisited background, 1 foreground, 2 background reached from the border.
  const state = new Uint8Array(size);
  for (let i = 0; i < size; i++) if (binary[i] !== 0) state[i] = 1;
  const stack = new Int32Array(size);
  let top = 0;
  const seed = (i: number): void => {
    if (state[i] === 0) {
      state[i] = 2;
      stack[top++] = i;
    }
  };
  for (let x = 0; x < widthPx; x++) {
    seed(x);
    seed((heightPx - 1) * widthPx + x);
  }
  for (let y = 0; y < heightPx; y++) {
    seed(y * widthPx);
    seed(y * widthPx + widthPx - 1);
  }
  flood(state, stack, top, widthPx, heightPx, 2);
  const out = new Uint8Array(size);
  const maxHoleSizePx = options.maxHoleSizePx ?? Infinity;
  if (maxHoleSizePx === Infinity) {
    for (let i = 0; i < size; i++) out[i] = state[i] === 2 ? 0 : 1;
    return out;
  }
  for (let i = 0; i < size; i++) out[i] = state[i] === 1 ? 1 : 0;
  // Measure each hole with its own flood (marking it 3) and fill it when small enough.
  for (let start = 0; start < size; start++) {
    if (state[start] !== 0) continue;
    state[start] = 3;
    stack[0] = start;
    const holeSizePx = flood(state, stack, 1, widthPx, heightPx, 3);
    if (holeSizePx <= maxHoleSizePx) {
      // The hole's pixels were left on the stack array in visiting order: positions 0..holeSizePx-1.
      for (let k = 0; k < holeSizePx; k++) out[stack[k]] = 1;
    }
  }
  return out;
}

/**
 * 4-connected flood over `state === 0` pixels, marking them `mark`. `stack[0..top)` holds the seeds
 * (already marked). Returns how many pixels were marked in total, seeds included; afterwards
 * `stack[0..result)` lists them (the stack is used as a queue so nothing is overwritten).
 */
function flood(state: Uint8Array, stack: Int32Array, top: number, widthPx: number, heightPx: number, mark: number): number {
  let head = 0;
  while (head < top) {
    const i = stack[head++];
    const x = i % widthPx;
    if (x > 0 && state[i - 1] === 0) { state[i - 1] = mark; stack[top++] = i - 1; }
    if (x + 1 < widthPx && state[i + 1] === 0) { state[i + 1] = mark; stack[top++] = i + 1; }
    if (i >= widthPx && state[i - widthPx] === 0) { state[i - widthPx] = mark; stack[top++] = i - widthPx; }
    if (i + widthPx < widthPx * heightPx && state[i + widthPx] === 0) { state[i + widthPx] = mark; stack[top++] = i + widthPx; }
  }
  return top;
}
