// Liquidation (docs/engine.md, "Liquidation"). Anyone may take over part of the position of
// an account whose equity is below its maintenance requirement, at the mark price. The
// account's resting orders in that market are cancelled first. While the account's equity is
// not negative, one liquidation takes at most half its position (rounded up to a lot):
// partial first. The account pays a penalty of ceil(notional * penalty / 1e6), at most its
// equity (a bankrupt account pays none); half (rounded down) goes to the liquidator, the rest to the insurance fund. An account left with no
// position and negative collateral is bad debt (waterfall.as.ts): the insurance fund pays it;
// when the fund cannot, the liquidation is undone and the position is instead closed by
// auto-deleveraging (adl.as.ts) against the most profitable opposite positions. The liquidator
// must belong to another owner than the account (subaccounts of one address are one owner).
import { removeAllOrders } from "./book.as";
import { deleverage } from "./adl.as";
import { accountFor } from "./collateral.as";
import { checkInitial, equity, evaluate, markPrice, priceError, requirement } from "./margin.as";
import { isExpired, isOption, optionError, optionMark } from "./option.as";
import { marketExists } from "./order.as";
import {
  BAD_AMOUNT, MARKET_EXPIRED, NOT_LIQUIDATABLE, NO_DELEVERAGE_COUNTERPARTY, OK, SELF_LIQUIDATION, UNKNOWN_ACCOUNT,
  UNKNOWN_MARKET,
} from "./outcome.as";
import { PPM, QTY_SCALE } from "./params.as";
import { accountSlot, countersSlot, marketSlot, positionSlot, totalsSlot } from "./state.as";
import { dirty, discard } from "./store.as";
import { move, settle } from "./trade.as";
import { absorbBadDebt, ADL_SLACK, insuranceFund, UNCOVERED } from "./waterfall.as";
import { abs64, mulDiv, overflow } from "./wide.as";

/** True if accounts a and b belong to one address (their owner field). */
function sameOwner(a: u32, b: u32): bool {
  const x = accountSlot(a) + 12;
  const y = accountSlot(b) + 12;
  return load<u64>(x) == load<u64>(y) && load<u64>(x + 8) == load<u64>(y + 8) && load<u32>(x + 16) == load<u32>(y + 16);
}

export function liquidate(liqAddr: usize, liqSub: u8, market: u32, victim: u32, qtyIn: u64): i32 {
  const r = liquidateOnce(liqAddr, liqSub, market, victim, qtyIn, false);
  if (r != UNCOVERED) return r;
  // The fund cannot pay the deficit this liquidation would leave: start again from the state
  // before it and auto-deleverage instead.
  discard();
  return liquidateOnce(liqAddr, liqSub, market, victim, qtyIn, true);
}

function liquidateOnce(liqAddr: usize, liqSub: u8, market: u32, victim: u32, qtyIn: u64, adl: bool): i32 {
  const liq = accountFor(liqAddr, liqSub, false);
  if (liq == 0) return UNKNOWN_ACCOUNT;
  if (victim == 0 || victim > load<u32>(countersSlot())) return UNKNOWN_ACCOUNT;
  if (victim == liq || sameOwner(victim, liq)) return SELF_LIQUIDATION;
  if (!marketExists(market)) return UNKNOWN_MARKET;
  if (qtyIn == 0) return BAD_AMOUNT;
  const r = evaluate(victim, false);
  if (r != OK) return r;
  if (equity >= requirement) return NOT_LIQUIDATABLE;
  const bankrupt = equity < 0;
  const deficit = -equity;
  const base = load<i64>(positionSlot(victim, market));
  if (base == 0) return NOT_LIQUIDATABLE;
  let mark = markPrice(market);
  if (mark == 0) return priceError;
  if (isOption(market)) {
    if (isExpired(market)) return MARKET_EXPIRED; // expired positions are settled, not liquidated
    mark = optionMark(market, mark, base < 0);
    if (optionError != OK) return optionError;
  }
  removeAllOrders(victim, market);
  if (adl) {
    // The fund pays what it holds; the most profitable opposite positions pay the rest.
    const fromFund = insuranceFund();
    const rest = deficit - fromFund + ADL_SLACK;
    if (rest <= 0) return NO_DELEVERAGE_COUNTERPARTY; // unreachable: the fund covered it
    if (deleverage(victim, market, mark, <u64>rest) == 0) return NO_DELEVERAGE_COUNTERPARTY;
    if (!absorbBadDebt(victim)) return NO_DELEVERAGE_COUNTERPARTY;
    return overflow ? BAD_AMOUNT : OK;
  }
  const size = abs64(base);
  let q = qtyIn < size ? qtyIn : size;
  if (!bankrupt) {
    const lot = load<u64>(marketSlot(market, 0) + 8);
    const half = (size / 2 + lot - 1) / lot * lot;
    if (q > half) q = half;
  }
  const notional = <i64>mulDiv(q, mark, QTY_SCALE, false);
  let penalty = <i64>mulDiv(<u64>notional, <u64>load<u32>(marketSlot(market, 1) + 16), PPM, true);
  // The penalty comes out of what the account has: it never creates bad debt.
  if (penalty > equity) penalty = bankrupt ? 0 : equity;
  const share = penalty / 2;
  const qi = <i64>q;
  if (base > 0) {
    move(victim, market, -qi, notional, penalty);
    move(liq, market, qi, -notional, -share);
  } else {
    move(victim, market, qi, -notional, penalty);
    move(liq, market, -qi, notional, -share);
  }
  const totals = totalsSlot();
  store<i64>(totals + 8, load<i64>(totals + 8) + penalty - share);
  dirty(totals);
  settle(victim, market);
  settle(liq, market);
  if (overflow) return BAD_AMOUNT;
  if (!absorbBadDebt(victim)) return UNCOVERED;
  return checkInitial(liq);
}
