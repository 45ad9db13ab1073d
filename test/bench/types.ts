/** One figure a benchmark reports; `ratio` is ours / peer's, both measured in the same run. */
export interface BenchResult {
  metric: string;
  value: number;
  unit: string;
  peer?: string;
  peerValue?: number;
  ratio?: number;
}

/** What the harness hands a benchmark. */
export interface BenchContext {
  /** `--data DIR` from the command line (a datasets folder), if given. */
  dataDir?: string;
  /** Remaining command-line arguments. */
  args: string[];
  log(line: string): void;
}

export type Benchmark = (ctx: BenchContext) => Promise<BenchResult[]>;
