// SETTLE of an expired option series (docs/engine.md, "Options"): closes one account's position
// at the payoff of the settlement price, with the bad-debt waterfall for a short that cannot pay.
// It sits above margin, trade and the waterfall (it values the account and may deleverage), so it
// is its own module: option.as.ts, which margin reads for marks, stays below margin (no import
// cycle, docs/engine.md "Layers").
import { deleverage } from "./adl.as";
import { removeAllOrders } from "./book.as";
import { equity, evaluate } from "./margin.as";
import { isExpired, isOption, payoff, settlementPrice } from "./option.as";
import {
  BAD_AMOUNT, NO_DELEVERAGE_COUNTERPARTY, NOTHING_TO_SETTLE, OK, SETTLEMENT_PENDING, UNKNOWN_ACCOUNT, UNKNOWN_MARKET,
  WRONG_MARKET_KIND,
} from "./outcome.as";
import { QTY_SCALE } from "./params.as";
import { countersSlot, fundingSlot, marketSlot, positionSlot } from "./state.as";
import { dirty, discard } from "./store.as";
import { settle } from "./trade.as";
import { absorbBadDebt, ADL_SLACK, insuranceFund, UNCOVERED } from "./waterfall.as";
import { abs64, mulDiv, overflow } from "./wide.as";

const I64_MAX: i64 = 0x7fffffffffffffff;

/**
 * SETTLE: closes account `id`'s position in an expired option market at the payoff of the
 * settlement price (SETTLEMENT_PENDING until the index updates have fixed it) and
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
  // The settlement price is fixed by the index updates alone (settlement.as.ts): a TWAP of the
  // index over the series' window before expiry, or the first index at or after expiry.
  const s = settlementPrice(market);
  if (s == 0) return SETTLEMENT_PENDING;
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
