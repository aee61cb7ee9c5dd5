// Price reports and the index (docs/engine.md, "Oracle"). An underlying has up to MAX_REPORTERS
// reporters (governance's list) and a quorum k. Each reporter's latest report is kept in its own
// slot; a report is clamped to within maxMovePpm of the current index while that index is
// fresh. The index is the median of the fresh reports (timestamp within the max price age)
// when at least k are fresh, its timestamp the k-th newest of their timestamps (so the index
// goes stale when fewer than k of the reports behind it are fresh). A report costs its own
// slot, the others' (at most MAX_REPORTERS, read to take the median) and the index slots; an
// index update also advances the settlement accumulator (settlement.as.ts) and samples the
// underlying's perpetual books (funding.as.ts).
import { sampleBooks } from "./funding.as";
import { context, CTX_TIMESTAMP } from "./host.as";
import { be16, be64 } from "./input.as";
import { BAD_AMOUNT, NOT_ORACLE_SIGNER, OK, PRICE_NOT_NEWER, PRICE_STALE, UNKNOWN_UNDERLYING } from "./outcome.as";
import { MAX_INDEX_PRICE, PPM } from "./params.as";
import { reporterSlot } from "./price.as";
import { accrue } from "./settlement.as";
import { underlyingSlot } from "./state.as";
import { dirty } from "./store.as";
import { mulDiv } from "./wide.as";

/** Fresh reports' prices (MAX_REPORTERS u64) then their timestamps, sorted in place. */
const FRESH: usize = memory.data(16 * 8);

export function sameAddress(a: usize, b: usize): bool {
  return load<u64>(a) == load<u64>(b) && load<u64>(a + 8) == load<u64>(b + 8) && load<u32>(a + 16) == load<u32>(b + 16);
}

/** Insertion sort of `n` u64 at `p` (n <= MAX_REPORTERS). */
function sort(p: usize, n: u32): void {
  for (let i: u32 = 1; i < n; i++) {
    const v = load<u64>(p + (<usize>i << 3));
    let j = i;
    while (j > 0 && load<u64>(p + (<usize>(j - 1) << 3)) > v) {
      store<u64>(p + (<usize>j << 3), load<u64>(p + (<usize>(j - 1) << 3)));
      j--;
    }
    store<u64>(p + (<usize>j << 3), v);
  }
}

/**
 * PRICE body at `b`: underlying u16, price u64, timestamp u64 (seconds). Accepted from one of
 * the underlying's reporters when the timestamp is newer than that reporter's last, not in the
 * batch's future and not older than the max price age.
 */
export function report(signer: usize, b: i32): i32 {
  const u = <u32>be16(b);
  let price = be64(b + 2);
  const ts = be64(b + 10);
  const cfg = underlyingSlot(u, 0);
  if (load<u8>(cfg) == 0) return UNKNOWN_UNDERLYING;
  const reporters = <u32>load<u8>(cfg + 2);
  let mine: usize = 0;
  let mask = reporters;
  while (mask != 0) {
    const r = reporterSlot(u, <u32>ctz(mask));
    mask &= mask - 1;
    if (sameAddress(r, signer)) {
      mine = r;
      break;
    }
  }
  if (mine == 0) return NOT_ORACLE_SIGNER;
  if (price == 0 || price > MAX_INDEX_PRICE) return BAD_AMOUNT;
  if (ts <= <u64>load<u32>(mine + 28)) return PRICE_NOT_NEWER;
  const now = <u64>context(CTX_TIMESTAMP);
  const maxAge = <u64>load<u32>(cfg + 8);
  if (ts > now || now - ts > maxAge) return PRICE_STALE;
  if (ts > 0xffffffff) return BAD_AMOUNT; // reporter slots keep 32-bit times (until 2106)
  const idx = underlyingSlot(u, 1);
  const index = load<u64>(idx);
  const indexTs = load<u64>(idx + 8);
  // The largest move per report, from a fresh index: the report and the new index are clamped,
  // not refused, so a real move of any size arrives in steps and the index stays live.
  let lo: u64 = 1;
  let hi: u64 = MAX_INDEX_PRICE;
  if (index != 0 && !(now > indexTs && now - indexTs > maxAge)) {
    const d = mulDiv(index, <u64>load<u32>(cfg + 4), PPM, false);
    hi = index + d;
    lo = index > d ? index - d : 1;
    if (price > hi) price = hi;
    if (price < lo) price = lo;
  }
  store<u64>(mine + 20, price);
  store<u32>(mine + 28, <u32>ts);
  dirty(mine);
  // The median of the fresh reports, when there are at least `quorum` of them.
  let n: u32 = 0;
  mask = reporters;
  while (mask != 0) {
    const r = reporterSlot(u, <u32>ctz(mask));
    mask &= mask - 1;
    const rts = <u64>load<u32>(r + 28);
    if (rts == 0 || now - rts > maxAge) continue;
    store<u64>(FRESH + (<usize>n << 3), load<u64>(r + 20));
    store<u64>(FRESH + 64 + (<usize>n << 3), rts);
    n++;
  }
  const quorum = <u32>load<u8>(cfg + 1);
  if (n < quorum) return OK;
  sort(FRESH, n);
  sort(FRESH + 64, n);
  let median = (load<u64>(FRESH + (<usize>((n - 1) >> 1) << 3)) + load<u64>(FRESH + (<usize>(n >> 1) << 3))) >> 1;
  // Older fresh reports were clamped around older indices: the median itself keeps the bound.
  if (median > hi) median = hi;
  if (median < lo) median = lo;
  accrue(u, now, median);
  store<u64>(idx, median);
  store<u64>(idx + 8, load<u64>(FRESH + 64 + (<usize>(n - quorum) << 3)));
  dirty(idx);
  sampleBooks(u, median, now);
  return OK;
}

