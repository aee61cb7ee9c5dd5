// Perpetual funding (docs/engine.md, "Funding"). Every index update samples each perpetual of
// its underlying (at most one sample per market and batch time): the premium of the book's impact
// mid over the index (0 when a side cannot fill the underlying's impact quantity),
// clamped to MAX_FUNDING_PPM of the index; the same premium clamped to MARK_BASIS_MAX_PPM moves
// the market's basis average (the mark's basis, price.as.ts). Once a whole interval has passed,
// the first sample after it (or FUNDING, whichever comes first) adds n * rate to the cumulative
// funding for the n whole intervals elapsed, where rate is the mean of the samples taken since
// the last funding (0 without samples) clamped to MAX_FUNDING_PPM of the current index; the
// funding clock advances by n intervals exactly, so no interval is lost, the clock does not
// drift and the time FUNDING is sent changes nothing. A position settles what accrued since its
// last settlement whenever it is touched (trades, liquidations, margin checks): it owes
// base * (cumulative - last) / 1e8, paid into the market's funding pool rounded up, received
// from it rounded down, so the pool never pays out more than came in.
import { nextDown, nextUp } from "./bitmap.as";
import { context, CTX_TIMESTAMP } from "./host.as";
import { isPerp, marketExists, marketUnderlying } from "./market.as";
import { BAD_AMOUNT, FUNDING_TOO_EARLY, OK, UNKNOWN_MARKET, WRONG_MARKET_KIND } from "./outcome.as";
import {
  FUNDING_INTERVAL, IMPACT_MAX_LEVELS, MARK_BASIS_MAX_PPM, MARK_BASIS_SMOOTHING, MAX_FUNDING_PPM, MAX_TICK, PPM, QTY_SCALE,
} from "./params.as";
import { fundingSamplesSlot, indexPrice, priceError } from "./price.as";
import { bookSlot, fundingSlot, levelSlot, marketSlot, positionFundingSlot, positionSlot, underlyingSlot } from "./state.as";
import { dirty } from "./store.as";
import { abs64, mulDiv } from "./wide.as";

