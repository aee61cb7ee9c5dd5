/**
 * What the host-calling tests share: one batch context, the pre-state the host
 * scenarios read (PRE_KEYS / PRE_VALUES), a provable view of it from the
 * reference tree, and a valid ecrecover input.
 */
import { randomBytes } from "node:crypto";
import { bytesToHex, hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type Leaf, referenceHash, referenceProof } from "../../protocol/smt/reference.ts";
import type { BatchContext } from "../host/BatchContext.ts";
import { ProvableState } from "../state/ProvableState.ts";
import { PRE_KEYS, PRE_VALUES } from "./hostScenarios.ts";

export const HOST_CONTEXT: BatchContext = { timestamp: 1_764_000_000n, l2Block: 4242n, origin: 1n };

/** The pre-state of the host scenarios as leaves. */
export const PRE_LEAVES: Leaf[] = PRE_KEYS.map((key, i) => ({ key, value: PRE_VALUES[i] }));

/** A fresh provable view of PRE_LEAVES, proofs from the reference tree. */
export const preState = (): ProvableState =>
  ProvableState.fromSource({ root: referenceHash(PRE_LEAVES), prove: (k) => referenceProof(PRE_LEAVES, k) });

/** A valid ecrecover input (hash || v || r || s) signed by a fresh key. */
export async function signedEcrecoverInput(): Promise<Uint8Array> {
  const account = privateKeyToAccount(bytesToHex(randomBytes(32)));
  const hash = new Uint8Array(randomBytes(32));
  const sig = hexToBytes(await account.sign({ hash: bytesToHex(hash) }));
  const out = new Uint8Array(128);
  out.set(hash, 0);
  out[63] = sig[64];
  out.set(sig.subarray(0, 64), 64);
  return out;
}
