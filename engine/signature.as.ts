// EIP-712 signature check of a signed transaction (docs/engine.md, "Signatures"):
// digest = keccak(0x1901 || domainSeparator || structHash), the signer recovered with the
// host's ecrecover (L1's precompile) must equal the signer field of the envelope.
import { ecrecover, keccak } from "./host.as";
import { at, u8At } from "./input.as";
import { DBUF, ECBUF, HBUF } from "./layout.as";
import { DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH } from "./typeHashes.as";

/** Offsets in a signed envelope: type (1) || signer (20) || nonce (8) || body || r || s || v. */
export const SIGNER_OFF: i32 = 1;
export const NONCE_OFF: i32 = 21;
export const BODY_OFF: i32 = 29;
/** Envelope bytes besides the body. */
export const ENVELOPE_BYTES: i32 = 29 + 65;

function copy32(dst: usize, src: usize): void {
  store<u64>(dst, load<u64>(src));
  store<u64>(dst + 8, load<u64>(src + 8));
  store<u64>(dst + 16, load<u64>(src + 16));
  store<u64>(dst + 24, load<u64>(src + 24));
}

function zero32(dst: usize): void {
  store<u64>(dst, 0);
  store<u64>(dst + 8, 0);
  store<u64>(dst + 16, 0);
  store<u64>(dst + 24, 0);
}

/** A field of `width` bytes at input offset `off`, as a right-aligned 32-byte word at `dst`. */
function word(dst: usize, off: i32, width: i32): void {
  zero32(dst);
  for (let i = 0; i < width; i++) store<u8>(dst + 32 - <usize>width + <usize>i, u8At(off + i));
}

/**
 * True if the envelope's signature over its EIP-712 digest recovers to its signer field.
 * `typeHash` and `fields` (body field widths) come from typeHashes.as.ts.
 */
export function verifySignature(typeHash: StaticArray<u8>, fields: StaticArray<u8>, chainId: u64, sigOff: i32): bool {
  // structHash = keccak(typeHash || nonce word || one word per body field)
  copy32(HBUF, changetype<usize>(typeHash));
  word(HBUF + 32, NONCE_OFF, 8);
  let off = BODY_OFF;
  const n = fields.length;
  for (let i = 0; i < n; i++) {
    const w = <i32>unchecked(fields[i]);
    word(HBUF + 64 + (<usize>i << 5), off, w);
    off += w;
  }
  keccak(HBUF, (2 + n) << 5, DBUF + 64);
  // domainSeparator = keccak(domainTypeHash || keccak("Optio") || keccak("1") || chainId)
  const dom = DBUF + 128;
  copy32(dom, changetype<usize>(DOMAIN_TYPEHASH));
  copy32(dom + 32, changetype<usize>(NAME_HASH));
  copy32(dom + 64, changetype<usize>(VERSION_HASH));
  zero32(dom + 96);
  store<u64>(dom + 120, bswap<u64>(chainId));
  keccak(dom, 128, DBUF + 96);
  // 0x19 0x01 || domainSeparator || structHash, laid out at DBUF (66 bytes)
  const structHash = DBUF + 192 + 64; // keep a copy out of the way of the layout below
  copy32(structHash, DBUF + 64);
  const sep = DBUF + 192 + 96;
  copy32(sep, DBUF + 96);
  store<u8>(DBUF, 0x19);
  store<u8>(DBUF + 1, 0x01);
  for (let i: usize = 0; i < 32; i++) store<u8>(DBUF + 2 + i, load<u8>(sep + i));
  for (let i: usize = 0; i < 32; i++) store<u8>(DBUF + 34 + i, load<u8>(structHash + i));
  keccak(DBUF, 66, ECBUF);
  // ecrecover input: hash || v || r || s
  const v = u8At(sigOff + 64);
  zero32(ECBUF + 32);
  store<u8>(ECBUF + 63, v);
  copy32(ECBUF + 64, at(sigOff));
  copy32(ECBUF + 96, at(sigOff + 32));
  if (ecrecover(ECBUF) != 1) return false;
  const signer = at(SIGNER_OFF);
  for (let i: usize = 0; i < 20; i++) if (load<u8>(ECBUF + 12 + i) != load<u8>(signer + i)) return false;
  return true;
}
