/**
 * One-byte domain tags that start every protocol hash preimage (docs/protocol.md,
 * "Hash domains"). Never reuse a tag.
 */
export const Domain = {
  /** keccak(0x01 || key || value): a state-tree leaf. */
  STATE_LEAF: 0x01,
  /** keccak(0x02 || left || right): a state-tree internal node. */
  STATE_NODE: 0x02,
  /** keccak(0x03 || logical key): the tree key of a logical key. */
  STATE_KEY: 0x03,
  /** keccak(0x04 || transaction bytes): a transaction's hash, the machine's input hash and the inbox's leaf. */
  TRANSACTION: 0x04,
  // 0x05-0x0f: the rollup contracts (docs/protocol.md, "Batches" to "Outbox").
  /** keccak(0x05 || left || right): a node of a batch's transaction Merkle tree. */
  BATCH_NODE: 0x05,
  /** keccak(0x06 || txRoot || seqCount || delayedBefore || delayedAfter || txsBefore || timestamp): a batch. */
  BATCH: 0x06,
  /** keccak(0x07 || previous || queuedAt || transaction hash): one link of the delayed-inbox accumulator. */
  DELAYED: 0x07,
  /** keccak(0x08 || parent || stateRoot || outboxRoot || batchEnd || txEnd || delayedEnd): an assertion. */
  ASSERTION: 0x08,
  /** keccak(0x09 || recipient || amount): an outbox leaf (one withdrawal). */
  WITHDRAWAL: 0x09,
  /** keccak(0x0a || left || right): a node of the outbox (withdrawal) Merkle tree. */
  OUTBOX_NODE: 0x0a,
  /** keccak(0x0b || lo || hi || values): a bisection move's commitment. */
  BISECTION: 0x0b,
  /** keccak(0x0c || root before || defender's root after || challenger's root after): the step level's roots. */
  STEP_CLAIMS: 0x0c,
  // 0x10-0x2f: the machine (docs/machine.md, "Machine state hash").
  /** keccak(0x10 || status word || 8 part hashes): the machine-state hash. */
  MACHINE_STATE: 0x10,
  /** keccak(0x11 || hash below || value word): one link of the value-stack hash chain. */
  VALUE_STACK: 0x11,
  /** keccak(0x12 || hash below || frame word): one link of the call-frame-stack hash chain. */
  FRAME_STACK: 0x12,
  /** keccak(0x13 || left || right): a node of the memory Merkle tree (32-byte leaves, depth 19). */
  MEMORY_NODE: 0x13,
  /** keccak(0x14 || left || right): a node of the code Merkle tree (encoded instructions, depth 22). */
  CODE_NODE: 0x14,
  /** keccak(0x15 || left || right): a node of the globals Merkle tree (one global per leaf, depth 16). */
  GLOBALS_NODE: 0x15,
  /** keccak(0x16 || left || right): a node of the table Merkle tree (one entry per leaf, depth 16). */
  TABLE_NODE: 0x16,
  /** keccak(0x17 || state root || input hash || batch context || gas word): the global state. */
  GLOBAL_STATE: 0x17,
} as const;
