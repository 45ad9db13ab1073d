// Reads of one image close together share one file read; every caller gets its own copy (a decode
// worker may take its bytes away); a failed read and an old read are read again.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sharedImageReads } from '../../../../src-main/services/images/source';

afterEach(() => vi.useRealTimers());

function counted(bytesOf: (id: string, call: number) => Uint8Array | Error) {
  let calls = 0;
  const read = vi.fn(async (id: string) => {
    const made = bytesOf(id, ++calls);
    if (made instanceof Error) throw made;
    return made;
  });
  return read;
}

describe('sharedImageReads', () => {
  it('reads once for callers at the same time, and gives each its own copy', async () => {
    const read = counted(() => Uint8Array.of(1, 2, 3));
    const shared = sharedImageReads(read);
    const [a, b, c] = await Promise.all([shared('x'), shared('x'), shared('x')]);
    expect(read).toHaveBeenCalledTimes(1);
    expect(a).toEqual(Uint8Array.of(1, 2, 3));
    expect(a.buffer).not.toBe(b.buffer);
    // a caller that hands its buffer away (a worker transfer detaches it) leaves the others whole
    structuredClone(a, { transfer: [a.buffer as ArrayBuffer] });
    expect(a.length).toBe(0);
    expect(Array.from(b)).toEqual([1, 2, 3]);
    expect(Array.from(await shared('x'))).toEqual([1, 2, 3]);
    expect(c.length).toBe(3);
  });

  it('reads again after keepMs, and keeps only the last images', async () => {
    vi.useFakeTimers();
    const read = counted((id, call) => Uint8Array.of(call));
    const shared = sharedImageReads(read, { keepMs: 1000, keep: 2 });
    expect(Array.from(await shared('x'))).toEqual([1]);
    vi.advanceTimersByTime(500);
    expect(Array.from(await shared('x'))).toEqual([1]);
    vi.advanceTimersByTime(1500);
    expect(Array.from(await shared('x'))).toEqual([2]);
    await shared('y');
    await shared('z');
    expect(Array.from(await shared('x'))).toEqual([5]); // pushed out by y and z
  });

  it('does not keep a failed read', async () => {
    const read = counted((_id, call) => (call === 1 ? new Error('EIO') : Uint8Array.of(9)));
    const shared = sharedImageReads(read);
    await expect(shared('x')).rejects.toThrow('EIO');
    expect(Array.from(await shared('x'))).toEqual([9]);
    expect(read).toHaveBeenCalledTimes(2);
  });
});
