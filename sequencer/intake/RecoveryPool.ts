import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/** What recovery found for one transaction. */
export type Recovery =
  | { readonly kind: "unsigned" }
  /** `signer` is the 32-byte word the precompile answers, or undefined where it answers nothing. */
  | { readonly kind: "signed"; readonly input: Uint8Array; readonly signer: Uint8Array | undefined }
  | { readonly kind: "malformed"; readonly message: string };

export interface RecoveryJob {
  readonly id: number;
  /** The transactions, back to back; tx i is bytes[offsets[i], offsets[i+1]). */
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
}

export interface RecoveryReply {
  readonly id: number;
  readonly out: Uint8Array;
  readonly errors: (string | null)[];
}

/** Most transactions per worker message. */
const RECOVERY_CHUNK = 64;

interface Waiting {
  readonly resolve: (r: Recovery) => void;
}

/**
 * Worker threads that recover transactions' signers ahead of execution. Transactions given in
 * one event-loop turn travel together (one message per worker per turn, not one per
 * transaction), spread over the workers; each answer resolves its transaction's promise.
 */
export class RecoveryPool {
  private readonly workers: Worker[] = [];
  private readonly jobs = new Map<number, Waiting[]>();
  private queued: { tx: Uint8Array; waiting: Waiting }[] = [];
  private scheduled = false;
  private nextId = 1;
  private nextWorker = 0;
  /** Transactions sent to workers and not answered yet. */
  inFlight = 0;

  constructor(chainId: bigint, threads = Math.max(1, availableParallelism() - 1)) {
    for (let i = 0; i < threads; i++) {
      const w = new Worker(new URL("./recoveryWorker.ts", import.meta.url), {
        workerData: { chainId: chainId.toString() },
      });
      w.on("message", (reply: RecoveryReply) => this.answer(reply));
      w.on("error", (e) => {
        // A worker that dies fails its waiting transactions as node errors, never silently.
        for (const [id, waiting] of this.jobs) {
          this.jobs.delete(id);
          for (const x of waiting)
            x.resolve({ kind: "malformed", message: `recovery worker failed: ${e.message}` });
        }
      });
      w.unref();
      this.workers.push(w);
    }
  }

  /** The signer recovery of `tx` (never rejects). */
  recover(tx: Uint8Array): Promise<Recovery> {
    return new Promise((resolve) => {
      this.queued.push({ tx, waiting: { resolve } });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.dispatch());
      }
    });
  }

  private dispatch(): void {
    this.scheduled = false;
    const all = this.queued;
    this.queued = [];
    // Small jobs stream answers back while the rest recover: execution starts on the first
    // answers instead of waiting for a whole turn's worth (4,000 recoveries are ~0.3 s).
    const per = Math.min(RECOVERY_CHUNK, Math.ceil(all.length / this.workers.length));
    for (let start = 0; start < all.length; start += per) {
      const part = all.slice(start, start + per);
      let total = 0;
      for (const p of part) total += p.tx.length;
      const bytes = new Uint8Array(total);
      const offsets = new Uint32Array(part.length + 1);
      let at = 0;
      for (let i = 0; i < part.length; i++) {
        bytes.set(part[i].tx, at);
        at += part[i].tx.length;
        offsets[i + 1] = at;
      }
      const id = this.nextId++;
      this.jobs.set(
        id,
        part.map((p) => p.waiting),
      );
      this.inFlight += part.length;
      const job: RecoveryJob = { id, bytes, offsets };
      const w = this.workers[this.nextWorker++ % this.workers.length];
      // Busy, a worker keeps the process alive (its answer is awaited); idle, it does not.
      w.ref();
      w.postMessage(job, [bytes.buffer, offsets.buffer]);
    }
  }

  private answer(reply: RecoveryReply): void {
    const waiting = this.jobs.get(reply.id);
    if (waiting === undefined) return;
    this.jobs.delete(reply.id);
    this.inFlight -= waiting.length;
    if (this.jobs.size === 0) for (const w of this.workers) w.unref();
    const out = reply.out;
    for (let i = 0; i < waiting.length; i++) {
      const at = i * 161;
      const status = out[at];
      let r: Recovery;
      if (status === 0) r = { kind: "unsigned" };
      else if (status === 3) r = { kind: "malformed", message: reply.errors[i] ?? "malformed" };
      else
        r = {
          kind: "signed",
          input: out.slice(at + 1, at + 129),
          signer: status === 1 ? out.slice(at + 129, at + 161) : undefined,
        };
      waiting[i].resolve(r);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
