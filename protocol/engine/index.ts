// protocol/engine: the engine's transaction formats, EIP-712 typed data, state key layout and
// state decoders (docs/engine.md).
export * from "./decodeState.ts";
export * from "./encodeTx.ts";
export { MalformedTxError } from "./errors.ts";
export { perpetualMark } from "./markPrice.ts";
export * from "./params.ts";
export { type BookLevel, bookLevels, levelOrders, type StateGet } from "./readBook.ts";
export { addressKey, engineKeys, KeyTag, logicalKey } from "./stateKeys.ts";
export * from "./txTypes.ts";
