// Worker for bench/engine.ts: recovers the signers of engine transactions ahead of execution
// (the ecrecover input the engine will build, EIP-712 digest included, then the machine's own
// ecrecover), as a sequencer's worker threads would.
// In: { id, txs: Uint8Array[] , chainId }; out: { id, count, packed }: count records of the 128-byte ecrecover input then the 32-byte signer.
import { parentPort } from "node:worker_threads";
import { recoveryInput } from "../../protocol/engine/index.ts";
import { ecrecover } from "../../vm/host/ecrecover.ts";

parentPort!.on("message", (msg: { id: number; txs: Uint8Array[]; chainId: bigint }) => {
  // One buffer of records (input || answer), transferred, rather than two arrays of small arrays.
  const packed = new Uint8Array(msg.txs.length * 160);
  let count = 0;
  for (const bytes of msg.txs) {
    const input = recoveryInput(msg.chainId, bytes);
    if (input === undefined) continue;
    const addr = ecrecover(input);
    if (addr === undefined) continue;
    packed.set(input, count * 160);
    packed.set(addr, count * 160 + 128);
    count++;
  }
  parentPort!.postMessage({ id: msg.id, count, packed }, [packed.buffer]);
});
