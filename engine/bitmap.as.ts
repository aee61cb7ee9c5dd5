// Which ticks of one book side hold orders: a 4-level tree of 256-bit words over the 32-bit
// tick space (level k holds bit (tick >> 8k) & 255 of word tick >> 8(k+1)), so the next
// occupied tick above or below any tick is found with at most 8 slot reads.
import { bitmapSlot } from "./state.as";
import { dirty } from "./store.as";

const LEVELS: u32 = 4;
const NONE: i64 = -1;

function wordIsZero(w: usize): bool {
  return (load<u64>(w) | load<u64>(w + 8) | load<u64>(w + 16) | load<u64>(w + 24)) == 0;
}

export function bitmapSet(market: u32, side: u32, tick: u32): void {
  let idx = tick;
  for (let k: u32 = 0; k < LEVELS; k++) {
    const w = bitmapSlot(market, side, k, idx >> 8);
    const was = wordIsZero(w);
    const b = idx & 255;
    const limb = w + (<usize>(b >> 6) << 3);
    store<u64>(limb, load<u64>(limb) | (<u64>1 << <u64>(b & 63)));
    dirty(w);
    if (!was) return;
    idx >>= 8;
  }
}

export function bitmapClear(market: u32, side: u32, tick: u32): void {
  let idx = tick;
  for (let k: u32 = 0; k < LEVELS; k++) {
    const w = bitmapSlot(market, side, k, idx >> 8);
    const b = idx & 255;
    const limb = w + (<usize>(b >> 6) << 3);
    store<u64>(limb, load<u64>(limb) & ~(<u64>1 << <u64>(b & 63)));
    dirty(w);
    if (!wordIsZero(w)) return;
    idx >>= 8;
  }
}

/** Lowest set bit >= from (0..255) of a word, or -1. */
function firstUp(w: usize, from: u32): i32 {
  for (let l = from >> 6; l < 4; l++) {
    let v = load<u64>(w + (<usize>l << 3));
    if (l == from >> 6) v &= ~<u64>0 << <u64>(from & 63);
    if (v != 0) return <i32>((l << 6) + <u32>ctz(v));
  }
  return -1;
}

/** Highest set bit <= from (0..255) of a word, or -1. */
function firstDown(w: usize, from: u32): i32 {
  for (let l = <i32>(from >> 6); l >= 0; l--) {
    let v = load<u64>(w + (<usize>l << 3));
    if (<u32>l == from >> 6 && (from & 63) != 63) v &= (<u64>1 << <u64>((from & 63) + 1)) - 1;
    if (v != 0) return (l << 6) + 63 - <i32>clz(v);
  }
  return -1;
}

/** Smallest occupied index >= idx at level k, or -1. */
function up(market: u32, side: u32, k: u32, idx: u64): i64 {
  if (idx >= (<u64>1 << <u64>(32 - 8 * k))) return NONE;
  const b = firstUp(bitmapSlot(market, side, k, <u32>(idx >> 8)), <u32>(idx & 255));
  if (b >= 0) return <i64>((idx & ~<u64>255) | <u64>b);
  if (k == LEVELS - 1) return NONE;
  const p = up(market, side, k + 1, (idx >> 8) + 1);
  if (p < 0) return NONE;
  const d = firstUp(bitmapSlot(market, side, k, <u32>p), 0);
  return (p << 8) | <i64>d;
}

/** Largest occupied index <= idx at level k, or -1. */
function down(market: u32, side: u32, k: u32, idx: u64): i64 {
  const b = firstDown(bitmapSlot(market, side, k, <u32>(idx >> 8)), <u32>(idx & 255));
  if (b >= 0) return <i64>((idx & ~<u64>255) | <u64>b);
  if (k == LEVELS - 1 || (idx >> 8) == 0) return NONE;
  const p = down(market, side, k + 1, (idx >> 8) - 1);
  if (p < 0) return NONE;
  const d = firstDown(bitmapSlot(market, side, k, <u32>p), 255);
  return (p << 8) | <i64>d;
}

/** Lowest occupied tick >= tick on a side, or 0 if none (tick 0 is never used). */
export function nextUp(market: u32, side: u32, tick: u32): u32 {
  const r = up(market, side, 0, tick);
  return r < 0 ? 0 : <u32>r;
}

/** Highest occupied tick <= tick on a side, or 0 if none. */
export function nextDown(market: u32, side: u32, tick: u32): u32 {
  const r = down(market, side, 0, tick);
  return r < 0 ? 0 : <u32>r;
}
