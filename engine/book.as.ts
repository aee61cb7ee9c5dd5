// Resting orders: a FIFO queue per price level (linked through the orders' prev/next ids),
// the occupied-tick bitmap per side, the best bid and ask in the book slot, and each account's
// open-order list per market (for cancel-all). Side 0 = bids (buy), 1 = asks (sell).
import { bitmapClear, bitmapSet, nextDown, nextUp } from "./bitmap.as";
import { MAX_OPEN_ORDERS } from "./params.as";
import { accountSlot, bookSlot, levelSlot, openOrdersSlot, orderSlot, positionSlot } from "./state.as";
import { clear, dirty } from "./store.as";

const SELL_BIT: u32 = 0x80000000;

/** Adds order id to the account's open list; false if the list is full. */
function openListAdd(owner: u32, market: u32, id: u64): bool {
  for (let part: u32 = 0; part < <u32>MAX_OPEN_ORDERS / 4; part++) {
    const s = openOrdersSlot(owner, market, part);
    for (let i: usize = 0; i < 4; i++) {
      if (load<u64>(s + (i << 3)) == 0) {
        store<u64>(s + (i << 3), id);
        dirty(s);
        return true;
      }
    }
  }
  return false;
}

function openListRemove(owner: u32, market: u32, id: u64): void {
  for (let part: u32 = 0; part < <u32>MAX_OPEN_ORDERS / 4; part++) {
    const s = openOrdersSlot(owner, market, part);
    for (let i: usize = 0; i < 4; i++) {
      if (load<u64>(s + (i << 3)) == id) {
        store<u64>(s + (i << 3), 0);
        dirty(s);
        return;
      }
    }
  }
}

/** True if the account has room for one more resting order in the market. */
export function hasOpenRoom(owner: u32, market: u32): bool {
  for (let part: u32 = 0; part < <u32>MAX_OPEN_ORDERS / 4; part++) {
    const s = openOrdersSlot(owner, market, part);
    for (let i: usize = 0; i < 4; i++) if (load<u64>(s + (i << 3)) == 0) return true;
  }
  return false;
}

/** The order id in the account's open list at position i (0..MAX_OPEN_ORDERS-1), 0 if free. */
export function openOrderAt(owner: u32, market: u32, i: u32): u64 {
  return load<u64>(openOrdersSlot(owner, market, i >> 2) + (<usize>(i & 3) << 3));
}

/**
 * Removes every resting order of `owner` in `market` (cancel-all, liquidation, settlement). The
 * open list fills from its first free entry, so the walk stops at the first open-order slot
 * reached once the account's open quantity is zero.
 */
export function removeAllOrders(owner: u32, market: u32): void {
  const pos = positionSlot(owner, market);
  for (let part: u32 = 0; part < <u32>MAX_OPEN_ORDERS / 4; part++) {
    if ((load<u64>(pos + 16) | load<u64>(pos + 24)) == 0) return;
    const s = openOrdersSlot(owner, market, part);
    for (let i: usize = 0; i < 4; i++) {
      const id = load<u64>(s + (i << 3));
      if (id != 0) removeOrder(market, id, orderSlot(market, id));
    }
  }
}

/** Rests an order at the tail of its level. The caller checked hasOpenRoom. Returns its id. */
export function restOrder(market: u32, owner: u32, side: u32, tick: u32, qty: u64): u64 {
  const book = bookSlot(market);
  const id = load<u64>(book + 8) + 1;
  store<u64>(book + 8, id);
  dirty(book);
  openListAdd(owner, market, id);
  const level = levelSlot(market, side, tick);
  const tail = load<u64>(level + 8);
  const o = orderSlot(market, id);
  store<u32>(o, owner);
  store<u32>(o + 4, tick | (side == 1 ? SELL_BIT : 0));
  store<u64>(o + 8, qty);
  store<u64>(o + 16, tail);
  store<u64>(o + 24, 0);
  dirty(o);
  if (tail != 0) {
    const t = orderSlot(market, tail);
    store<u64>(t + 24, id);
    dirty(t);
  } else {
    store<u64>(level, id);
    bitmapSet(market, side, tick);
    const best = load<u32>(book + (side == 0 ? 0 : 4));
    if (best == 0 || (side == 0 ? tick > best : tick < best)) {
      store<u32>(book + (side == 0 ? 0 : 4), tick);
    }
  }
  store<u64>(level + 8, id);
  store<u64>(level + 16, load<u64>(level + 16) + qty);
  dirty(level);
  const pos = positionSlot(owner, market);
  store<u64>(pos + (side == 0 ? 16 : 24), load<u64>(pos + (side == 0 ? 16 : 24)) + qty);
  dirty(pos);
  const acct = accountSlot(owner);
  store<u32>(acct + 8, load<u32>(acct + 8) | (<u32>1 << market));
  dirty(acct);
  return id;
}

/** Reduces a resting order by `qty` (a fill); removes it when nothing is left. */
export function reduceOrder(market: u32, id: u64, o: usize, qty: u64): void {
  const owner = load<u32>(o);
  const ts = load<u32>(o + 4);
  const side: u32 = ts >> 31;
  const tick = ts & ~SELL_BIT;
  const left = load<u64>(o + 8) - qty;
  store<u64>(o + 8, left);
  dirty(o);
  const level = levelSlot(market, side, tick);
  store<u64>(level + 16, load<u64>(level + 16) - qty);
  dirty(level);
  const pos = positionSlot(owner, market);
  store<u64>(pos + (side == 0 ? 16 : 24), load<u64>(pos + (side == 0 ? 16 : 24)) - qty);
  dirty(pos);
  if (left == 0) unlink(market, id, o, owner, side, tick, level);
}

/** Removes a resting order entirely (cancel, self-trade prevention). */
export function removeOrder(market: u32, id: u64, o: usize): void {
  reduceOrder(market, id, o, load<u64>(o + 8));
}

function unlink(market: u32, id: u64, o: usize, owner: u32, side: u32, tick: u32, level: usize): void {
  const prev = load<u64>(o + 16);
  const next = load<u64>(o + 24);
  if (prev != 0) {
    const p = orderSlot(market, prev);
    store<u64>(p + 24, next);
    dirty(p);
  } else {
    store<u64>(level, next);
  }
  if (next != 0) {
    const n = orderSlot(market, next);
    store<u64>(n + 16, prev);
    dirty(n);
  } else {
    store<u64>(level + 8, prev);
  }
  dirty(level);
  clear(o);
  openListRemove(owner, market, id);
  if (load<u64>(level) == 0) {
    clear(level);
    bitmapClear(market, side, tick);
    const book = bookSlot(market);
    const off: usize = side == 0 ? 0 : 4;
    if (load<u32>(book + off) == tick) {
      store<u32>(book + off, side == 0 ? (tick > 1 ? nextDown(market, 0, tick - 1) : 0) : nextUp(market, 1, tick + 1));
      dirty(book);
    }
  }
}
