// Order placement, matching and cancels (docs/engine.md, "Orders"). Price-time priority:
// the best opposite level first, within a level the oldest order first. At most
// MAX_FILLS_PER_TX maker orders are touched per order (fills and self-trade cancels).
// Risk rules (docs/engine.md, "Orders"): a limit price must lie in the market's price band
// around the index (an option's: around its mark, the band a fraction of the underlying's
// index); a maker order is cancelled instead of filled when its price has left the band or
// when the fill would leave the maker below its maintenance requirement; a reduce-only order
// must leave its account above maintenance.
import { hasOpenRoom, reduceOrder, removeAllOrders, removeOrder, restOrder } from "./book.as";
import { checkInitial, checkMaintenance } from "./margin.as";
import { marketExists, marketUnderlying } from "./market.as";
import { isExpired, isOption, optionError, optionMark } from "./option.as";
import {
  FOK_NOT_FILLED, MARKET_EXPIRED, OK, ORDER_NOT_FOUND, POST_ONLY_WOULD_CROSS, PRICE_OFF_TICK, QUANTITY_OFF_LOT,
  QUANTITY_TOO_LARGE, REDUCE_ONLY_REJECTED, TOO_MANY_OPEN_ORDERS, UNKNOWN_MARKET, BAD_ENCODING, PRICE_OUT_OF_BAND,
  DUPLICATE_CLIENT_ID,
} from "./outcome.as";
import { MATCH_SLOT_RESERVE, MAX_FILLS_PER_TX, MAX_TICK, PPM } from "./params.as";
import { indexPrice, priceError } from "./price.as";
import { bookSlot, clientOrderSlot, levelSlot, marketSlot, orderSlot, positionSlot } from "./state.as";
import { dirty, slotsFree } from "./store.as";
import { settle, fill, unfill } from "./trade.as";
import { mulDiv } from "./wide.as";

export const TIF_GTC: u8 = 0;
export const TIF_IOC: u8 = 1;
export const TIF_FOK: u8 = 2;
export const TIF_POST_ONLY: u8 = 3;

/** Quantity filled by the last placeOrder, and the id it rested under (0 if none). */
export let filled: u64 = 0;
export let restedId: u64 = 0;

// Market lookups live in the market layer (market.as.ts).
export { marketExists };

/** The price band set by priceBand: prices in [bandLow, bandHigh] may trade. */
let bandLow: u64 = 0;
let bandHigh: u64 = 0;

/**
 * Sets the market's band around the underlying's index, not the perpetual's mark (index plus
 * the book's smoothed basis): the band is "around the index", and a band that followed
 * the mark would let quotes on the book move it. A perpetual's band is index +- floor(index *
 * band / 1e6); an option's is its mark (Black-Scholes at the index, rounded down) +-
 * floor(index * band / 1e6), at least 0. Returns OK or the price error.
 */
function priceBand(market: u32): i32 {
  const index = indexPrice(marketUnderlying(market));
  if (index == 0) return priceError;
  const width = mulDiv(index, <u64>load<u32>(marketSlot(market, 1) + 20), PPM, false);
  let center = index;
  if (isOption(market)) {
    center = optionMark(market, index, false);
    if (optionError != OK) return optionError;
  }
  bandLow = center > width ? center - width : 0;
  bandHigh = center + width; // both below 2^63 + 2^63: no wrap in u64
  return OK;
}

/**
 * Places an order of account `owner`. Returns OK or a rejection code; on a rejection the
 * caller discards every change.
 */
