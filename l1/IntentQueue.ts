import { type Job, Queue } from "bullmq";
import type { Redis } from "ioredis";
import { type Address, getAddress, isAddress, isHex } from "viem";
import { L1Error, L1RevertError } from "./errors.ts";
import {
  type Intent,
  type IntentJob,
  type IntentProgress,
  type IntentResult,
  NEW_PROGRESS,
} from "./intent.ts";
import { DEFAULT_TX_SENDER_CONFIG } from "./params.ts";

/** The BullMQ queue of one signing key on one chain (a key's intents never mix with another's). */
export const intentQueueName = (chainId: number, signer: Address): string =>
  `l1tx-${chainId}-${getAddress(signer).toLowerCase()}`;

/** An intent the queue refuses (nothing is queued). */
export class InvalidIntentError extends L1Error {
  override name = "InvalidIntentError";
  constructor(field: string, got: string, expected: string) {
    super(`intent ${field}: expected ${expected}, got ${got}`, `pass ${expected}`, { field, got, expected });
  }
}

/** One row of the operator view (`./optio l1 status`). */
export interface IntentStatus {
  readonly key: string;
  readonly kind: string;
  readonly intent: Intent;
  /** BullMQ's state of the job (waiting, active, delayed, completed, failed). */
  readonly jobState: string;
  readonly progress: IntentProgress;
  readonly result: IntentResult | null;
}

function checkIntent(i: Intent): void {
  // BullMQ job ids may not contain ':' nor be an integer.
  if (typeof i.key !== "string" || !/^[A-Za-z0-9_./=+-]{1,200}$/.test(i.key) || /^[0-9]+$/.test(i.key)) {
    throw new InvalidIntentError(
      "key",
      String(i.key),
      "1-200 characters of A-Z a-z 0-9 _ . / = + - (not only digits), e.g. postBatch/12",
    );
  }
  if (!isAddress(i.to)) throw new InvalidIntentError("to", String(i.to), "an address");
  if (!isHex(i.data)) throw new InvalidIntentError("data", String(i.data), "0x-prefixed hex calldata");
  if (i.after !== undefined && (typeof i.after !== "string" || !/^[A-Za-z0-9_./=+-]{1,200}$/.test(i.after))) {
    throw new InvalidIntentError("after", String(i.after), "the key of another intent");
  }
  for (const f of ["value", "gas"] as const) {
    const v = i[f];
    if (v !== undefined && !/^(0|[1-9][0-9]{0,77})$/.test(v)) {
      throw new InvalidIntentError(f, String(v), "a decimal integer string");
    }
  }
}

/**
 * The intents of one signing key: submit (idempotent by key), wait for a result, list for the operator. Any
 * process may submit; only the TxSender holding the key's lock sends.
 */
export class IntentQueue {
  readonly queue: Queue<IntentJob, IntentResult>;
  readonly name: string;

  constructor(connection: Redis, opts: { prefix: string; chainId: number; signer: Address }) {
    this.name = intentQueueName(opts.chainId, opts.signer);
    this.queue = new Queue(this.name, { connection, prefix: opts.prefix });
  }

  /**
   * Queues the intent unless one with its key exists (BullMQ keeps a job id once): submitting twice is a no-op,
   * and L1 is checked again (alreadyDone) before anything is sent.
   */
  async submit(intent: Intent, keepFinishedMs = DEFAULT_TX_SENDER_CONFIG.keepFinishedMs): Promise<void> {
    checkIntent(intent);
    await this.queue.add(
      intent.kind,
      { intent, progress: NEW_PROGRESS },
      {
        jobId: intent.key,
        // Passing failures are retried inside the job; a job only fails for a revert or a lost lock, and a lost
        // lock must not drop the intent: retry (almost) forever with capped back-off (TxSender's strategy).
        attempts: 1_000_000,
        backoff: { type: "capped" },
        removeOnComplete: { age: Math.ceil(keepFinishedMs / 1000) },
        removeOnFail: { age: Math.ceil(keepFinishedMs / 1000) },
      },
    );
  }

  /**
   * Queues again an intent whose job failed (it reverted: a caller that fixed the cause, e.g. a batch sealed again
   * with a fresh timestamp). A failed intent holds no unmined nonce, so this cannot send anything twice; its
   * alreadyDone check runs first as always. Refused for an intent that has not failed.
   */
  async resubmit(intent: Intent, keepFinishedMs = DEFAULT_TX_SENDER_CONFIG.keepFinishedMs): Promise<void> {
    checkIntent(intent);
    const job = await this.queue.getJob(intent.key);
    if (job) {
      const state = await job.getState();
      if (state !== "failed") {
        throw new L1Error(
          `intent ${intent.key} is ${state}, not failed; only a failed intent is queued again`,
          "wait for it to finish (IntentQueue.result)",
        );
      }
      await job.remove();
    }
    await this.submit(intent, keepFinishedMs);
  }

  /** The intent's status, or null when no job has its key. */
  async status(key: string): Promise<IntentStatus | null> {
    const job = await this.queue.getJob(key);
    return job ? this.statusOf(job) : null;
  }

  private async statusOf(job: Job<IntentJob, IntentResult>): Promise<IntentStatus> {
    return {
      key: job.id ?? job.data.intent.key,
      kind: job.data.intent.kind,
      intent: job.data.intent,
      jobState: await job.getState(),
      progress: job.data.progress,
      result: job.returnvalue ?? null,
    };
  }

  /** Every intent Redis still holds, sorted by key (the operator view). */
  async list(): Promise<IntentStatus[]> {
    const jobs = await this.queue.getJobs([
      "active",
      "waiting",
      "delayed",
      "prioritized",
      "completed",
      "failed",
    ]);
    const rows = await Promise.all(jobs.filter((j) => j).map((j) => this.statusOf(j)));
    return rows.sort((a, b) => a.key.localeCompare(b.key));
  }

  /**
   * Waits until the intent finishes: its result, or a typed error (L1RevertError for a revert with the custom
   * error's name and arguments). Throws L1Error when `timeoutMs` passes first.
   */
  async result(key: string, timeoutMs: number, pollMs = 100): Promise<IntentResult> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // The state first, then the job: a job read before it finished would carry stale data.
      const state = await this.queue.getJobState(key);
      const job = state === "completed" || state === "failed" ? await this.queue.getJob(key) : null;
      if (job && state === "completed" && job.returnvalue) return job.returnvalue;
      if (job && state === "failed") {
        const p = job.data.progress;
        if (p.state === "reverted" && p.lastError) {
          throw new L1RevertError(
            p.lastError.errorName ?? "unknown",
            p.lastError.args ?? [],
            "0x",
            p.lastError.message,
          );
        }
        throw new L1Error(
          `intent ${key} failed: ${job.failedReason}`,
          "see the TxSender's log for the intent",
        );
      }
      if (Date.now() > deadline) {
        throw new L1Error(
          `intent ${key} did not finish within ${timeoutMs} ms (job ${state})`,
          "check that a TxSender runs for the key (./optio l1 status) and that L1 answers",
        );
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
