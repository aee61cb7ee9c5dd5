import { Domain, keccak256 } from "../../protocol/index.ts";

/** The machine's input hash of a transaction: keccak(0x04 || input), the hash the inbox commits to. */
export function inputHash(input: Uint8Array): Uint8Array {
  const pre = new Uint8Array(input.length + 1);
  pre[0] = Domain.TRANSACTION;
  pre.set(input, 1);
  return keccak256(pre);
}
