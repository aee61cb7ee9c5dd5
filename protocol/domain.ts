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
} as const;
