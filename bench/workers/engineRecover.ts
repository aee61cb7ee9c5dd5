// Worker for bench/engine.ts: recovers the signers of engine transactions ahead of execution
// (EIP-712 digest, then the machine's own ecrecover), as a sequencer's worker threads would.
// In: { id, txs: Uint8Array[] , chainId }; out: { id, count, packed }: count records of the 128-byte ecrecover input then the 32-byte signer.
import { parentPort } from "node:worker_threads";
import { decodeTx, txDigest } from "../../protocol/engine/index.ts";
import { ecrecover } from "../../vm/host/ecrecover.ts";

parentPort!.on("message", (msg: { id: number; txs: Uint8Array[]; chainId: bigint }) => {
  // One buffer of records (input || answer), transferred, rather than two arrays of small arrays.
  const packed = new Uint8Array(msg.txs.length * 160);
  let count = 0;
  for (const bytes of msg.txs) {
    const tx = decodeTx(bytes);
    if (!("signature" in tx)) continue;
    const input = packed.subarray(count * 160, count * 160 + 128);
    input.set(txDigest(msg.chainId, tx), 0);
    input[63] = tx.signature[64];
    input.set(tx.signature.subarray(0, 64), 64);
    const addr = ecrecover(input);
    if (addr === undefined) {
      input.fill(0);
      continue;
    }
    packed.set(addr, count * 160 + 128);
    count++;
  }
  parentPort!.postMessage({ id: msg.id, count, packed }, [packed.buffer]);
});
