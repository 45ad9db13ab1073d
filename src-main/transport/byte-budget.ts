/**
 * A count of bytes shared by several holders (all WebSocket connections), with a ceiling: what is
 * being received or decoded at once. A holder that would pass the ceiling is told so and refused.
 */
export class ByteBudget {
  private used = 0;

  constructor(readonly limitBytes: number) {}

  /** Bytes held now. */
  get usedBytes(): number {
    return this.used;
  }

  /** Takes `bytes` if they fit under the ceiling; returns false (taking nothing) otherwise. */
  tryTake(bytes: number): boolean {
    if (this.used + bytes > this.limitBytes) return false;
    this.used += bytes;
    return true;
  }

  /** Gives back bytes taken earlier. */
  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}
