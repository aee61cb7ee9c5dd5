// European cash-settled options (docs/engine.md, "Options"). An option market trades premiums
// on the same book as a perpetual (price = premium in quote units per whole base unit,
// quantity = contracts of one base unit in qtyE8). Before expiry a position is marked with
// Black-Scholes (engine/math) at the index price, the series' volatility and zero rate,
// rounded down for longs and up for shorts; after expiry at its payoff at the settlement
// price, the first index report at or after expiry.
import { removeAllOrders } from "./book.as";
import { context, CTX_TIMESTAMP } from "./host.as";
import { blackScholesCall, blackScholesPut } from "./math/blackScholes.as";
import { MATH_ERROR } from "./math/fixed.as";
import { deleverage } from "./adl.as";
import { equity, evaluate } from "./margin.as";
import {
  BAD_AMOUNT, NO_DELEVERAGE_COUNTERPARTY, NOTHING_TO_SETTLE, OK, SETTLEMENT_PENDING, UNKNOWN_ACCOUNT, UNKNOWN_MARKET,
  WRONG_MARKET_KIND,
} from "./outcome.as";
import { KIND_OPTION, QTY_SCALE } from "./params.as";
import { countersSlot, fundingSlot, marketSlot, positionSlot, underlyingSlot } from "./state.as";
import { dirty, discard } from "./store.as";
import { settle } from "./trade.as";
import { absorbBadDebt, ADL_SLACK, insuranceFund, UNCOVERED } from "./waterfall.as";
import { abs64, mulDiv, overflow } from "./wide.as";

const I64_MAX: i64 = 0x7fffffffffffffff;

/** Set by optionMark when Black-Scholes refuses its inputs. */
export let optionError: i32 = OK;

export function isOption(market: u32): bool {
  return load<u8>(marketSlot(market, 0) + 26) == KIND_OPTION;
}

export function isExpired(market: u32): bool {
  return <u64>context(CTX_TIMESTAMP) >= load<u64>(marketSlot(market, 2) + 8);
}

/** The payoff per whole base unit at underlying price s. */
export function payoff(market: u32, s: u64): u64 {
  const p = marketSlot(market, 2);
  const k = load<u64>(p);
  if (load<u8>(p + 24) != 0) return s > k ? s - k : 0;
  return k > s ? k - s : 0;
}

/** The fixed settlement price of an option market, 0 if not fixed yet. */
export function settlementPrice(market: u32): u64 {
  return load<u64>(fundingSlot(market));
}

/**
 * The mark of one contract at index price `spot`: Black-Scholes before expiry (rounded up for
 * `short`), the intrinsic value at `spot` once expired. 0 with optionError set if refused.
 */
export function optionMark(market: u32, spot: u64, short: bool): u64 {
  const p = marketSlot(market, 2);
  const now = <u64>context(CTX_TIMESTAMP);
  const expiry = load<u64>(p + 8);
  if (now >= expiry) return payoff(market, spot);
  const k = <i64>load<u64>(p);
  const vol = <i64>load<u64>(p + 16);
  const t = <i64>(expiry - now);
  const v = load<u8>(p + 24) != 0
    ? blackScholesCall(<i64>spot, k, vol, t, 0, short)
    : blackScholesPut(<i64>spot, k, vol, t, 0, short);
  if (v == MATH_ERROR || v < 0) {
    optionError = BAD_AMOUNT;
    return 0;
  }
  return <u64>v;
}

/**
 * SETTLE: closes account `id`'s position in an expired option market at the payoff of the
 * settlement price (fixing that price first from an index report at or after expiry) and
 * cancels its resting orders there. The long receives floor(base * payoff / 1e8) from the
 * market's settlement pool once the pool holds it (shorts pay in first: SETTLEMENT_PENDING
 * until then), the short pays ceil(|base| * payoff / 1e8) into it. A short that cannot pay
 * goes through the bad-debt waterfall: the insurance fund, then auto-deleveraging against the
 * longs. A figure that does not fit in 63 bits rejects with BAD_AMOUNT, never a wrapped sum.
 */
export function settleOption(market: u32, id: u32): i32 {
  const r = settleOnce(market, id, false);
  if (r != UNCOVERED) return r;
  discard(); // the fund cannot pay this short's deficit: deleverage the longs first
  return settleOnce(market, id, true);
}

function settleOnce(market: u32, id: u32, adl: bool): i32 {
  if (market >= 32 || load<u8>(marketSlot(market, 0) + 26) == 0) return UNKNOWN_MARKET;
  if (!isOption(market)) return WRONG_MARKET_KIND;
  if (!isExpired(market)) return SETTLEMENT_PENDING;
  if (id == 0 || id > load<u32>(countersSlot())) return UNKNOWN_ACCOUNT;
  const f = fundingSlot(market);
  let s = load<u64>(f);
  if (s == 0) {
    const u = <u32>load<u16>(marketSlot(market, 0) + 24);
    const px = underlyingSlot(u, 1);
    if (load<u64>(px + 8) < load<u64>(marketSlot(market, 2) + 8)) return SETTLEMENT_PENDING;
    s = load<u64>(px);
    store<u64>(f, s);
    dirty(f);
  }
  const pos = positionSlot(id, market);
  let any = load<u64>(pos + 16) != 0 || load<u64>(pos + 24) != 0;
  removeAllOrders(id, market);
  const per = payoff(market, s);
  if (adl) {
    const r = evaluate(id, false); // the expired series is valued at its payoff
    if (r != OK) return r;
    const rest = -equity - insuranceFund() + ADL_SLACK;
    if (rest <= 0) return NO_DELEVERAGE_COUNTERPARTY; // unreachable: the fund covered it
    const size = abs64(load<i64>(pos));
    const closed = deleverage(id, market, per, <u64>rest);
    if (closed == 0) return NO_DELEVERAGE_COUNTERPARTY;
    any = true;
    if (closed < size) return overflow ? BAD_AMOUNT : OK; // the rest settles on a later SETTLE
  }
  const base = load<i64>(pos);
  if (base != 0) {
    any = true;
    const long = base > 0;
    const amount = <i64>mulDiv(abs64(base), per, QTY_SCALE, !long);
    if (overflow) return BAD_AMOUNT;
    const f2 = fundingSlot(market);
    const pool = load<i64>(f2 + 16);
    const quote = load<i64>(pos + 8);
    if (long) {
      if (pool < amount) return SETTLEMENT_PENDING; // paid only from what shorts paid in
      if (quote > I64_MAX - amount) return BAD_AMOUNT;
    } else {
      if (pool > I64_MAX - amount || quote < -I64_MAX + amount) return BAD_AMOUNT;
    }
    store<i64>(pos, 0);
    store<i64>(pos + 8, quote + (long ? amount : -amount));
    dirty(pos);
    store<i64>(f2 + 16, pool + (long ? -amount : amount));
    dirty(f2);
  }
  if (!any) return NOTHING_TO_SETTLE;
  settle(id, market);
  if (overflow) return BAD_AMOUNT;
  if (!absorbBadDebt(id)) return adl ? NO_DELEVERAGE_COUNTERPARTY : UNCOVERED;
  return OK;
}