export function placeOrder(
  owner: u32, market: u32, side: u8, tif: u8, reduceOnly: bool, price: u64, qtyIn: u64,
): i32 {
  filled = 0;
  restedId = 0;
  if (side > 1 || tif > TIF_POST_ONLY) return BAD_ENCODING;
  if (!marketExists(market)) return UNKNOWN_MARKET;
  if (isOption(market) && isExpired(market)) return MARKET_EXPIRED;
  const mk = marketSlot(market, 0);
  const tickSize = load<u64>(mk);
  const lot = load<u64>(mk + 8);
  if (price == 0 || price % tickSize != 0 || price / tickSize > MAX_TICK) return PRICE_OFF_TICK;
  if (qtyIn == 0 || qtyIn % lot != 0) return QUANTITY_OFF_LOT;
  if (qtyIn > load<u64>(mk + 16)) return QUANTITY_TOO_LARGE;
  const tick = <u32>(price / tickSize);
  const rb = priceBand(market);
  if (rb != OK) return rb;
  if (price < bandLow || price > bandHigh) return PRICE_OUT_OF_BAND;
  const fees = marketSlot(market, 1);
  const makerFee = <u64>load<u32>(fees + 8);
  const takerFee = <u64>load<u32>(fees + 12);
  const buy = side == 0;
  let qty = qtyIn;
  if (reduceOnly) {
    // Reduce-only: only against an opposite position, clipped to it, never rests.
    const base = load<i64>(positionSlot(owner, market));
    if (buy ? base >= 0 : base <= 0) return REDUCE_ONLY_REJECTED;
    const max = <u64>(buy ? -base : base);
    if (qty > max) qty = max;
  }
  const book = bookSlot(market);
  const oppOff: usize = buy ? 4 : 0;
  const opp: u32 = buy ? 1 : 0;
  let best = load<u32>(book + oppOff);
  const crosses = best != 0 && (buy ? best <= tick : best >= tick);
  if (tif == TIF_POST_ONLY && crosses) return POST_ONLY_WOULD_CROSS;
  const mayRest = !reduceOnly && (tif == TIF_GTC || tif == TIF_POST_ONLY);
  if (mayRest && !hasOpenRoom(owner, market)) return TOO_MANY_OPEN_ORDERS;
  let remaining = qty;
  let touched = 0;
  while (remaining > 0 && touched < MAX_FILLS_PER_TX && slotsFree() >= MATCH_SLOT_RESERVE) {
    best = load<u32>(book + oppOff);
    if (best == 0 || (buy ? best > tick : best < tick)) break;
    const level = levelSlot(market, opp, best);
    const mid = load<u64>(level);
    const o = orderSlot(market, mid);
    touched++;
    const maker = load<u32>(o);
    if (maker == owner) {
      // Self-trade prevention: the resting order is cancelled, the taker goes on.
      removeOrder(market, mid, o);
      settle(owner, market);
      continue;
    }
    const makerPrice = <u64>best * tickSize;
    if (makerPrice < bandLow || makerPrice > bandHigh) {
      // The index moved away from a resting order: it is cancelled, not filled.
      removeOrder(market, mid, o);
      settle(maker, market);
      continue;
    }
    const avail = load<u64>(o + 8);
    const f = remaining < avail ? remaining : avail;
    reduceOrder(market, mid, o, f);
    fill(market, owner, maker, buy, f, makerPrice, makerFee, takerFee);
    // The maker is checked at fill: a fill that would leave it below maintenance is undone and
    // the rest of its order cancelled (its orders were checked at older prices). Maintenance,
    // not initial: the fill of an order counted in the initial check changes equity minus that
    // requirement only by the fee, and a solvent maker must stay fillable.
    if (checkMaintenance(maker) != OK) {
      unfill(market, owner, maker, buy, f);
      if (avail > f) removeOrder(market, mid, o);
      settle(maker, market);
      continue;
    }
    remaining -= f;
    filled += f;
  }
  if (remaining > 0) {
    if (tif == TIF_FOK) return FOK_NOT_FILLED;
    best = load<u32>(book + oppOff);
    const stillCrosses = best != 0 && (buy ? best <= tick : best >= tick);
    // A remainder rests only if it would not cross (the fill bound may stop matching early).
    if (mayRest && !stillCrosses) restedId = restOrder(market, owner, buy ? 0 : 1, tick, remaining);
  }
  // A reduce-only order only lowers the requirement, but its price may realize a loss: it must
  // leave the account above maintenance (so it can neither go negative nor escape liquidation).
  if (reduceOnly) return checkMaintenance(owner);
  return checkInitial(owner);
}

/** Cancels one resting order of `owner`. */
export function cancelOrder(owner: u32, market: u32, id: u64): i32 {
  if (!marketExists(market)) return UNKNOWN_MARKET;
  if (id == 0) return ORDER_NOT_FOUND;
  const o = orderSlot(market, id);
  if (load<u64>(o + 8) == 0 || load<u32>(o) != owner) return ORDER_NOT_FOUND;
  removeOrder(market, id, o);
  settle(owner, market);
  return OK;
}

/** Cancels every resting order of `owner` in `market`. */
export function cancelAll(owner: u32, market: u32): i32 {
  if (!marketExists(market)) return UNKNOWN_MARKET;
  removeAllOrders(owner, market);
  settle(owner, market);
  return OK;
}

/** The live order of `owner` a client order id names, 0 if none (filled, cancelled, never). */
function clientOrder(owner: u32, market: u32, high: u64, low: u64): u64 {
  const id = load<u64>(clientOrderSlot(owner, market, high, low));
  if (id == 0) return 0;
  const o = orderSlot(market, id);
  return load<u64>(o + 8) != 0 && load<u32>(o) == owner ? id : 0;
}

/**
 * ORDER_CID: placeOrder with a client order id, unique among the account's live orders in the
 * market (DUPLICATE_CLIENT_ID); if the order rests, the id names it for CANCEL_CID.
 */
export function placeOrderCid(
  owner: u32, market: u32, side: u8, tif: u8, reduceOnly: bool, price: u64, qty: u64, high: u64, low: u64,
): i32 {
  if (!marketExists(market)) return UNKNOWN_MARKET;
  if (clientOrder(owner, market, high, low) != 0) return DUPLICATE_CLIENT_ID;
  const r = placeOrder(owner, market, side, tif, reduceOnly, price, qty);
  if (r == OK && restedId != 0) {
    const s = clientOrderSlot(owner, market, high, low);
    store<u64>(s, restedId);
    dirty(s);
  }
  return r;
}

/** CANCEL_CID: cancels the live order of `owner` with this client order id. */
export function cancelOrderCid(owner: u32, market: u32, high: u64, low: u64): i32 {
  if (!marketExists(market)) return UNKNOWN_MARKET;
  const id = clientOrder(owner, market, high, low);
  if (id == 0) return ORDER_NOT_FOUND;
  return cancelOrder(owner, market, id);
}
