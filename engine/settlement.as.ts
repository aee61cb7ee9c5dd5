// Option settlement prices fixed by oracle data alone (docs/engine.md, "Settlement price").
// Each underlying integrates its index over time: price-seconds (128-bit) and fresh seconds,
// where an index value counts from the batch time it was set until the next update or until
// it goes stale (its timestamp + max price age), whichever is first. A series with window W and
// expiry E settles at the time-weighted average of the index over [E - W, E]:
//   S = floor((P(E) - P(E - W)) / (T(E) - T(E - W)))
// with P the price-seconds and T the fresh seconds. Between two index updates the index is
// constant, so P and T at any instant after the last update follow from the accumulator; the
// index update that first passes a boundary (E - W, then E) records P and T at that boundary
// before it changes the index. If the index was never fresh inside the window (T(E) = T(E - W)),
// the settlement price is the first index set at or after E. Either way it depends only on
// the reports, not on who sends SETTLE or when.
import { settlementWindowSlot } from "./price.as";
import { fundingSlot, marketSlot, underlyingSlot } from "./state.as";
import { dirty } from "./store.as";

/** Results of accumulatedAt. */
let atLo: u64 = 0;
let atHi: u64 = 0;
let atSeconds: u64 = 0;

/** 128-bit product of two u64 as hi:lo, added into the accumulator (atHi:atLo). */
function addProduct(a: u64, b: u64): void {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  const lo = (p00 & 0xffffffff) | (mid << 32);
  const hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  const sum = atLo + lo;
  atHi += hi + (sum < atLo ? 1 : 0);
  atLo = sum;
}

/** floor(hi:lo / d) for hi < d (the quotient fits 64 bits). */
function div128(hi: u64, lo: u64, d: u64): u64 {
  if (hi == 0) return lo / d;
  let rem = hi;
  let q: u64 = 0;
  for (let i = 63; i >= 0; i--) {
    const top = rem >> 63;
    rem = (rem << 1) | ((lo >> <u64>i) & 1);
    q <<= 1;
    if (top != 0 || rem >= d) {
      rem -= d;
      q |= 1;
    }
  }
  return q;
}

/**
 * The accumulator of underlying `u` at time `t` (not before its last update), into atLo,
 * atHi, atSeconds: the stored sums plus the current index over [last, min(t, stale time)].
 */
function accumulatedAt(u: u32, t: u64): void {
  const acc = underlyingSlot(u, 2);
  atLo = load<u64>(acc);
  atHi = load<u64>(acc + 8);
  atSeconds = load<u64>(acc + 16);
  const last = load<u64>(acc + 24);
  const idx = underlyingSlot(u, 1);
  const price = load<u64>(idx);
  if (price == 0) return;
  const staleAt = load<u64>(idx + 8) + <u64>load<u32>(idx + 16);
  const end = t < staleAt ? t : staleAt;
  if (end <= last) return;
  addProduct(price, end - last);
  atSeconds += end - last;
}

/**
 * Called by an index update of underlying `u` at batch time `now`, before the index changes
 * (newIndex is the index it is about to set): records the window starts and fixes the
 * settlement prices of the series whose boundaries `now` passed, then moves the accumulator to
 * `now`.
 */
export function accrue(u: u32, now: u64, newIndex: u64): void {
  const cfg = underlyingSlot(u, 0);
  let pending = load<u32>(cfg + 28);
  // Without a series waiting for its price nobody needs the integral: it rests (listSeries
  // restarts it), and a perpetual-only underlying's reports skip its slot.
  if (pending == 0) return;
  const idx = underlyingSlot(u, 1);
  if (now >= load<u64>(idx + 24)) {
    let next: u64 = u64.MAX_VALUE;
    let mask = pending;
    while (mask != 0) {
      const m = <u32>ctz(mask);
      mask &= mask - 1;
      const series = marketSlot(m, 2);
      const expiry = load<u64>(series + 8);
      const start = expiry - <u64>load<u32>(series + 28);
      const w = settlementWindowSlot(m);
      if (load<u8>(w + 24) == 0) {
        if (now < start) {
          if (start < next) next = start;
          continue;
        }
        accumulatedAt(u, start);
        store<u64>(w, atLo);
        store<u64>(w + 8, atHi);
        store<u64>(w + 16, atSeconds);
        store<u8>(w + 24, 1);
        dirty(w);
      }
      if (now < expiry) {
        if (expiry < next) next = expiry;
        continue;
      }
      accumulatedAt(u, expiry);
      const seconds = atSeconds - load<u64>(w + 16);
      let price = newIndex;
      if (seconds != 0) {
        // P(E) - P(E - W), 128-bit; its average is an index value, so it fits 64 bits.
        const startLo = load<u64>(w);
        const lo = atLo - startLo;
        const hi = atHi - load<u64>(w + 8) - (atLo < startLo ? 1 : 0);
        price = div128(hi, lo, seconds);
      }
      const f = fundingSlot(m);
      store<u64>(f, price);
      dirty(f);
      pending &= ~(<u32>1 << m);
    }
    store<u32>(cfg + 28, pending);
    dirty(cfg);
    store<u64>(idx + 24, pending == 0 ? 0 : next);
    dirty(idx);
  }
  accumulatedAt(u, now);
  const acc = underlyingSlot(u, 2);
  store<u64>(acc, atLo);
  store<u64>(acc + 8, atHi);
  store<u64>(acc + 16, atSeconds);
  store<u64>(acc + 24, now);
  dirty(acc);
}

/**
 * Registers a new option series `market` of underlying `u` expiring at `expiry` with settlement
 * window `window` at batch time `now`: its window start is a pending boundary of the underlying.
 * The caller checked expiry - window >= now, so no index update has passed it yet.
 */
export function listSeries(u: u32, market: u32, expiry: u64, window: u64, now: u64): void {
  const cfg = underlyingSlot(u, 0);
  const idx = underlyingSlot(u, 1);
  const pending = load<u32>(cfg + 28);
  const start = expiry - window;
  if (pending == 0) {
    // The integral rested while no series waited: it restarts now, from the current index (no
    // series' window reaches back before now).
    const acc = underlyingSlot(u, 2);
    store<u64>(acc + 24, now);
    dirty(acc);
  }
  if (pending == 0 || start < load<u64>(idx + 24)) {
    store<u64>(idx + 24, start);
    dirty(idx);
  }
  store<u32>(cfg + 28, pending | (<u32>1 << market));
  dirty(cfg);
}

