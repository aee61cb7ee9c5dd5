import { DEFAULT_FEE_SCHEDULE, type FeeSchedule } from "./feeSchedule.ts";

/** A TxSender's settings (docs/l1.md, "Settings"). Times in ms. */
export interface TxSenderConfig {
  /** Blocks a transaction must be deep (1 = mined) before its intent counts as done (Optimism: batcher 10, challenger 3). */
  readonly confirmations: number;
  /** Intents in flight at once (BullMQ worker concurrency): each holds its own nonce. */
  readonly maxInFlight: number;
  /** How often an intent in flight looks at L1 (receipt, nonce, pool). */
  readonly pollMs: number;
  readonly fees: FeeSchedule;
  /** Gas limit = estimate x (100 + gasMarginPercent) / 100. */
  readonly gasMarginPercent: number;
  /** The signer lock's lifetime; renewed every third of it. A crashed sender blocks a new one this long at most. */
  readonly lockTtlMs: number;
  /** BullMQ's job lock: a crashed sender's active intents go back to the queue this long after it died. */
  readonly jobLockMs: number;
  /** Back-off between retries of an intent whose send failed for a passing reason (RPC down, funds). */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** At start, how long to wait for pending transactions no intent tracks (Redis flushed) to be mined. */
  readonly untrackedWaitMs: number;
  /** How long finished intents stay in Redis (the idempotency of a second submit; L1 stays the authority). */
  readonly keepFinishedMs: number;
}

export const DEFAULT_TX_SENDER_CONFIG: TxSenderConfig = {
  confirmations: 3,
  maxInFlight: 4,
  pollMs: 1_000,
  fees: DEFAULT_FEE_SCHEDULE,
  gasMarginPercent: 20,
  lockTtlMs: 15_000,
  jobLockMs: 30_000,
  retryMinMs: 1_000,
  retryMaxMs: 60_000,
  untrackedWaitMs: 120_000,
  keepFinishedMs: 7 * 24 * 3600 * 1000,
};
