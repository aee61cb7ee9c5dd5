// Auto-deleveraging, the last step of the bad-debt waterfall (docs/engine.md, "Bad debt"). When
// a bankrupt account's deficit is more than the insurance fund holds, its position in a market
// is closed against the most profitable opposite positions, ranked by profit times leverage, at
// the bankruptcy price: the price at which closing the whole position leaves the account with
// the part of the deficit the fund can pay. Each counterparty gives up at most its profit in
// that market (the difference between the bankruptcy price and the mark), and at most its
// collateral plus that profit (so a counterparty left without positions is never negative).
//
// Gas bound: one walk over at most ADL_MAX_SCAN entries of the market's holder list (three
// slots each: the holder node, the position, the account; an entry that closed since it was
// listed is unlinked, three more writes), then at most ADL_MAX_COUNTERPARTIES closes.
import { settleFunding } from "./funding.as";
import { firstHolder, holderRemove, nextHolder } from "./holders.as";
import { ADL_MAX_COUNTERPARTIES, ADL_MAX_SCAN, ADL_SLOT_RESERVE, QTY_SCALE } from "./params.as";
import { accountSlot, marketSlot, positionSlot } from "./state.as";
import { slotsFree } from "./store.as";
import { move, settle } from "./trade.as";
import { abs64, mulDiv } from "./wide.as";

// The best candidates so far, best first: account id, score (128 bits, hi:lo).
const TOP_ID: StaticArray<u32> = [0, 0, 0, 0];
const TOP_HI: StaticArray<u64> = [0, 0, 0, 0];
const TOP_LO: StaticArray<u64> = [0, 0, 0, 0];

let hi: u64 = 0;
let lo: u64 = 0;

/** hi:lo = a * b (128 bits). */
function mul128(a: u64, b: u64): void {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  lo = (p00 & 0xffffffff) | (mid << 32);
  hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/** Leverage in 1e-4: notional / max(1, equity in the market), at most 2^32. */
function leverageE4(notional: u64, eq: i64): u64 {
  const d: u64 = eq > 0 ? <u64>eq : 1;
  const l = notional < (<u64>1 << 49) ? notional * 10_000 / d : notional / d * 10_000;
  return l > 0xffffffff ? 0xffffffff : l;
}

/**
 * What an opposite holder of `market` may give up (0: not a candidate): its profit there at
 * `mark`, at most its collateral plus that profit, less 2 units for the close's rounding.
 * Sets `value` to its position's value and `marketEquity` to its collateral plus that profit.
 */
let value: u64 = 0;
let marketEquity: i64 = 0;
function budget(id: u32, market: u32, mark: u64): i64 {
  const pos = positionSlot(id, market);
  const b = load<i64>(pos);
  // Profit in the market at the mark (a long's value rounded down, a short's liability up).
  value = mulDiv(abs64(b), mark, QTY_SCALE, b < 0);
  const pnl = load<i64>(pos + 8) + (b > 0 ? <i64>value : -<i64>value);
  const eq = load<i64>(accountSlot(id)) + pnl;
  marketEquity = eq;
  const most = (pnl < eq ? pnl : eq) - 2;
  return most > 0 ? most : 0;
}

/** Ranks the opposite holders of `market`; returns how many candidates TOP_* holds. */
function rank(market: u32, victim: u32, victimLong: bool, mark: u64): i32 {
  let count = 0;
  let id = firstHolder(market);
  for (let scanned = 0; id != 0 && scanned < ADL_MAX_SCAN && slotsFree() >= ADL_SLOT_RESERVE; scanned++) {
    const next = nextHolder(market, id);
    const pos = positionSlot(id, market);
    const b = load<i64>(pos);
    if (b == 0) holderRemove(market, id); // closed since it was listed
    else if (id != victim && (b > 0) != victimLong) {
      const pnl = budget(id, market, mark);
      if (pnl > 0) {
        mul128(<u64>pnl, leverageE4(value, marketEquity));
        // Insertion into the sorted top list (ties: the earlier holder stays first).
        let k = count < ADL_MAX_COUNTERPARTIES ? count : ADL_MAX_COUNTERPARTIES;
        while (k > 0 && (hi > unchecked(TOP_HI[k - 1]) || (hi == unchecked(TOP_HI[k - 1]) && lo > unchecked(TOP_LO[k - 1])))) {
          if (k < ADL_MAX_COUNTERPARTIES) {
            unchecked((TOP_ID[k] = TOP_ID[k - 1]));
            unchecked((TOP_HI[k] = TOP_HI[k - 1]));
            unchecked((TOP_LO[k] = TOP_LO[k - 1]));
          }
          k--;
        }
        if (k < ADL_MAX_COUNTERPARTIES) {
          unchecked((TOP_ID[k] = id));
          unchecked((TOP_HI[k] = hi));
          unchecked((TOP_LO[k] = lo));
          if (count < ADL_MAX_COUNTERPARTIES) count++;
        }
      }
    }
    id = next;
  }
  return count;
}

/**
 * Closes as much as it can of `victim`'s position in `market` against the best ranked opposite
 * holders at the bankruptcy price for `deficit` (quote units the closes must recover over the
 * valuation at `mark`). Returns the quantity closed (0: no counterparty).
 */
export function deleverage(victim: u32, market: u32, mark: u64, deficit: u64): u64 {
  const vpos = positionSlot(victim, market);
  const base = load<i64>(vpos);
  if (base == 0) return 0;
  const long = base > 0;
  const size = abs64(base);
  // Per whole unit, rounded up so the whole close recovers at least `deficit`.
  const off = mulDiv(deficit, QTY_SCALE, size, true);
  let price: u64;
  if (long) price = mark + off;
  else price = mark > off ? mark - off : 0;
  const haircut: u64 = long ? off : mark - price; // per whole unit, what a counterparty gives up
  const count = rank(market, victim, long, mark);
  const lot = load<u64>(marketSlot(market, 0) + 8);
  let remaining = size;
  for (let k = 0; k < count && remaining > 0; k++) {
    const c = unchecked(TOP_ID[k]);
    settleFunding(c, market); // the budget from settled figures
    const limit = budget(c, market, mark);
    if (limit <= 0) continue;
    let q = abs64(load<i64>(positionSlot(c, market)));
    if (q > remaining) q = remaining;
    if (haircut != 0) {
      const most = mulDiv(<u64>limit, QTY_SCALE, haircut, false); // its budget bounds its loss
      if (q > most) q = most;
    }
    q = q / lot * lot;
    if (q == 0) continue;
    // The bankrupt side's proceeds are rounded down, its payment up.
    const n = <i64>mulDiv(q, price, QTY_SCALE, !long);
    const qi = <i64>q;
    if (long) {
      move(victim, market, -qi, n, 0);
      move(c, market, qi, -n, 0);
    } else {
      move(victim, market, qi, -n, 0);
      move(c, market, -qi, n, 0);
    }
    settle(c, market);
    remaining -= q;
  }
  settle(victim, market);
  return size - remaining;
}
