import {
  GAS_BASE,
  GAS_BR_TABLE,
  GAS_BRANCH,
  GAS_CALL,
  GAS_CALL_INDIRECT,
  GAS_DIV,
  GAS_ENTER,
  GAS_ENTER_PER_LOCAL,
  GAS_HOST_CALL,
  GAS_MEMORY,
  GAS_MEMORY_GROW,
  GAS_MUL,
} from "./params.ts";

/**
 * The flat instruction set: what the interpreter steps and the one-step prover
 * will execute, one instruction per step. Data and numeric instructions keep
 * their WebAssembly opcode and meaning; structured control is gone (block,
 * loop, if, else, end, nop never appear) and these control instructions
 * replace it. Immediates a, b, c are 32-bit; docs/machine.md has the table.
 */
export const Op = {
  /** Trap "unreachable". */
  UNREACHABLE: 0x00,
  /** Function prologue. a = parameter count, b = declared locals to zero, c = most operands the body holds. */
  ENTER: 0x01,
  /** Pop an i32; if it is zero jump to a (the `if` of structured code). */
  BR_UNLESS: 0x04,
  /** Jump to a, keeping the top b values and dropping the c values below them. */
  BR: 0x0c,
  /** Pop an i32; if it is not zero, do BR. */
  BR_IF: 0x0d,
  /** Pop an i32 i; jump to pc + 1 + min(i, a) (unsigned); the a + 1 entries that follow are BR or RETURN. */
  BR_TABLE: 0x0e,
  /** Leave the function with its a results: they move to the frame base, the caller resumes. */
  RETURN: 0x0f,
  /** Call the function whose ENTER is at a (b = its function index). */
  CALL: 0x10,
  /** Pop an i32 table index; call that table entry if its signature id is a (b = table, always 0). */
  CALL_INDIRECT: 0x11,
  /** Call imported (host) function a. */
  CALL_HOST: 0x12,
  /** Conformance testing only: the body of an out-of-profile function; traps "out of profile". a = function index. */
  STUB: 0xff,
} as const;

/** Mnemonics of the flat control instructions (the rest use their WebAssembly names). */
export const FLAT_CONTROL_NAMES: ReadonlyMap<number, string> = new Map([
  [Op.UNREACHABLE, "unreachable"],
  [Op.ENTER, "enter"],
  [Op.BR_UNLESS, "br_unless"],
  [Op.BR, "br"],
  [Op.BR_IF, "br_if"],
  [Op.BR_TABLE, "br_table"],
  [Op.RETURN, "return"],
  [Op.CALL, "call"],
  [Op.CALL_INDIRECT, "call_indirect"],
  [Op.CALL_HOST, "call_host"],
  [Op.STUB, "stub"],
]);

/** Gas of one flat instruction (params.ts has the units); `b` matters only for ENTER. */
export function gasCost(op: number, b: number): number {
  switch (op) {
    case Op.ENTER:
      return GAS_ENTER + GAS_ENTER_PER_LOCAL * b;
    case Op.BR_UNLESS:
    case Op.BR:
    case Op.BR_IF:
      return GAS_BRANCH;
    case Op.BR_TABLE:
      return GAS_BR_TABLE;
    case Op.RETURN:
      return 0; // paid by GAS_CALL
    case Op.CALL:
      return GAS_CALL;
    case Op.CALL_INDIRECT:
      return GAS_CALL_INDIRECT + GAS_CALL;
    case Op.CALL_HOST:
      return GAS_HOST_CALL;
    case 0x6c: // i32.mul
    case 0x7e: // i64.mul
      return GAS_MUL;
    case 0x6d: // i32.div_s .. i32.rem_u
    case 0x6e:
    case 0x6f:
    case 0x70:
    case 0x7f: // i64.div_s .. i64.rem_u
    case 0x80:
    case 0x81:
    case 0x82:
      return GAS_DIV;
    case 0x40: // memory.grow
      return GAS_MEMORY_GROW;
    default:
      return op >= 0x28 && op <= 0x3e ? GAS_MEMORY : GAS_BASE;
  }
}
