// Index and mark prices (docs/engine.md, "Oracle" and "Mark price"). The index of an underlying
// is the k-of-n median of its reporters' fresh prices, kept in one slot by the report path
// (oracle.as.ts) so a margin check reads one slot per underlying. A perpetual's mark is the index
// plus the market's smoothed book basis (sampled at each index update, funding.as.ts), bounded to
// MARK_BASIS_MAX_PPM of the index; an option's mark uses the index itself (Black-Scholes spot).
import { context, CTX_TIMESTAMP } from "./host.as";
import { K_FUNDING_SAMPLES, K_REPORTER, K_SETTLEMENT_WINDOW } from "./keys.as";
import { OK, PRICE_MISSING, PRICE_STALE } from "./outcome.as";
import { KIND_PERP, MARK_BASIS_MAX_PPM, PPM } from "./params.as";
import { fundingSlot, marketSlot, underlyingSlot } from "./state.as";
import { key } from "./store.as";

/** Set by indexPrice / markPrice when they cannot give a price: PRICE_MISSING or PRICE_STALE. */
export let priceError: i32 = OK;

/** Reporter `i` of underlying `u`: address @0..19 | last price u64 @20 | its timestamp u32 @28. */
export function reporterSlot(u: u32, i: u32): usize { return key(K_REPORTER, u, i, 0, 0); }
/** A perpetual's premium samples since its last funding: sum i64 @0 | count u64 @8 | last sample time u64 @16. */
export function fundingSamplesSlot(market: u32): usize { return key(K_FUNDING_SAMPLES, market, 0, 0, 0); }
/**
 * An option series' price-time accumulator at its window start (E - W): price-seconds lo u64 @0 |
 * hi u64 @8 | fresh seconds u64 @16 | captured u8 @24.
 */
export function settlementWindowSlot(market: u32): usize { return key(K_SETTLEMENT_WINDOW, market, 0, 0, 0); }

/** The fresh index price of underlying `u` (quote units per whole base unit), or 0 with priceError set. */
export function indexPrice(u: u32): u64 {
  const p = underlyingSlot(u, 1);
  const price = load<u64>(p);
  if (price == 0) {
    priceError = PRICE_MISSING;
    return 0;
  }
  const ts = load<u64>(p + 8);
  const maxAge = <u64>load<u32>(p + 16); // a copy of part 0's, so an index needs one slot
  const now = <u64>context(CTX_TIMESTAMP);
  if (now > ts && now - ts > maxAge) {
    priceError = PRICE_STALE;
    return 0;
  }
  return price;
}

/**
 * The mark price of a market, or 0 with priceError set. Perpetuals: index + the market's basis
 * average (funding slot @24), clamped to +-MARK_BASIS_MAX_PPM of the index (rounded down, so
 * the bound never exceeds the fraction) and at least 1. Options: the index (their premium mark
 * is Black-Scholes at this spot, option.as.ts).
 */
export function markPrice(market: u32): u64 {
  // One look-up of the market slot for both fields (this runs in every margin check).
  const m0 = marketSlot(market, 0);
  const index = indexPrice(<u32>load<u16>(m0 + 24));
  if (index == 0 || load<u8>(m0 + 26) != KIND_PERP) return index;
  let basis = load<i64>(fundingSlot(market) + 24);
  if (basis == 0) return index;
  // floor(index * MARK_BASIS_MAX_PPM / 1e6) as one division (the fraction divides 1e6): no
  // 128-bit product in every margin check.
  const bound = <i64>(index / (PPM / MARK_BASIS_MAX_PPM));
  if (basis > bound) basis = bound;
  if (basis < -bound) basis = -bound;
  const mark = <i64>index + basis;
  return mark < 1 ? 1 : <u64>mark;
}
