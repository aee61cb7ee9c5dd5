import { InvalidProofError, ProofFault } from "./InvalidProofError.ts";

/**
 * The reference one-step verifier's integer arithmetic (the family contracts/osp/OneStepProverMath.sol
 * holds): unary and binary numeric instructions on 64-bit slots as BigInt, a trap as its code. Split from
 * verifyStep.ts, which decodes the step and recomputes the hashes around these.
 */

const U32 = 0xffff_ffffn;
const U64 = 0xffff_ffff_ffff_ffffn;
/** Trap codes (docs/machine.md, "Traps") the arithmetic can raise. */
const T_DIVIDE_BY_ZERO = 1;
const T_OVERFLOW = 2;

const s32 = (x: bigint) => BigInt.asIntN(32, x & U32);
const s64 = (x: bigint) => BigInt.asIntN(64, x);
const bool = (c: boolean) => (c ? 1n : 0n);

function clz(x: bigint, bits: bigint): bigint {
  let n = 0n;
  for (let b = bits - 1n; b >= 0n && ((x >> b) & 1n) === 0n; b--) n++;
  return n;
}

function ctz(x: bigint, bits: bigint): bigint {
  let n = 0n;
  for (let b = 0n; b < bits && ((x >> b) & 1n) === 0n; b++) n++;
  return n;
}

function popcnt(x: bigint): bigint {
  let n = 0n;
  for (let y = x; y !== 0n; y >>= 1n) n += y & 1n;
  return n;
}

/** A unary numeric instruction: the result slot. */
export function unary(op: number, x: bigint): bigint {
  const u = x & U32;
  switch (op) {
    case 0x45:
      return bool(u === 0n);
    case 0x50:
      return bool(x === 0n);
    case 0x67:
      return clz(u, 32n);
    case 0x68:
      return ctz(u, 32n);
    case 0x69:
      return popcnt(u);
    case 0x79:
      return clz(x, 64n);
    case 0x7a:
      return ctz(x, 64n);
    case 0x7b:
      return popcnt(x);
    case 0xa7: // i32.wrap_i64
      return u;
    case 0xac: // i64.extend_i32_s
      return s32(u) & U64;
    case 0xad: // i64.extend_i32_u
      return u;
    case 0xc0:
      return BigInt.asIntN(8, u) & U32;
    case 0xc1:
      return BigInt.asIntN(16, u) & U32;
    case 0xc2:
      return BigInt.asIntN(8, x) & U64;
    case 0xc3:
      return BigInt.asIntN(16, x) & U64;
    case 0xc4:
      return BigInt.asIntN(32, x) & U64;
  }
  throw new InvalidProofError(ProofFault.UNKNOWN_INSTRUCTION, `0x${op.toString(16)}`);
}

/** A binary numeric instruction: the result slot, or a trap code (as a number). */
export function binary(op: number, x: bigint, y: bigint): bigint | number {
  if (op <= 0x4f) {
    const a = x & U32;
    const b = y & U32;
    const [sa, sb] = [s32(a), s32(b)];
    return bool(
      [a === b, a !== b, sa < sb, a < b, sa > sb, a > b, sa <= sb, a <= b, sa >= sb, a >= b][op - 0x46],
    );
  }
  if (op <= 0x5a) {
    const [sa, sb] = [s64(x), s64(y)];
    return bool(
      [x === y, x !== y, sa < sb, x < y, sa > sb, x > y, sa <= sb, x <= y, sa >= sb, x >= y][op - 0x51],
    );
  }
  const wide = op >= 0x7c;
  const bits = wide ? 64n : 32n;
  const mask = wide ? U64 : U32;
  const a = x & mask;
  const b = y & mask;
  const signed = (v: bigint) => (wide ? s64(v) : s32(v));
  const k = b % bits;
  switch (wide ? op - 0x12 : op) {
    case 0x6a:
      return (a + b) & mask;
    case 0x6b:
      return (a - b) & mask;
    case 0x6c:
      return (a * b) & mask;
    case 0x6d: // div_s
      if (b === 0n) return T_DIVIDE_BY_ZERO;
      if (signed(a) === -(1n << (bits - 1n)) && signed(b) === -1n) return T_OVERFLOW;
      return (signed(a) / signed(b)) & mask;
    case 0x6e:
      if (b === 0n) return T_DIVIDE_BY_ZERO;
      return a / b;
    case 0x6f: // rem_s: the sign of the dividend, as BigInt's %
      if (b === 0n) return T_DIVIDE_BY_ZERO;
      return (signed(a) % signed(b)) & mask;
    case 0x70:
      if (b === 0n) return T_DIVIDE_BY_ZERO;
      return a % b;
    case 0x71:
      return a & b;
    case 0x72:
      return a | b;
    case 0x73:
      return a ^ b;
    case 0x74:
      return (a << k) & mask;
    case 0x75:
      return (signed(a) >> k) & mask;
    case 0x76:
      return a >> k;
    case 0x77:
      return ((a << k) | (a >> ((bits - k) % bits))) & mask;
    case 0x78:
      return ((a >> k) | (a << ((bits - k) % bits))) & mask;
  }
  throw new InvalidProofError(ProofFault.UNKNOWN_INSTRUCTION, `0x${op.toString(16)}`);
}
