/**
 * Machine parameters: limits and the gas schedule. Every party must use the
 * same values (they change results), so they live here and nowhere else, and
 * docs/machine.md lists them. Gas is charged per basic block of the flat code
 * (see lower.ts): a block costs the sum of `gasCost` over its instructions.
 */

// ---------------------------------------------------------------- limits

/** Largest linear memory, in 64 KiB pages (16 MiB): bounds the memory Merkle tree to 2^19 leaves of 32 bytes. */
export const MAX_MEMORY_PAGES = 256;
/** Most globals of one module: bounds the globals Merkle tree to 2^16 leaves (docs/machine.md, "Machine state hash"). */
export const MAX_GLOBALS = 65_536;
/** Largest funcref table, in entries. */
export const MAX_TABLE_SIZE = 65_536;
/** Most functions (imported + defined) in one module. */
export const MAX_FUNCTIONS = 65_536;
/** Most locals (parameters included) of one function; V8 allows 50,000 too. */
export const MAX_LOCALS = 50_000;
/** Most parameters or results of one function type; V8's limit is 1,000. */
export const MAX_TYPE_ARITY = 1_000;
/** Most instructions in the lowered (flat) code of a module. */
export const MAX_CODE_LENGTH = 1 << 22;
/**
 * Deepest value stack, in values: the sum over active frames of each frame's
 * reservation (parameters + declared locals + the most operands its body holds,
 * fixed at load time), so the JIT runner can count it the same way.
 */
export const MAX_VALUE_STACK = 1 << 16;
/** Deepest call stack, in frames; one more call traps with "call stack exhausted". */
export const MAX_CALL_DEPTH = 2_048;

// ---------------------------------------------------------------- gas (unit: gas)

/** Constants, locals, globals, integer add/sub/logic/compare/shift, drop, select, sign extension. */
export const GAS_BASE = 1;
/** Integer multiplication (i32.mul, i64.mul). */
export const GAS_MUL = 3;
/** Integer division and remainder, signed and unsigned. */
export const GAS_DIV = 10;
/** One load or store of any width. */
export const GAS_MEMORY = 3;
/** memory.grow, whatever the delta: the page limit bounds total growth. */
export const GAS_MEMORY_GROW = 1_000;
/** br, br_if, br_unless. */
export const GAS_BRANCH = 1;
/** br_table: the dispatch and the entry's jump (entries cost nothing themselves, so the JIT can charge up front). */
export const GAS_BR_TABLE = 3;
/**
 * call: push a frame, and the callee's eventual return (return costs nothing
 * itself: a conditional return's target is then never a charge point, which the
 * JIT could not express).
 */
export const GAS_CALL = 7;
/** call_indirect: table read and signature check, charged on top of GAS_CALL. */
export const GAS_CALL_INDIRECT = 5;
/** A call to an imported (host) function, before any cost the host adds. */
export const GAS_HOST_CALL = 100;
/** enter (function prologue): fixed part. */
export const GAS_ENTER = 2;
/** enter: per declared (non-parameter) local zeroed. */
export const GAS_ENTER_PER_LOCAL = 1;

// ---------------------------------------------------------------- host interface (docs/machine.md, "Host interface")

/** input_read: copy one 32-byte word of the input (unit: gas, on top of GAS_HOST_CALL). */
export const GAS_INPUT_READ = 10;
/** state_read: one state-tree read (a proof of up to ~21 hashes for the prover). */
export const GAS_STATE_READ = 200;
/** state_write: one state-tree write (the root after it is recomputed). */
export const GAS_STATE_WRITE = 1_000;
/** ecrecover: one secp256k1 public-key recovery (L1 charges 3,000 for its precompile). */
export const GAS_ECRECOVER = 3_000;
/** keccak: fixed part. */
export const GAS_KECCAK = 30;
/** keccak: per 32-byte word of input, rounded up (L1's own rate). */
export const GAS_KECCAK_WORD = 6;
/**
 * Gas of one L2 transaction (unit: gas). Every step but a br_table entry and a
 * return costs at least 1, so a transaction runs at most MAX_TX_STEPS steps;
 * 20 M steps hashed at ~300 k steps/s is about a minute of prover work, which
 * bounds the worst dispute, while a matching transaction with a few fills,
 * signature checks and state writes needs well under 1 M.
 */
export const TX_GAS_LIMIT = 10_000_000;
/** Most steps of one transaction: bounds the step-level bisection (2 per gas, see TX_GAS_LIMIT). */
export const MAX_TX_STEPS = 2 * TX_GAS_LIMIT;
/**
 * Largest transaction input (unit: bytes). A one-step proof of input_read
 * carries the whole input (its hash is a plain keccak), so this bounds that
 * proof's calldata; a signed order is a few hundred bytes.
 */
export const MAX_INPUT_BYTES = 4_096;
/**
 * Largest keccak host call (unit: bytes). Its one-step proof opens every
 * memory leaf of the range (33 leaves at most), and EIP-712 struct hashes of
 * orders are a few hundred bytes.
 */
export const MAX_KECCAK_BYTES = 1_024;
