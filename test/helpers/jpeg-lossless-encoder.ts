// A small lossless JPEG (T.81 process 14) encoder for tests: any predictor, point transform and restart
// interval, one scan per component (all three of which dcmtk's dcmcjpeg cannot write), with a choice of
// Huffman table (short codes, or codes up to 16 bits). Its streams are decoded by dcmtk's dcmdjpeg as the reference,
// so a quirk of this encoder cannot make a decoder test pass.

/** Code lengths per difference category 0..16. */
const TABLES = {
  // every code at most 9 bits
  short: [2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9],
  // categories 11 and up take 13-16 bit codes (past a 12-bit first lookup)
  long: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 16, 16],
};

export interface LosslessEncodeOptions {
  precision: number;
  predictor: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  pointTransform?: number;
  /** Rows per restart interval; 0 or absent: none. */
  restartRows?: number;
  table?: keyof typeof TABLES;
  /** Interleaved samples per pixel, each coded in a scan of its own (default 1). */
  components?: number;
}

function canonicalCodes(lengths: number[]): { counts: number[]; values: number[]; code: number[]; size: number[] } {
  const symbols = lengths.map((length, symbol) => ({ length, symbol })).sort((a, b) => a.length - b.length || a.symbol - b.symbol);
  const counts = new Array<number>(16).fill(0);
  for (const { length } of symbols) counts[length - 1]++;
  const code: number[] = [];
  const size: number[] = [];
  let next = 0;
  let length = symbols[0].length;
  for (const symbol of symbols) {
    next <<= symbol.length - length;
    length = symbol.length;
    code[symbol.symbol] = next++;
    size[symbol.symbol] = length;
  }
  return { counts, values: symbols.map((s) => s.symbol), code, size };
}

/** A complete codestream (SOI ... EOI) of `samples` (row-major, components interleaved). */
export function encodeJpegLossless(samples: ArrayLike<number>, widthPx: number, heightPx: number, options: LosslessEncodeOptions): Uint8Array {
  const { precision, predictor } = options;
  const pointTransform = options.pointTransform ?? 0;
  const restartRows = options.restartRows ?? 0;
  const huffman = canonicalCodes(TABLES[options.table ?? 'short']);
  const out: number[] = [0xff, 0xd8];
  const segment = (marker: number, body: number[]) => out.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body);
  segment(0xc4, [0x00, ...huffman.counts, ...huffman.values]);
  const components = options.components ?? 1;
  segment(0xc3, [precision, heightPx >> 8, heightPx & 0xff, widthPx >> 8, widthPx & 0xff, components, ...Array.from({ length: components }, (_, c) => [c + 1, 0x11, 0]).flat()]);
  if (restartRows > 0) {
    const interval = restartRows * widthPx;
    if (interval > 0xffff) throw new RangeError('restart interval too long');
    segment(0xdd, [interval >> 8, interval & 0xff]);
  }
  for (let component = 0; component < components; component++) {
    segment(0xda, [1, component + 1, 0x00, predictor, 0, pointTransform]);
    let accumulator = 0;
    let count = 0;
    const put = (value: number, bits: number) => {
      for (let i = bits - 1; i >= 0; i--) {
        accumulator = (accumulator << 1) | ((value >>> i) & 1);
        if (++count === 8) {
          out.push(accumulator);
          if (accumulator === 0xff) out.push(0);
          accumulator = 0;
          count = 0;
        }
      }
    };
    const flush = () => {
      if (count > 0) put(0xff, 8 - count);
    };
    const value = (x: number, y: number) => (samples[(y * widthPx + x) * components + component] >> pointTransform) & 0xffff;
    const initial = 1 << (precision - pointTransform - 1);
    let restarts = 0;
    for (let y = 0; y < heightPx; y++) {
      const intervalStart = restartRows > 0 ? y % restartRows === 0 : y === 0;
      if (restartRows > 0 && y > 0 && intervalStart) {
        flush();
        out.push(0xff, 0xd0 + (restarts++ & 7));
      }
      for (let x = 0; x < widthPx; x++) {
        let prediction: number;
        if (x === 0) prediction = intervalStart ? initial : value(0, y - 1);
        else if (intervalStart) prediction = value(x - 1, y);
        else {
          const a = value(x - 1, y);
          const b = value(x, y - 1);
          const c = value(x - 1, y - 1);
          prediction = [0, a, b, c, a + b - c, a + ((b - c) >> 1), b + ((a - c) >> 1), (a + b) >> 1][predictor];
        }
        let diff = (value(x, y) - prediction) & 0xffff;
        if (diff > 32768) diff -= 65536;
        const magnitude = Math.abs(diff);
        const category = diff === 32768 ? 16 : magnitude === 0 ? 0 : 32 - Math.clz32(magnitude);
        put(huffman.code[category], huffman.size[category]);
        if (category > 0 && category < 16) put(diff > 0 ? diff : diff - 1 + (1 << category), category);
      }
    }
    flush();
  }
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}
