// The decoded-image cache: least recently used first out, by count and by bytes of settled values,
// the newest always kept, a failed promise never kept.
import { describe, expect, it } from 'vitest';
import { PromiseLru } from '../../../../src-main/services/images/cache';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PromiseLru', () => {
  it('keeps at most `capacity` entries, the least recently used going first', async () => {
    const lru = new PromiseLru<number>(2);
    await lru.get('a', async () => 1);
    await lru.get('b', async () => 2);
    await lru.get('a', async () => -1); // a used again
    await lru.get('c', async () => 3);
    expect([lru.has('a'), lru.has('b'), lru.has('c')]).toEqual([true, false, true]);
  });

  it('keeps at most maxBytes of settled values, and always the newest one', async () => {
    const lru = new PromiseLru<Uint8Array>(10, { maxBytes: 100, sizeOf: (v) => v.byteLength });
    await lru.get('a', async () => new Uint8Array(40));
    await lru.get('b', async () => new Uint8Array(40));
    await settle();
    expect(lru.bytes).toBe(80);
    await lru.get('c', async () => new Uint8Array(40));
    await settle();
    expect([lru.has('a'), lru.has('b'), lru.has('c')]).toEqual([false, true, true]);
    expect(lru.bytes).toBe(80);
    await lru.get('huge', async () => new Uint8Array(500)); // over the budget alone: kept, the rest go
    await settle();
    expect([lru.has('b'), lru.has('c'), lru.has('huge')]).toEqual([false, false, true]);
    expect(lru.bytes).toBe(500);
  });

  it('does not keep a failed promise', async () => {
    const lru = new PromiseLru<number>(2, { maxBytes: 10, sizeOf: () => 1 });
    await expect(lru.get('a', async () => Promise.reject(new Error('broken')))).rejects.toThrow('broken');
    await settle();
    expect(lru.has('a')).toBe(false);
    expect(lru.bytes).toBe(0);
  });
});