/** Settles the funding position (owner, market) accrued since its last settlement. */
export function settleFunding(owner: u32, market: u32): void {
  if (!isPerp(market)) return; // options' slot holds their settlement
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

function clamp(v: i64, bound: i64): i64 {
  return v > bound ? bound : v < -bound ? -bound : v;
}

/**
 * The impact tick of one side: walking from the best level away from the spread, the first
 * level at which the side's cumulative quantity reaches `impact` (qtyE8); 0 if IMPACT_MAX_LEVELS
 * levels do not hold it.
 */
function impactTick(market: u32, side: u32, best: u32, impact: u64): u32 {
  let t = best;
  let q: u64 = 0;
  for (let i = 0; i < IMPACT_MAX_LEVELS; i++) {
    q += load<u64>(levelSlot(market, side, t) + 16);
    if (q >= impact) return t;
    if (side == 0) {
      if (t <= 1) return 0;
      t = nextDown(market, 0, t - 1);
    } else {
      if (<u64>t >= MAX_TICK) return 0;
      t = nextUp(market, 1, t + 1);
    }
    if (t == 0) return 0;
  }
  return 0;
}

/**
 * The book's premium over `index`: floor((impactBid + impactAsk) * tick / 2) - index, where the
 * impact bid and ask are the levels at which `impact` (qtyE8; 0 = the best levels) would fill;
 * 0 when a side cannot fill it.
 */
function premium(market: u32, index: u64, impact: u64): i64 {
  const book = bookSlot(market);
  let bid = load<u32>(book);
  let ask = load<u32>(book + 4);
  if (bid == 0 || ask == 0) return 0;
  if (impact != 0) {
    bid = impactTick(market, 0, bid, impact);
    if (bid == 0) return 0;
    ask = impactTick(market, 1, ask, impact);
    if (ask == 0) return 0;
  }
  // (bid + ask) * tick can pass 2^64 for a market with a huge tick: such a mid counts as no premium.
  const tick = load<u64>(marketSlot(market, 0));
  const sum = <u64>bid + <u64>ask;
  if (tick > 0x7fffffffffffffff / sum) return 0;
  return <i64>(sum * tick / 2) - <i64>index;
}

/** Samples the premium of every perpetual of underlying `u` at a new index (one sample per batch time). */
export function sampleBooks(u: u32, index: u64, now: u64): void {
  const cfg = underlyingSlot(u, 0);
  let mask = load<u32>(cfg + 24);
  if (mask == 0) return;
  const impact = load<u64>(cfg + 16);
  const fundCap = <i64>mulDiv(index, MAX_FUNDING_PPM, PPM, false);
  const markCap = <i64>mulDiv(index, MARK_BASIS_MAX_PPM, PPM, false);
  while (mask != 0) {
    const m = <u32>ctz(mask);
    mask &= mask - 1;
    const s = fundingSamplesSlot(m);
    if (load<u64>(s + 16) == now) continue;
    const f = fundingSlot(m);
    // An interval boundary passed since the last sample: its funding is due now, from the
    // samples before the boundary, so when FUNDING is sent does not change what it charges.
    if (now >= load<u64>(f + 8) + FUNDING_INTERVAL) applyDue(f, s, index, now);
    const p = premium(m, index, impact);
    const sum = load<i64>(s);
    const add = clamp(p, fundCap);
    if (add > 0 ? sum > i64.MAX_VALUE - add : sum < i64.MIN_VALUE - add) continue; // never at real prices
    store<i64>(s, sum + add);
    store<u64>(s + 8, load<u64>(s + 8) + 1);
    store<u64>(s + 16, now);
    dirty(s);
    const basis = load<i64>(f + 24);
    const next = basis + (clamp(p, markCap) - basis) / MARK_BASIS_SMOOTHING;
    if (next != basis) {
      store<i64>(f + 24, next);
      dirty(f);
    }
  }
}

/**
 * Applies the whole intervals elapsed since the funding clock of market `m` (funding slot `f`,
 * samples `s`) at `now`, with the rate from the samples taken so far and the cap at `index`.
 * False, changing nothing, if the result would leave i64.
 */
function applyDue(f: usize, s: usize, index: u64, now: u64): bool {
  const last = load<u64>(f + 8);
  const intervals = (now - last) / FUNDING_INTERVAL;
  const count = load<u64>(s + 8);
  // The mean sample, rounded toward zero, clamped with the current index.
  let rate = count == 0 ? 0 : load<i64>(s) / <i64>count;
  rate = clamp(rate, <i64>mulDiv(index, MAX_FUNDING_PPM, PPM, false));
  const size = abs64(rate);
  if (size != 0 && intervals > <u64>i64.MAX_VALUE / size) return false;
  const delta = <i64>(size * intervals);
  const cum = load<i64>(f);
  if (rate > 0 ? cum > i64.MAX_VALUE - delta : cum < i64.MIN_VALUE + delta) return false;
  store<i64>(f, rate > 0 ? cum + delta : cum - delta);
  store<u64>(f + 8, last + intervals * FUNDING_INTERVAL);
  dirty(f);
  if (count != 0) {
    store<i64>(s, 0);
    store<u64>(s + 8, 0);
    dirty(s);
  }
  return true;
}

/** FUNDING: applies every whole interval elapsed since the market's funding clock. */
export function applyFunding(market: u32): i32 {
  if (!marketExists(market)) return UNKNOWN_MARKET;
  if (!isPerp(market)) return WRONG_MARKET_KIND;
  const f = fundingSlot(market);
  const now = <u64>context(CTX_TIMESTAMP);
  if (now < load<u64>(f + 8) + FUNDING_INTERVAL) return FUNDING_TOO_EARLY;
  const index = indexPrice(marketUnderlying(market));
  if (index == 0) return priceError;
  return applyDue(f, fundingSamplesSlot(market), index, now) ? OK : BAD_AMOUNT;
}
