// The slot cache: every state slot a transaction touches is read once from the host into
// this table, changed in memory, and written back once by commit(). It makes rejections
// cheap (discard() forgets every change) and turns repeated writes of a slot into one
// state_write (1,000 gas each).
import { keccak, stateRead, stateWrite } from "./host.as";
import { CACHE_BUCKETS, CACHE_CAP, CACHE_FLAG, CACHE_INDEX, CACHE_KV, CACHE_LK, KBUF, LKEY } from "./layout.as";

let usedCount: i32 = 0;

/** Starts a logical key in LKEY: tag, x, and zero payload. */
export function key(tag: u8, x: u32, a: u64, b: u64, c: u64): usize {
  store<u32>(LKEY, <u32>tag);
  store<u32>(LKEY + 4, x);
  store<u64>(LKEY + 8, a);
  store<u64>(LKEY + 16, b);
  store<u64>(LKEY + 24, c);
  return slot();
}

/** Logical key whose payload is a 20-byte address at `addr` plus one extra byte. */
export function addrKey(tag: u8, addr: usize, extra: u8): usize {
  store<u32>(LKEY, <u32>tag);
  store<u32>(LKEY + 4, 0);
  store<u64>(LKEY + 8, load<u64>(addr));
  store<u64>(LKEY + 16, load<u64>(addr + 8));
  store<u64>(LKEY + 24, <u64>load<u32>(addr + 16) | (<u64>extra << 32));
  return slot();
}

/** The value (32 bytes) of the logical key in LKEY, loaded on first touch. */
function slot(): usize {
  const k0 = load<u64>(LKEY), k1 = load<u64>(LKEY + 8), k2 = load<u64>(LKEY + 16), k3 = load<u64>(LKEY + 24);
  let h = (k0 ^ (k1 * 0x9e3779b97f4a7c15) ^ (k2 * 0xc2b2ae3d27d4eb4f) ^ (k3 * 0x165667b19e3779f9));
  h ^= h >> 29;
  let b = <i32>(h & <u64>(CACHE_BUCKETS - 1));
  while (true) {
    const e = <i32>load<u16>(CACHE_INDEX + (<usize>b << 1));
    if (e == 0) break;
    const lk = CACHE_LK + (<usize>(e - 1) << 5);
    if (load<u64>(lk) == k0 && load<u64>(lk + 8) == k1 && load<u64>(lk + 16) == k2 && load<u64>(lk + 24) == k3) {
      return CACHE_KV + (<usize>(e - 1) << 6) + 32;
    }
    b = (b + 1) & (CACHE_BUCKETS - 1);
  }
  if (usedCount >= CACHE_CAP) unreachable(); // bounded by MAX_FILLS_PER_TX; a bug if reached
  const i = usedCount++;
  store<u16>(CACHE_INDEX + (<usize>b << 1), <u16>(i + 1));
  const lk = CACHE_LK + (<usize>i << 5);
  store<u64>(lk, k0);
  store<u64>(lk + 8, k1);
  store<u64>(lk + 16, k2);
  store<u64>(lk + 24, k3);
  store<u8>(KBUF, 0x03);
  store<u64>(KBUF + 1, k0);
  store<u64>(KBUF + 9, k1);
  store<u64>(KBUF + 17, k2);
  store<u64>(KBUF + 25, k3);
  const kv = CACHE_KV + (<usize>i << 6);
  keccak(KBUF, 33, kv);
  // A discarded transaction part may have left a value here: the host overwrites all 32 bytes.
  stateRead(kv);
  const f = CACHE_FLAG + (<usize>i << 2);
  store<u8>(f, 1);
  store<u16>(f + 2, <u16>b);
  return kv + 32;
}

/** Slots the cache can still take in this transaction (work that depends on data stops early by it). */
export function slotsFree(): i32 {
  return CACHE_CAP - usedCount;
}

/** Marks the slot whose value is at `v` as changed. */
export function dirty(v: usize): void {
  const i = <i32>((v - 32 - CACHE_KV) >> 6);
  store<u8>(CACHE_FLAG + (<usize>i << 2), 2);
}

/** Zeroes a value (deleting its slot on commit) and marks it changed. */
export function clear(v: usize): void {
  store<u64>(v, 0);
  store<u64>(v + 8, 0);
  store<u64>(v + 16, 0);
  store<u64>(v + 24, 0);
  dirty(v);
}

/** Forgets every cached slot and change: the state is as the host holds it. */
export function discard(): void {
  for (let i = 0; i < usedCount; i++) {
    const b = <usize>load<u16>(CACHE_FLAG + (<usize>i << 2) + 2);
    store<u16>(CACHE_INDEX + (b << 1), 0);
  }
  usedCount = 0;
}

/** Writes every changed slot to the host, in first-touch order. */
export function commit(): void {
  for (let i = 0; i < usedCount; i++) {
    if (load<u8>(CACHE_FLAG + (<usize>i << 2)) == 2) stateWrite(CACHE_KV + (<usize>i << 6));
  }
}
