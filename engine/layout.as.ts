// Static memory layout. Every region sits past the module's own data at aligned offsets the
// host interface requires. A transaction runs on a fresh instance, so all of it starts zeroed.

export const BASE: usize = (__heap_base + 127) & ~(<usize>127);
/** The transaction bytes, read in 32-byte words (32-aligned). */
export const INPUT: usize = BASE;
/** ecrecover's hash || v || r || s (128-aligned). */
export const ECBUF: usize = INPUT + 1024;
/** EIP-712 struct encoding: type hash then one word per field (32-aligned). */
export const HBUF: usize = ECBUF + 128;
/** 0x1901 || domain separator || struct hash, and the domain encoding. */
export const DBUF: usize = HBUF + 1024;
/** 0x03 || logical key, hashed into a tree key. */
export const KBUF: usize = DBUF + 512;
/** A scratch logical key under construction. */
export const LKEY: usize = KBUF + 64;
/** Outbox leaf preimage. */
export const OBUF: usize = LKEY + 64;
/** Recovered signer (20 bytes at offset 0), copied from the input. */
export const SIGNER: usize = OBUF + 128;
/** Hash buckets of the slot cache (a power of two): u16 entry number + 1, 0 = empty. */
export const CACHE_BUCKETS: i32 = 2048;
/** Most slots one transaction touches (the fill bound keeps an order near 300). */
export const CACHE_CAP: i32 = 1024;
/** Slot cache entries, allocated densely in first-touch order so that a transaction dirties
 *  few memory chunks (the fast runner copies dirty chunks back between transactions):
 *  tree key || value per entry (64-aligned: state_read/state_write operate in place). */
export const CACHE_KV: usize = SIGNER + 128;
/** Logical key per entry. */
export const CACHE_LK: usize = CACHE_KV + <usize>CACHE_CAP * 64;
/** Per entry: u8 1 read, 2 dirty; u8 pad; u16 its bucket. */
export const CACHE_FLAG: usize = CACHE_LK + <usize>CACHE_CAP * 32;
/** The buckets. */
export const CACHE_INDEX: usize = CACHE_FLAG + <usize>CACHE_CAP * 4;
export const LAYOUT_END: usize = CACHE_INDEX + <usize>CACHE_BUCKETS * 2;
