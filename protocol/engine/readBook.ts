/**
 * Reads an order book out of engine state without running the engine: the best levels of a
 * side (walking the tick bitmap as the engine does, engine/bitmap.as.ts) and the resting orders
 * of a level in time priority. `get` reads a state value by tree key (ZERO if absent), e.g. a
 * StateTree's or a StateOverlay's `get`.
 */
import { decodeBook, decodeLevel, decodeOrder, type RestingOrder } from "./decodeState.ts";
import { engineKeys } from "./stateKeys.ts";

export type StateGet = (key: Uint8Array) => Uint8Array;

export interface BookLevel {
  readonly tick: number;
  readonly totalQuantity: bigint;
  readonly orders: number;
}

const LEVELS = 4;

function wordBits(get: StateGet, market: number, side: number, level: number, word: number): bigint {
  const v = get(engineKeys.bitmap(market, side, level, word));
  let x = 0n;
  for (let i = 31; i >= 0; i--) x = (x << 8n) | BigInt(v[i]); // limbs little-endian: bit i is bit i of this integer
  return x;
}

/** Next occupied index at `level` strictly after (asks: above, bids: below) `idx`, or -1. */
function next(get: StateGet, market: number, side: number, level: number, idx: number, up: boolean): number {
  const word = Math.floor(idx / 256);
  const bits = wordBits(get, market, side, level, word);
  const b = idx % 256;
  if (up) {
    for (let i = b + 1; i < 256; i++) if ((bits >> BigInt(i)) & 1n) return word * 256 + i;
  } else {
    for (let i = b - 1; i >= 0; i--) if ((bits >> BigInt(i)) & 1n) return word * 256 + i;
  }
  if (level === LEVELS - 1) return -1;
  const parent = next(get, market, side, level + 1, word, up);
  if (parent < 0) return -1;
  const child = wordBits(get, market, side, level, parent);
  if (up) {
    for (let i = 0; i < 256; i++) if ((child >> BigInt(i)) & 1n) return parent * 256 + i;
  } else {
    for (let i = 255; i >= 0; i--) if ((child >> BigInt(i)) & 1n) return parent * 256 + i;
  }
  return -1;
}

/** The best `depth` levels of a side (0 bids, best first: highest bid, lowest ask). */
export function bookLevels(get: StateGet, market: number, side: 0 | 1, depth: number): BookLevel[] {
  const book = decodeBook(get(engineKeys.book(market)));
  let tick = side === 0 ? book.bestBidTick : book.bestAskTick;
  const out: BookLevel[] = [];
  while (tick !== 0 && out.length < depth) {
    const level = decodeLevel(get(engineKeys.level(market, side, tick)));
    let orders = 0;
    for (let id = level.head; id !== 0n; id = decodeOrder(get(engineKeys.order(market, id))).next) orders++;
    out.push({ tick, totalQuantity: level.totalQuantity, orders });
    const n = next(get, market, side, 0, tick, side === 1);
    tick = Math.max(n, 0); // 0: no further level
  }
  return out;
}

/** The resting orders of one level, oldest first, with their ids. */
export function levelOrders(
  get: StateGet,
  market: number,
  side: 0 | 1,
  tick: number,
): (RestingOrder & { readonly id: bigint })[] {
  const out: (RestingOrder & { readonly id: bigint })[] = [];
  for (let id = decodeLevel(get(engineKeys.level(market, side, tick))).head; id !== 0n; ) {
    const o = decodeOrder(get(engineKeys.order(market, id)));
    out.push({ ...o, id });
    id = o.next;
  }
  return out;
}
