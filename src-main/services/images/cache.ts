/**
 * A small least-recently-used cache of promises. The viewer asks for meta then pixels of the same
 * image, and flips between a few images; decoding twice would double the wait.
 */
export class PromiseLru<V> {
  private readonly entries = new Map<string, Promise<V>>();

  constructor(private readonly capacity: number) {}

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
    created.catch(() => {
      if (this.entries.get(key) === created) this.entries.delete(key);
    });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return created;
  }

  /** Whether `key` is cached (settled or still running). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Forgets every key for which `match` is true. */
  delete(match: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (match(key)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
