import type { Redis } from "ioredis";
import { SignerLockedError } from "./errors.ts";

// Renew only if the value is still ours (a lock taken over after expiry must not be extended by the old holder).
const RENEW = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;

/**
 * The one-writer-per-key lock: `SET key value NX PX ttl` with a fencing token from a counter that only grows.
 * The holder renews it every ttl/3; before each send it checks that the lock still holds its token, so a holder
 * that paused past the ttl (and was replaced) stops instead of reusing nonces (Kleppmann's fencing tokens).
 */
export class SignerLock {
  readonly key: string;
  readonly token: bigint;
  readonly value: string;
  private readonly redis: Redis;
  private readonly ttlMs: number;
  private timer: NodeJS.Timeout | null = null;
  private lost = false;

  private constructor(redis: Redis, key: string, token: bigint, value: string, ttlMs: number) {
    this.redis = redis;
    this.key = key;
    this.token = token;
    this.value = value;
    this.ttlMs = ttlMs;
  }

  /** Takes the lock or throws SignerLockedError naming the holder. `onLost` runs once if a renewal finds it gone. */
  static async acquire(
    redis: Redis,
    opts: { key: string; signer: string; instance: string; ttlMs: number; onLost: () => void },
  ): Promise<SignerLock> {
    const token = BigInt(await redis.incr(`${opts.key}:fence`));
    const value = `${opts.instance}#${token}`;
    const ok = await redis.set(opts.key, value, "PX", opts.ttlMs, "NX");
    if (ok !== "OK") {
      const holder = (await redis.get(opts.key)) ?? "(expired just now; retry)";
      throw new SignerLockedError(opts.signer, holder, opts.ttlMs, opts.key);
    }
    const lock = new SignerLock(redis, opts.key, token, value, opts.ttlMs);
    lock.timer = setInterval(
      () => {
        void lock.renew().then((held) => {
          if (!held && !lock.lost) {
            lock.lost = true;
            lock.stopRenewing();
            opts.onLost();
          }
        });
      },
      Math.max(50, Math.floor(opts.ttlMs / 3)),
    );
    lock.timer.unref();
    return lock;
  }

  private async renew(): Promise<boolean> {
    try {
      return (await this.redis.eval(RENEW, 1, this.key, this.value, this.ttlMs)) === 1;
    } catch {
      // Redis unreachable: the lock may still hold; the fence check before a send decides.
      return true;
    }
  }

  /** Whether the lock still holds this holder's token (checked before every send). */
  async held(): Promise<boolean> {
    if (this.lost) return false;
    return (await this.redis.get(this.key)) === this.value;
  }

  private stopRenewing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Releases the lock if it is still ours. */
  async release(): Promise<void> {
    this.stopRenewing();
    await this.redis.eval(RELEASE, 1, this.key, this.value);
  }

  /** Stops renewing without releasing (what a crash leaves behind: the lock expires after its ttl). */
  abandon(): void {
    this.stopRenewing();
  }
}
