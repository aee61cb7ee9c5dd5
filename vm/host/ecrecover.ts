import { createRequire } from "node:module";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak256 } from "../../protocol/index.ts";

/** secp256k1's group order n: L1's precompile takes r and s in [1, n-1]. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Public-key recovery: the 65-byte uncompressed key, or undefined where recovery fails. */
type Recover = (hash: Uint8Array, rs: Uint8Array, recid: number) => Uint8Array | undefined;

/** @noble/curves: pure JavaScript, everywhere; the reference. */
const nobleRecover: Recover = (hash, rs, recid) => {
  try {
    const sig = secp256k1.Signature.fromCompact(rs).addRecoveryBit(recid);
    return sig.recoverPublicKey(hash).toBytes(false);
  } catch {
    return undefined;
  }
};

/**
 * libsecp256k1 (the library geth's precompile uses) through the `secp256k1`
 * package's prebuilt native addon: about 40x faster than @noble/curves here
 * (~60 us against ~2.5 ms per recovery on the 2-core box). Undefined where
 * the addon does not load (no prebuild for the platform); then noble serves.
 * OPTIO_ECRECOVER=noble forces the fallback.
 */
function loadNative(): Recover | undefined {
  if (process.env.OPTIO_ECRECOVER === "noble") return undefined;
  let lib: { ecdsaRecover(sig: Uint8Array, recid: number, msg: Uint8Array, compressed: boolean): Uint8Array };
  try {
    lib = createRequire(import.meta.url)("secp256k1/bindings");
  } catch {
    return undefined;
  }
  return (hash, rs, recid) => {
    try {
      return lib.ecdsaRecover(rs, recid, hash, false);
    } catch {
      return undefined;
    }
  };
}

const native = loadNative();

/** Which recovery backend `ecrecover` uses: "libsecp256k1" (native) or "noble". */
export const ECRECOVER_BACKEND: "libsecp256k1" | "noble" = native === undefined ? "noble" : "libsecp256k1";

/** N's 32 big-endian bytes, for comparing words without building BigInts (a recovery's checks were ~10% of its cost). */
const N_BYTES: Uint8Array = Uint8Array.from(Buffer.from(N.toString(16).padStart(64, "0"), "hex"));

/** The big-endian word at `bytes[at..at+32)` is in [1, n-1]. */
function inScalarRange(bytes: Uint8Array, at: number): boolean {
  let zero = true;
  for (let i = 0; i < 32; i++) {
    if (bytes[at + i] !== 0) {
      zero = false;
      break;
    }
  }
  if (zero) return false;
  for (let i = 0; i < 32; i++) {
    const b = bytes[at + i];
    if (b !== N_BYTES[i]) return b < N_BYTES[i];
  }
  return false; // equal to n
}

function precompile(input: Uint8Array, recover: Recover): Uint8Array | undefined {
  if (input.length !== 128) throw new RangeError(`ecrecover: expected 128 bytes, got ${input.length}`);
  for (let i = 32; i < 63; i++) if (input[i] !== 0) return undefined;
  const v = input[63];
  if (v !== 27 && v !== 28) return undefined;
  if (!inScalarRange(input, 64) || !inScalarRange(input, 96)) return undefined;
  const pub = recover(input.subarray(0, 32), input.subarray(64, 128), v - 27);
  if (pub === undefined) return undefined;
  const out = new Uint8Array(32);
  out.set(keccak256(pub.subarray(1)).subarray(12), 12);
  return out;
}

/**
 * L1's `ecrecover` precompile (address 0x01) on its 128-byte input
 * `hash || v || r || s`: the signer's address left-padded to 32 bytes, or
 * undefined where the precompile returns nothing. Exactly the precompile's rules:
 * v is the whole 32-byte word 27 or 28; r and s in [1, n-1]; a high s is
 * accepted (the low-s rule is for L1 transactions, not the precompile); the
 * hash is any 32 bytes (reduced mod n); recovery failing (r is not the x of a
 * curve point, or the result is the point at infinity) returns nothing.
 */
export function ecrecover(input: Uint8Array): Uint8Array | undefined {
  return precompile(input, native ?? nobleRecover);
}

/** `ecrecover` on @noble/curves whatever the platform: the reference the native backend is tested against. */
export function ecrecoverReference(input: Uint8Array): Uint8Array | undefined {
  return precompile(input, nobleRecover);
}
