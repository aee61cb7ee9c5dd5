// Cross margin (docs/engine.md, "Margin"). An account's equity is its collateral plus, per
// market, quote + base * mark / 1e8 (longs rounded down, shorts' liability rounded up); its
// requirement is, per market, ceil(ceil(exposure * mark / 1e8) * fraction / 1e6) with the
// initial fraction on the worst case of its open orders, the maintenance fraction on its
// position alone. The initial requirement also counts the open loss of every resting order at
// its own price (an order priced worse than the mark loses the difference when it fills), and
// an option bid reserves its whole premium and fee. Every rounding makes the account look
// poorer: it favors the protocol.
import { openOrderAt } from "./book.as";
import { context, CTX_TIMESTAMP } from "./host.as";
import { OK, PRICE_MISSING, PRICE_STALE, BAD_AMOUNT, INSUFFICIENT_MARGIN } from "./outcome.as";
import { settleFunding } from "./funding.as";
import { markPrice, priceError } from "./price.as";
import { isOption, optionError, optionMark, payoff, settlementPrice } from "./option.as";
import { MAX_OPEN_ORDERS, PPM, QTY_SCALE } from "./params.as";
import { accountSlot, bookSlot, marketSlot, orderSlot, positionSlot, underlyingSlot } from "./state.as";
import { abs64, mulDiv, overflow } from "./wide.as";

export let equity: i64 = 0;
export let requirement: i64 = 0;

// The index and mark prices live in the price layer (price.as.ts); margin reads them.
export { markPrice, priceError };

/** Value of a position of `base` at `mark`: floor for longs, -ceil(|base| * mark) for shorts. */
export function positionValue(base: i64, mark: u64): i64 {
  if (base >= 0) return <i64>mulDiv(<u64>base, mark, QTY_SCALE, false);
  return -<i64>mulDiv(abs64(base), mark, QTY_SCALE, true);
}

/**
 * The initial-margin add-on of (id, market)'s resting orders: for each bid priced above
 * `bidRef`, ceil(qty * (price - bidRef) / 1e8), for each ask below `askRef`, ceil(qty * (askRef
 * - price) / 1e8): what filling it at its own price loses against the mark. With `premium` (an
 * option's bids) a bid counts its whole ceil(qty * price / 1e8) plus ceil(that * feePpm / 1e6)
 * instead: a long option pays its premium from free collateral. The book's best bid and ask
 * bound every resting order's price, so the walk over the account's orders is skipped when no
 * order on the book can lose (the usual case: bids below the mark, asks above it).
 */
function openOrderLoss(id: u32, m: u32, pos: usize, bidRef: u64, askRef: u64, premium: bool, feePpm: u64): i64 {
  const tickSize = load<u64>(marketSlot(m, 0));
  const book = bookSlot(m);
  const walkBids = load<u64>(pos + 16) != 0 && (premium || <u64>load<u32>(book) * tickSize > bidRef);
  const walkAsks = load<u64>(pos + 24) != 0 && <u64>load<u32>(book + 4) * tickSize < askRef;
  if (!walkBids && !walkAsks) return 0;
  let loss: u64 = 0;
  let paid: u64 = 0;
  // Stops once every open unit is seen (the open list fills from its first free entry).
  let unseen = load<u64>(pos + 16) + load<u64>(pos + 24);
  for (let i: u32 = 0; i < <u32>MAX_OPEN_ORDERS && unseen != 0; i++) {
    const oid = openOrderAt(id, m, i);
    if (oid == 0) continue;
    const o = orderSlot(m, oid);
    const ts = load<u32>(o + 4);
    const q = load<u64>(o + 8);
    unseen -= q;
    const price = <u64>(ts & 0x7fffffff) * tickSize;
    if (ts >> 31 == 0) {
      if (premium) paid += mulDiv(q, price, QTY_SCALE, true);
      else if (price > bidRef) loss += mulDiv(q, price - bidRef, QTY_SCALE, true);
    } else if (price < askRef) {
      loss += mulDiv(q, askRef - price, QTY_SCALE, true);
    }
  }
  if (premium) loss += paid + mulDiv(paid, feePpm, PPM, true);
  if (loss >> 62 != 0) return 0x4000000000000000; // absurd: larger than any equity, and the sum stays in i64
  return <i64>loss;
}

/**
 * Computes equity and requirement of account `id` (initial or maintenance). Returns OK, or
 * a price error, or BAD_AMOUNT if a figure does not fit in 63 bits.
 */
export function evaluate(id: u32, initial: bool): i32 {
  const acct = accountSlot(id);
  let eq = load<i64>(acct);
  let req: i64 = 0;
  let mask = load<u32>(acct + 8);
  while (mask != 0) {
    const m = <u32>ctz(mask);
    mask &= mask - 1;
    settleFunding(id, m);
    const pos = positionSlot(id, m);
    const base = load<i64>(pos);
    const quote = load<i64>(pos + 8);
    let exposure = abs64(base);
    if (initial) {
      const bid = abs64(base + <i64>load<u64>(pos + 16));
      const ask = abs64(base - <i64>load<u64>(pos + 24));
      exposure = bid > ask ? bid : ask;
    }
    if (base == 0 && exposure == 0) {
      eq += quote;
      continue;
    }
    const frac = <u64>load<u32>(marketSlot(m, 1) + (initial ? 0 : 4));
    if (isOption(m)) {
      // Options: valued at their mark; only short exposure carries a requirement, a fraction
      // of the underlying's notional (a long's worst case is the premium, already in equity).
      const settled = settlementPrice(m);
      if (settled != 0) {
        eq += quote + positionValue(base, payoff(m, settled));
        continue;
      }
      const spot = markPrice(m);
      if (spot == 0) return priceError;
      const mark = optionMark(m, spot, base < 0);
      if (optionError != OK) return optionError;
      eq += quote + positionValue(base, mark);
      const openAsk = <i64>load<u64>(pos + 24);
      const worstShort = initial ? openAsk - base : -base;
      if (worstShort > 0) req += <i64>mulDiv(mulDiv(<u64>worstShort, spot, QTY_SCALE, true), frac, PPM, true);
      if (initial && (load<u64>(pos + 16) | load<u64>(pos + 24)) != 0) {
        const shortMark = base < 0 ? mark : optionMark(m, spot, true);
        if (optionError != OK) return optionError;
        const fees = marketSlot(m, 1);
        const maker = <u64>load<u32>(fees + 8);
        const taker = <u64>load<u32>(fees + 12);
        req += openOrderLoss(id, m, pos, 0, shortMark, true, maker > taker ? maker : taker);
      }
      continue;
    }
    const mark = markPrice(m);
    if (mark == 0) return priceError;
    eq += quote + positionValue(base, mark);
    req += <i64>mulDiv(mulDiv(exposure, mark, QTY_SCALE, true), frac, PPM, true);
    if (initial && (load<u64>(pos + 16) | load<u64>(pos + 24)) != 0) req += openOrderLoss(id, m, pos, mark, mark, false, 0);
  }
  if (overflow) return BAD_AMOUNT;
  equity = eq;
  requirement = req;
  return OK;
}

/** OK if the account's equity covers its maintenance requirement, else the reason. */
export function checkMaintenance(id: u32): i32 {
  const r = evaluate(id, false);
  if (r != OK) return r;
  return equity >= requirement ? OK : INSUFFICIENT_MARGIN;
}

/** OK if the account's equity covers its initial requirement, else the reason. */
export function checkInitial(id: u32): i32 {
  const r = evaluate(id, true);
  if (r != OK) return r;
  return equity >= requirement ? OK : INSUFFICIENT_MARGIN;
}
