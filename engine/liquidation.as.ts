// Liquidation (docs/engine.md, "Liquidation"). Anyone may take over part of the position of
// an account whose equity is below its maintenance requirement, at the mark price. The
// account's resting orders in that market are cancelled first. While the account's equity is
// not negative, one liquidation takes at most half its position (rounded up to a lot):
// partial first. The account pays a penalty of ceil(notional * penalty / 1e6); half (rounded
// down) goes to the liquidator, the rest to the insurance fund. An account left with no
// position and negative collateral is bad debt: the insurance fund absorbs it (and may go
// negative, which is uncovered loss the docs call out).
import { openOrderAt, removeOrder } from "./book.as";
import { accountFor } from "./collateral.as";
import { checkInitial, equity, evaluate, markPrice, priceError, requirement } from "./margin.as";
import { isExpired, isOption, optionError, optionMark } from "./option.as";
import { marketExists } from "./order.as";
import {
  BAD_AMOUNT, MARKET_EXPIRED, NOT_LIQUIDATABLE, OK, SELF_LIQUIDATION, UNKNOWN_ACCOUNT, UNKNOWN_MARKET,
} from "./outcome.as";
import { MAX_OPEN_ORDERS, PPM, QTY_SCALE } from "./params.as";
import { accountSlot, countersSlot, marketSlot, orderSlot, positionSlot, totalsSlot } from "./state.as";
import { dirty } from "./store.as";
import { move, settle } from "./trade.as";
import { abs64, mulDiv } from "./wide.as";

export function liquidate(liqAddr: usize, liqSub: u8, market: u32, victim: u32, qtyIn: u64): i32 {
  const liq = accountFor(liqAddr, liqSub, false);
  if (liq == 0) return UNKNOWN_ACCOUNT;
  if (victim == liq) return SELF_LIQUIDATION;
  if (victim == 0 || victim > load<u32>(countersSlot())) return UNKNOWN_ACCOUNT;
  if (!marketExists(market)) return UNKNOWN_MARKET;
  if (qtyIn == 0) return BAD_AMOUNT;
  const r = evaluate(victim, false);
  if (r != OK) return r;
  if (equity >= requirement) return NOT_LIQUIDATABLE;
  const bankrupt = equity < 0;
  const base = load<i64>(positionSlot(victim, market));
  if (base == 0) return NOT_LIQUIDATABLE;
  for (let i: u32 = 0; i < <u32>MAX_OPEN_ORDERS; i++) {
    const id = openOrderAt(victim, market, i);
    if (id != 0) removeOrder(market, id, orderSlot(market, id));
  }
  const size = abs64(base);
  let q = qtyIn < size ? qtyIn : size;
  if (!bankrupt) {
    const lot = load<u64>(marketSlot(market, 0) + 8);
    const half = (size / 2 + lot - 1) / lot * lot;
    if (q > half) q = half;
  }
  let mark = markPrice(market);
  if (mark == 0) return priceError;
  if (isOption(market)) {
    if (isExpired(market)) return MARKET_EXPIRED; // expired positions are settled, not liquidated
    mark = optionMark(market, mark, base < 0);
    if (optionError != OK) return optionError;
  }
  const notional = <i64>mulDiv(q, mark, QTY_SCALE, false);
  const penalty = <i64>mulDiv(<u64>notional, <u64>load<u32>(marketSlot(market, 1) + 16), PPM, true);
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
  absorbBadDebt(victim);
  return checkInitial(liq);
}

/** Moves a flat account's negative collateral to the insurance fund. */
function absorbBadDebt(id: u32): void {
  const acct = accountSlot(id);
  let mask = load<u32>(acct + 8);
  while (mask != 0) {
    const m = <u32>ctz(mask);
    mask &= mask - 1;
    if (load<i64>(positionSlot(id, m)) != 0) return;
  }
  const col = load<i64>(acct);
  if (col >= 0) return;
  const totals = totalsSlot();
  store<i64>(totals + 8, load<i64>(totals + 8) + col);
  dirty(totals);
  store<i64>(acct, 0);
  dirty(acct);
}
