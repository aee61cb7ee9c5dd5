/**
 * Rate limits as token buckets: `rate` tokens per second up to `burst`. A bucket refills lazily
 * from the time it was last read, so an idle one costs nothing. `take` is all-or-nothing.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
      this.last = now;
    }
  }

  /** Takes n tokens if there are that many; else takes none. */
  take(n: number, now: number): boolean {
    this.refill(now);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Whether n tokens are there now (takes none). */
  has(n: number, now: number): boolean {
    this.refill(now);
    return this.tokens >= n;
  }

  /** Takes n tokens even into debt (for work already done, e.g. a verified transaction). */
  charge(n: number, now: number): void {
    this.refill(now);
    this.tokens -= n;
  }

  /** Milliseconds until n tokens are there. */
  waitMs(n: number, now: number): number {
    this.refill(now);
    return this.tokens >= n ? 0 : Math.ceil(((n - this.tokens) * 1000) / this.rate);
  }

  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }
}

/**
 * Buckets by key (signer address), at most `maxKeys`: past that, the oldest created goes (FIFO;
 * an LRU's re-insertion on every read cost more than the rest of the address check). A dropped
 * bucket starts full again, which is only lenient, and memory stays bounded whatever the number
 * of addresses.
 */
export class BucketMap {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly rate: number,
    readonly burst: number,
    readonly maxKeys = 100_000,
  ) {}

  get(key: string, now: number): TokenBucket {
    let b = this.buckets.get(key);
    if (b !== undefined) return b;
    b = new TokenBucket(this.rate, this.burst, now);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value as string;
      this.buckets.delete(oldest);
    }
    return b;
  }

  get size(): number {
    return this.buckets.size;
  }
}
