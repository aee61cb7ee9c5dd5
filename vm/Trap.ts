/**
 * Why a run stopped early. The first eight are the WebAssembly spec's trap
 * messages (and what the conformance tests expect); V8 raises the same traps.
 * Traps are results, not exceptions: an interpreter run returns one as data.
 */
export const TRAPS = [
  "unreachable",
  "integer divide by zero",
  "integer overflow",
  "out of bounds memory access",
  "undefined element",
  "uninitialized element",
  "indirect call type mismatch",
  "call stack exhausted",
  "out of gas",
  /** A host function refused (bad arguments, or the host's own failure). */
  "host trap",
  /** Conformance testing only: a call reached a function stubbed out as out of profile. */
  "out of profile",
  /** Instantiation: an element or data segment does not fit its table or memory. */
  "out of bounds table access",
  /** The engine called optio.revert: the transaction ends reverted, with the code as its reason. */
  "revert",
] as const;

export type Trap = (typeof TRAPS)[number];

/** Numeric trap codes used inside the interpreter (index into TRAPS). */
export const TrapCode = {
  UNREACHABLE: 0,
  DIVIDE_BY_ZERO: 1,
  INTEGER_OVERFLOW: 2,
  OUT_OF_BOUNDS: 3,
  UNDEFINED_ELEMENT: 4,
  UNINITIALIZED_ELEMENT: 5,
  SIGNATURE_MISMATCH: 6,
  STACK_EXHAUSTED: 7,
  OUT_OF_GAS: 8,
  HOST: 9,
  OUT_OF_PROFILE: 10,
  TABLE_OUT_OF_BOUNDS: 11,
  REVERT: 12,
} as const;
