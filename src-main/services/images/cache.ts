/**
 * A small least-recently-used cache of promises. The viewer asks for meta then pixels of the same
 * image, and flips between a few images; decoding twice would double the wait. At most `capacity`
 * entries and, with `maxBytes` and `sizeOf`, at most that many bytes of settled values: the oldest go
 * first, the newest is always kept (the caller is using it).
 */
export class PromiseLru<V> {
  private readonly entries = new Map<string, Promise<V>>();
  private readonly sizes = new Map<string, number>();

  constructor(private readonly capacity: number, private readonly budget: { maxBytes: number; sizeOf: (value: V) => number } | null = null) {}

  /** Bytes of the settled values held (0 without a budget). */
  get bytes(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }

  /** Drops the least recently used settled values until the budget holds; the newest entry always stays. */
  private trimToBudget(): void {
    if (!this.budget) return;
    let total = this.bytes;
    for (const key of [...this.entries.keys()].slice(0, -1)) {
      if (total <= this.budget.maxBytes) return;
      total -= this.sizes.get(key) ?? 0;
      this.entries.delete(key);
      this.sizes.delete(key);
    }
  }

  /** The cached value for `key`, or the result of `create` (a failed promise is not kept). */
  get(key: string, create: () => Promise<V>): Promise<V> {
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const created = create();
    this.entries.set(key, created);
    created.then(
      (value) => {
        if (this.entries.get(key) !== created || !this.budget) return;
        this.sizes.set(key, this.budget.sizeOf(value));
        this.trimToBudget();
      },
      () => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      },
    );
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.sizes.delete(oldest);
    }
    return created;
  }

  /** Whether `key` is cached (settled or still running). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Forgets every key for which `match` is true. */
  delete(match: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) {
      if (!match(key)) continue;
      this.entries.delete(key);
      this.sizes.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
