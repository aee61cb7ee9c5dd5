// One fill between a taker and a resting maker (docs/engine.md, "Trades and fees").
// notional = floor(qty * price / 1e8) moves from the buyer's quote balance to the seller's, so
// the quote balances of a market always sum to what was realized out of them; each side pays
// its fee ceil(notional * feePpm / 1e6) from collateral into the fee pool.
import { settleFunding } from "./funding.as";
import { holderAdd } from "./holders.as";
import { PPM, QTY_SCALE } from "./params.as";
import { accountSlot, positionSlot, totalsSlot } from "./state.as";
import { dirty } from "./store.as";
import { mulDiv } from "./wide.as";

/**
 * Realizes a flat position: its quote balance moves into collateral. Clears the account's
 * market bit once nothing (position or orders) is left in the market.
 */
export function settle(owner: u32, market: u32): void {
  const pos = positionSlot(owner, market);
  if (load<i64>(pos) != 0) return;
  const quote = load<i64>(pos + 8);
  const acct = accountSlot(owner);
  if (quote != 0) {
    store<i64>(acct, load<i64>(acct) + quote);
    store<i64>(pos + 8, 0);
    dirty(pos);
    dirty(acct);
  }
  if (load<u64>(pos + 16) == 0 && load<u64>(pos + 24) == 0) {
    store<u32>(acct + 8, load<u32>(acct + 8) & ~(<u32>1 << market));
    dirty(acct);
  }
}

/** Changes a position by (dBase, dQuote) and charges `fee` from collateral. */
export function move(owner: u32, market: u32, dBase: i64, dQuote: i64, fee: i64): void {
  settleFunding(owner, market);
  const pos = positionSlot(owner, market);
  const before = load<i64>(pos);
  const after = before + dBase;
  store<i64>(pos, after);
  store<i64>(pos + 8, load<i64>(pos + 8) + dQuote);
  dirty(pos);
  if (before == 0 && after != 0) holderAdd(market, owner);
  const acct = accountSlot(owner);
  store<i64>(acct, load<i64>(acct) - fee);
  store<u32>(acct + 8, load<u32>(acct + 8) | (<u32>1 << market));
  dirty(acct);
}

/** The last fill's notional and fees (unfill reverses exactly these). */
let lastNotional: i64 = 0;
let lastTakerFee: i64 = 0;
let lastMakerFee: i64 = 0;

/** Executes a fill of `qty` at `price`; `takerBuys` says which side the taker is on. */
export function fill(
  market: u32, taker: u32, maker: u32, takerBuys: bool, qty: u64, price: u64, makerFeePpm: u64, takerFeePpm: u64,
): void {
  const notional = mulDiv(qty, price, QTY_SCALE, false);
  const takerFee = <i64>mulDiv(notional, takerFeePpm, PPM, true);
  const makerFee = <i64>mulDiv(notional, makerFeePpm, PPM, true);
  const q = <i64>qty;
  const n = <i64>notional;
  lastNotional = n;
  lastTakerFee = takerFee;
  lastMakerFee = makerFee;
  if (takerBuys) {
    move(taker, market, q, -n, takerFee);
    move(maker, market, -q, n, makerFee);
  } else {
    move(taker, market, -q, n, takerFee);
    move(maker, market, q, -n, makerFee);
  }
  const totals = totalsSlot();
  store<i64>(totals, load<i64>(totals) + takerFee + makerFee);
  dirty(totals);
  settle(taker, market);
  settle(maker, market);
}

/**
 * Reverses the last fill (the maker failed its check at fill, docs/engine.md "Orders"): the
 * same base, quote and fees move back. A side that the fill had made flat was realized into
 * collateral; moving its base back leaves that part in collateral, which equity counts the same.
 */
export function unfill(market: u32, taker: u32, maker: u32, takerBuys: bool, qty: u64): void {
  const q = <i64>qty;
  const n = lastNotional;
  if (takerBuys) {
    move(taker, market, -q, n, -lastTakerFee);
    move(maker, market, q, -n, -lastMakerFee);
  } else {
    move(taker, market, q, -n, -lastTakerFee);
    move(maker, market, -q, n, -lastMakerFee);
  }
  const totals = totalsSlot();
  store<i64>(totals, load<i64>(totals) - lastTakerFee - lastMakerFee);
  dirty(totals);
  settle(taker, market);
  settle(maker, market);
}
