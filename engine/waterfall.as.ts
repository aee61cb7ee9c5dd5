// The bad-debt waterfall (docs/engine.md, "Bad debt"). An account left without positions and
// with negative collateral by a liquidation or a settlement is bankrupt: the insurance fund pays
// its deficit. If the fund cannot pay all of it, nothing is absorbed and the caller undoes its
// work and closes the position by auto-deleveraging first (adl.as.ts), so that the fund never
// goes negative and no account without positions is left below zero.
import { ADL_MAX_COUNTERPARTIES } from "./params.as";
import { accountSlot, positionSlot, totalsSlot } from "./state.as";
import { dirty } from "./store.as";

/** Internal result: the fund cannot cover a deficit (never returned by main). */
export const UNCOVERED: i32 = -1;
/** Quote units auto-deleveraging recovers beyond the deficit: one per close's rounding. */
export const ADL_SLACK: i64 = ADL_MAX_COUNTERPARTIES;

/** True if account `id` has no position in any market. */
export function isFlat(id: u32): bool {
  let mask = load<u32>(accountSlot(id) + 8);
  while (mask != 0) {
    const m = <u32>ctz(mask);
    mask &= mask - 1;
    if (load<i64>(positionSlot(id, m)) != 0) return false;
  }
  return true;
}

/** The insurance fund's balance. */
export function insuranceFund(): i64 {
  return load<i64>(totalsSlot() + 8);
}

/**
 * Moves a flat account's negative collateral to the insurance fund. False, changing nothing,
 * if the fund holds less than the deficit.
 */
export function absorbBadDebt(id: u32): bool {
  const acct = accountSlot(id);
  const col = load<i64>(acct);
  if (col >= 0 || !isFlat(id)) return true;
  const totals = totalsSlot();
  const fund = load<i64>(totals + 8);
  if (fund < -col) return false;
  store<i64>(totals + 8, fund + col);
  dirty(totals);
  store<i64>(acct, 0);
  dirty(acct);
  return true;
}
