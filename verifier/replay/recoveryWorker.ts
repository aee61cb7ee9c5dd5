/**
 * A signer-recovery worker of the replay (SignerRecovery): for each transaction of a job, the engine's ecrecover
 * input (protocol/engine recoveryInput: EIP-712 digest, v, r, s) and what L1's precompile answers for it (vm
 * ecrecover). Per transaction in the answer: status (0 unsigned or malformed, 1 signer, 2 no signer) || input (128)
 * || signer (32).
 */
import { parentPort, workerData } from "node:worker_threads";
import { recoveryInput } from "../../protocol/engine/index.ts";
import { ecrecover } from "../../vm/host/ecrecover.ts";

const chainId = BigInt((workerData as { chainId: string }).chainId);

parentPort?.on("message", (job: { id: number; bytes: Uint8Array; offsets: Uint32Array }) => {
  const n = job.offsets.length - 1;
  const out = new Uint8Array(n * 161);
  for (let i = 0; i < n; i++) {
    const at = i * 161;
    try {
      const input = recoveryInput(chainId, job.bytes.subarray(job.offsets[i], job.offsets[i + 1]));
      if (input === undefined) continue;
      out.set(input, at + 1);
      const signer = ecrecover(input);
      out[at] = signer === undefined ? 2 : 1;
      if (signer !== undefined) out.set(signer, at + 129);
    } catch {
      out[at] = 0; // malformed: the engine rejects it by itself
    }
  }
  parentPort?.postMessage({ id: job.id, out }, [out.buffer]);
});
