import { Worker } from "node:worker_threads";
import type { RecoveredSigner } from "../../vm/index.ts";

/**
 * Worker threads that recover a batch's signers ahead of its execution (the replay's bound: ~60 us of CPU per
 * signature). The runner uses an answer only when the engine asks ecrecover exactly that input, so a wrong or
 * missing answer costs a recovery in the run, never a different result.
 */
export class SignerRecovery {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, (out: Uint8Array) => void>();
  private nextId = 1;

  constructor(chainId: bigint, threads: number) {
    for (let i = 0; i < threads; i++) {
      const w = new Worker(new URL("./recoveryWorker.ts", import.meta.url), {
        workerData: { chainId: chainId.toString() },
      });
      w.on("message", (m: { id: number; out: Uint8Array }) => {
        const done = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        done?.(m.out);
      });
      w.on("error", () => {
        // A dead worker: its jobs answer nothing (the run recovers by itself).
        for (const [id, done] of this.waiting) {
          this.waiting.delete(id);
          done(new Uint8Array(0));
        }
      });
      w.unref();
      this.workers.push(w);
    }
  }

  /** The recovered signer of each transaction (undefined: unsigned, malformed or not answered). */
  async recover(txs: readonly Uint8Array[]): Promise<(RecoveredSigner | undefined)[]> {
    const per = Math.ceil(txs.length / this.workers.length);
    const parts: Promise<(RecoveredSigner | undefined)[]>[] = [];
    for (let w = 0, start = 0; start < txs.length; w++, start += per) {
      const part = txs.slice(start, start + per);
      parts.push(this.job(this.workers[w], part));
    }
    return (await Promise.all(parts)).flat();
  }

  private job(worker: Worker, txs: readonly Uint8Array[]): Promise<(RecoveredSigner | undefined)[]> {
    let total = 0;
    for (const t of txs) total += t.length;
    const bytes = new Uint8Array(total);
    const offsets = new Uint32Array(txs.length + 1);
    let at = 0;
    txs.forEach((t, i) => {
      bytes.set(t, at);
      at += t.length;
      offsets[i + 1] = at;
    });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, (out) => {
        if (this.waiting.size === 0) for (const w of this.workers) w.unref();
        resolve(
          txs.map((_, i) => {
            const s = out[i * 161];
            if (s === undefined || s === 0) return undefined;
            return {
              input: out.slice(i * 161 + 1, i * 161 + 129),
              signer: s === 1 ? out.slice(i * 161 + 129, i * 161 + 161) : undefined,
            };
          }),
        );
      });
      worker.ref();
      worker.postMessage({ id, bytes, offsets }, [bytes.buffer, offsets.buffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
