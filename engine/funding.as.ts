// Perpetual funding (docs/engine.md, "Funding"). Once per FUNDING_INTERVAL, anyone may apply
// funding to a market: the premium of the book's mid over the index price, clamped to
// MAX_FUNDING_PPM of the index, is added to the market's cumulative funding (quote units per
// whole base unit; positive: longs pay shorts). A position settles what accrued since its
// last settlement whenever it is touched (trades, liquidations, margin checks): it owes
// base * (cumulative - last) / 1e8, paid into the market's funding pool rounded up, received
// from it rounded down, so the pool never pays out more than came in.
import { context, CTX_TIMESTAMP } from "./host.as";
import { markPrice, priceError } from "./margin.as";
import { marketExists } from "./order.as";
import { FUNDING_TOO_EARLY, OK, UNKNOWN_MARKET, WRONG_MARKET_KIND } from "./outcome.as";
import { FUNDING_INTERVAL, KIND_PERP, MAX_FUNDING_PPM, PPM, QTY_SCALE } from "./params.as";
import { bookSlot, fundingSlot, marketSlot, positionFundingSlot, positionSlot } from "./state.as";
import { dirty } from "./store.as";
import { abs64, mulDiv } from "./wide.as";

/** Settles the funding position (owner, market) accrued since its last settlement. */
export function settleFunding(owner: u32, market: u32): void {
  if (load<u8>(marketSlot(market, 0) + 26) != KIND_PERP) return; // options' slot holds their settlement
  const f = fundingSlot(market);
  const cum = load<i64>(f);
  const pf = positionFundingSlot(owner, market);
  const last = load<i64>(pf);
  if (cum == last) return;
  store<i64>(pf, cum);
  dirty(pf);
  const pos = positionSlot(owner, market);
  const base = load<i64>(pos);
  if (base == 0) return;
  const d = cum - last;
  const pays = (base > 0) == (d > 0);
  const amount = <i64>mulDiv(abs64(base), abs64(d), QTY_SCALE, pays);
  store<i64>(pos + 8, load<i64>(pos + 8) + (pays ? -amount : amount));
  dirty(pos);
  store<i64>(f + 16, load<i64>(f + 16) + (pays ? amount : -amount));
  dirty(f);
}

/** Starts a new market's funding clock. */
export function startFunding(market: u32): void {
  const f = fundingSlot(market);
  if (load<u64>(f + 8) != 0) return;
  store<u64>(f + 8, <u64>context(CTX_TIMESTAMP));
  dirty(f);
}

/** FUNDING: applies one interval of funding to `market`. */
export function applyFunding(market: u32): i32 {
  if (!marketExists(market)) return UNKNOWN_MARKET;
  if (load<u8>(marketSlot(market, 0) + 26) != KIND_PERP) return WRONG_MARKET_KIND;
  const f = fundingSlot(market);
  const now = <u64>context(CTX_TIMESTAMP);
  const last = load<u64>(f + 8);
  if (now < last + FUNDING_INTERVAL) return FUNDING_TOO_EARLY;
  const index = markPrice(market);
  if (index == 0) return priceError;
  const book = bookSlot(market);
  const bid = <u64>load<u32>(book);
  const ask = <u64>load<u32>(book + 4);
  let premium: i64 = 0;
  if (bid != 0 && ask != 0) {
    const mid = (bid + ask) * load<u64>(marketSlot(market, 0)) / 2;
    premium = <i64>mid - <i64>index;
  }
  const cap = <i64>mulDiv(index, MAX_FUNDING_PPM, PPM, false);
  if (premium > cap) premium = cap;
  if (premium < -cap) premium = -cap;
  store<i64>(f, load<i64>(f) + premium);
  store<u64>(f + 8, now);
  dirty(f);
  return OK;
}
