/**
 * A signer-recovery worker (RecoveryPool): for each transaction of a job, the engine's
 * ecrecover input (EIP-712 digest, v, r, s; protocol/engine recoveryInput) and what L1's
 * precompile answers for it (vm ecrecover, libsecp256k1). Recovery is ~60 us of CPU per
 * signature: done here, ahead of and beside the execution thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { recoveryInput } from "../../protocol/engine/index.ts";
import { ecrecover } from "../../vm/host/ecrecover.ts";
import type { RecoveryJob, RecoveryReply } from "./RecoveryPool.ts";

const chainId = BigInt((workerData as { chainId: string }).chainId);

parentPort!.on("message", (job: RecoveryJob) => {
  const n = job.offsets.length - 1;
  // One buffer for every answer: per tx, status (1) || input (128) || signer (32).
  const out = new Uint8Array(n * 161);
  const errors: (string | null)[] = new Array(n).fill(null);
  for (let i = 0; i < n; i++) {
    const tx = job.bytes.subarray(job.offsets[i], job.offsets[i + 1]);
    const at = i * 161;
    try {
      const input = recoveryInput(chainId, tx);
      if (input === undefined) {
        out[at] = 0; // unsigned
        continue;
      }
      out.set(input, at + 1);
      const signer = ecrecover(input);
      if (signer === undefined) out[at] = 2;
      else {
        out[at] = 1;
        out.set(signer, at + 129);
      }
    } catch (e) {
      out[at] = 3;
      errors[i] = (e as Error).message;
    }
  }
  const reply: RecoveryReply = { id: job.id, out, errors };
  parentPort!.postMessage(reply, [out.buffer]);
});
