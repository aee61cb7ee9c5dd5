// Worker for bench/engine.ts: recovers the signers of engine transactions ahead of execution
// (EIP-712 digest, then the machine's own ecrecover), as a sequencer's worker threads would.
// In: { id, txs: Uint8Array[] , chainId }; out: { id, keys: Uint8Array[] (128-byte ecrecover inputs), addrs: Uint8Array[] }.
import { parentPort } from "node:worker_threads";
import { decodeTx, txDigest } from "../../protocol/engine/index.ts";
import { ecrecover } from "../../vm/host/ecrecover.ts";

parentPort!.on("message", (msg: { id: number; txs: Uint8Array[]; chainId: bigint }) => {
  const keys: Uint8Array[] = [];
  const addrs: Uint8Array[] = [];
  for (const bytes of msg.txs) {
    const tx = decodeTx(bytes);
    if (!("signature" in tx)) continue;
    const input = new Uint8Array(128);
    input.set(txDigest(msg.chainId, tx), 0);
    input[63] = tx.signature[64];
    input.set(tx.signature.subarray(0, 64), 64);
    const addr = ecrecover(input);
    if (addr === undefined) continue;
    keys.push(input);
    addrs.push(addr);
  }
  parentPort!.postMessage({ id: msg.id, keys, addrs });
});
