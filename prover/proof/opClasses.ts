/**
 * Operand classes of the flat numeric and memory opcodes, shared by the proof
 * generator and the reference verifier (both read the instruction word alone).
 */

/** Width in bytes of a load (0x28..0x35) or store (0x36..0x3e); 0 for the float ones. */
export const ACCESS_WIDTH: Record<number, number> = {
  40: 4,
  41: 8,
  44: 1,
  45: 1,
  46: 2,
  47: 2,
  48: 1,
  49: 1,
  50: 2,
  51: 2,
  52: 4,
  53: 4,
  54: 4,
  55: 8,
  58: 1,
  59: 2,
  60: 1,
  61: 2,
  62: 4,
};

export function isUnary(op: number): boolean {
  return (
    op === 0x45 ||
    op === 0x50 ||
    (op >= 0x67 && op <= 0x69) ||
    (op >= 0x79 && op <= 0x7b) ||
    op === 0xa7 ||
    op === 0xac ||
    op === 0xad ||
    (op >= 0xc0 && op <= 0xc4)
  );
}

export function isBinary(op: number): boolean {
  return (
    (op >= 0x46 && op <= 0x4f) ||
    (op >= 0x51 && op <= 0x5a) ||
    (op >= 0x6a && op <= 0x78) ||
    (op >= 0x7c && op <= 0x8a)
  );
}
