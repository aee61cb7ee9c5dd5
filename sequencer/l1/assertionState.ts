/**
 * What the sequencer knows of the rollup's assertions and the outbox's claims, as a pure function of
 * their L1 events (habit 13: the decision is data, the follower that feeds it is thin). The trader
 * API reads it to tell a withdrawal's stage and which confirmed assertion to claim against
 * (docs/api.md, "Withdrawals"). Every field is JSON (bigints through JsonFile).
 */
import type { Hex } from "viem";

export type AssertionStatusName = "pending" | "confirmed" | "rejected";

export interface AssertionEntry {
  readonly id: Hex;
  readonly parent: Hex;
  readonly proposer: Hex;
  readonly stateRoot: Hex;
  /** Batches covered after it (it covers parent.batchEnd .. batchEnd - 1). */
  readonly batchEnd: number;
  /** L1 time, seconds, from which `confirm` may succeed (createdAt + challengePeriod; the event's deadline). */
  readonly deadline: number;
  readonly status: AssertionStatusName;
  readonly createdBlock: bigint;
  /** The block of its confirmation or rejection; null while pending. */
  readonly statusBlock: bigint | null;
}

/** An outbox index paid on L1 (Outbox.WithdrawalClaimed). */
export interface ClaimEntry {
  readonly index: bigint;
  readonly recipient: Hex;
  readonly amount: bigint;
  readonly assertion: Hex;
  readonly l1TxHash: Hex;
  readonly block: bigint;
}

export interface AssertionState {
  /** In creation order. Pending ones, the last KEEP_CONFIRMED confirmed, and rejections since the oldest of those. */
  readonly assertions: readonly AssertionEntry[];
  /** By outbox index (decimal). */
  readonly claims: Readonly<Record<string, ClaimEntry>>;
}

export const EMPTY_ASSERTION_STATE: AssertionState = { assertions: [], claims: {} };

/**
 * Confirmed assertions kept (a claim only needs the latest; older ones are kept so a rewind of the newest
 * confirmation, a reorg, still finds the one before).
 */
export const KEEP_CONFIRMED = 8;

/** One L1 event, reduced to what the state needs (the follower decodes Rollup's and Outbox's logs into these). */
export type AssertionLog =
  | {
      readonly kind: "created";
      readonly block: bigint;
      readonly id: Hex;
      readonly parent: Hex;
      readonly proposer: Hex;
      readonly stateRoot: Hex;
      readonly batchEnd: number;
      readonly deadline: number;
    }
  | { readonly kind: "confirmed" | "rejected"; readonly block: bigint; readonly id: Hex }
  | {
      readonly kind: "claimed";
      readonly block: bigint;
      readonly index: bigint;
      readonly recipient: Hex;
      readonly amount: bigint;
      readonly assertion: Hex;
      readonly l1TxHash: Hex;
    };

/** The state after `logs` (in chain order). */
export function applyAssertionLogs(s: AssertionState, logs: readonly AssertionLog[]): AssertionState {
  if (logs.length === 0) return s;
  const assertions = [...s.assertions];
  const claims = { ...s.claims };
  const at = new Map(assertions.map((a, i) => [a.id, i]));
  for (const l of logs) {
    if (l.kind === "created") {
      if (at.has(l.id)) continue; // a range read twice after a rewind
      at.set(l.id, assertions.length);
      const { kind: _, block, ...fields } = l;
      assertions.push({ ...fields, status: "pending", createdBlock: block, statusBlock: null });
    } else if (l.kind === "claimed") {
      claims[l.index.toString()] = {
        index: l.index,
        recipient: l.recipient,
        amount: l.amount,
        assertion: l.assertion,
        l1TxHash: l.l1TxHash,
        block: l.block,
      };
    } else {
      const i = at.get(l.id);
      // An assertion pruned long ago (or created before fromBlock) changes nothing we keep.
      if (i !== undefined) assertions[i] = { ...assertions[i], status: l.kind, statusBlock: l.block };
    }
  }
  return { assertions: prune(assertions), claims };
}

/** Keeps pending ones, the newest KEEP_CONFIRMED confirmed, and rejections no older than the oldest of those. */
function prune(list: readonly AssertionEntry[]): AssertionEntry[] {
  const confirmed = list.filter((a) => a.status === "confirmed");
  if (confirmed.length <= KEEP_CONFIRMED) return [...list];
  const kept = new Set(confirmed.slice(-KEEP_CONFIRMED).map((a) => a.id));
  const since = confirmed.at(-KEEP_CONFIRMED)?.statusBlock ?? 0n;
  return list.filter(
    (a) =>
      a.status === "pending" || kept.has(a.id) || (a.status === "rejected" && (a.statusBlock ?? 0n) >= since),
  );
}

/** Forgets every event after block `keep` (null: all): a reorg replaced those blocks. */
export function rewindAssertionState(s: AssertionState, keep: bigint | null): AssertionState {
  if (keep === null) return EMPTY_ASSERTION_STATE;
  const assertions = s.assertions
    .filter((a) => a.createdBlock <= keep)
    .map((a) =>
      a.statusBlock !== null && a.statusBlock > keep
        ? { ...a, status: "pending" as const, statusBlock: null }
        : a,
    );
  const claims = Object.fromEntries(Object.entries(s.claims).filter(([, c]) => c.block <= keep));
  return { assertions, claims };
}

/** The newest confirmed assertion (confirmed ones form one chain, so the greatest batchEnd), or null. */
export function latestConfirmed(s: AssertionState): AssertionEntry | null {
  let best: AssertionEntry | null = null;
  for (const a of s.assertions)
    if (a.status === "confirmed" && (best === null || a.batchEnd > best.batchEnd)) best = a;
  return best;
}

/** What the trader API reads (AssertionRecord implements it; tests give a fixed state). */
export interface AssertionSource {
  /** The Outbox contract claims go to. */
  readonly outbox: Hex;
  /** The state as of the last L1 range read. */
  current(): AssertionState;
}
