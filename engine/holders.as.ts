// Each market's list of position holders (docs/engine.md, "Bad debt"): every account whose base
// is not zero there, doubly linked through their holder slots, newest first. Auto-deleveraging
// walks it to find the opposite positions to close against a bankrupt one. A trade that opens a
// position lists its account if it is not listed yet (one slot read when it is); closing does
// not unlist (that would cost three slot writes on every close of the trading path): the
// deleveraging walk unlinks the flat accounts it meets. So the list holds every holder, and
// possibly accounts that closed since the last walk.
import { holderSlot, holdersSlot } from "./state.as";
import { clear, dirty } from "./store.as";

/** Links account `id` at the head of `market`'s holders unless it is listed already. */
export function holderAdd(market: u32, id: u32): void {
  const node = holderSlot(market, id);
  if (load<u8>(node + 8) != 0) return;
  const list = holdersSlot(market);
  const head = load<u32>(list);
  store<u32>(node, 0);
  store<u32>(node + 4, head);
  store<u8>(node + 8, 1);
  dirty(node);
  if (head != 0) {
    const h = holderSlot(market, head);
    store<u32>(h, id);
    dirty(h);
  }
  store<u32>(list, id);
  store<u32>(list + 4, load<u32>(list + 4) + 1);
  dirty(list);
}

/** Unlinks account `id` from `market`'s holders. The caller knows it is listed. */
export function holderRemove(market: u32, id: u32): void {
  const node = holderSlot(market, id);
  const prev = load<u32>(node);
  const next = load<u32>(node + 4);
  clear(node);
  const list = holdersSlot(market);
  if (prev != 0) {
    const p = holderSlot(market, prev);
    store<u32>(p + 4, next);
    dirty(p);
  } else {
    store<u32>(list, next);
  }
  if (next != 0) {
    const n = holderSlot(market, next);
    store<u32>(n, prev);
    dirty(n);
  }
  store<u32>(list + 4, load<u32>(list + 4) - 1);
  dirty(list);
}

/** The first holder of `market` (0: none). */
export function firstHolder(market: u32): u32 {
  return load<u32>(holdersSlot(market));
}

/** The holder after `id` in `market`'s list (0: the end). */
export function nextHolder(market: u32, id: u32): u32 {
  return load<u32>(holderSlot(market, id) + 4);
}
