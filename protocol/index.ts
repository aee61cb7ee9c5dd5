// protocol/: what every party must agree on, bit for bit.
export { Domain } from "./domain.ts";
export {
  InvalidLengthError,
  MalformedProofError,
  OptioError,
  StorageError,
  UnknownRootError,
} from "./errors.ts";
export { hashTagged, hashTaggedInto, keccak256, keccak256Reference } from "./keccak.ts";
export { bitAt, leafHash, nodeHash, stateKey, ZERO } from "./smt/hash.ts";
export {
  computeRoot,
  decodeProof,
  encodeProof,
  provenValue,
  rootAfterWrite,
  type StateProof,
  verifyRead,
} from "./smt/proof.ts";
export { type CommitResult, StateTree, type StateTreeOptions } from "./smt/StateTree.ts";
