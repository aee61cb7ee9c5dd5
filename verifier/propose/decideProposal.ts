import type { Hex } from "viem";
import type { AssertionRecord } from "../records.ts";

/** The newest assertion of the chain we agree with: what our next assertion builds on. */
export interface ProposalTip {
  readonly id: Hex;
  readonly batchEnd: number;
}

/**
 * The tip of the chain of assertions we agree with, from the latest confirmed one (pure): at each step the pending
 * children we agree with (`verdict` agree), ours first, then the one covering the most batches, then the first
 * posted. Building on a pending assertion we agree with, rather than on the confirmed one beside it, keeps ours
 * alive when that one is confirmed (a sibling of a confirmed assertion is dead); the price is the one-defender
 * limitation (docs/protocol.md, "Known limitations"): if its proposer throws a challenge on it, ours dies with it
 * and we propose again on the confirmed one. `undefined` when the latest confirmed one is unknown to the store.
 */
export function agreedTip(input: {
  readonly assertions: readonly AssertionRecord[];
  readonly latestConfirmed: Hex;
  /** The genesis assertion (confirmed at deployment, batchEnd 0, never in the store). */
  readonly genesis: Hex;
  readonly me: Hex | undefined;
}): ProposalTip | undefined {
  const { assertions, latestConfirmed, genesis, me } = input;
  const byId = new Map(assertions.map((a) => [a.id.toLowerCase(), a]));
  let tip: ProposalTip;
  if (latestConfirmed.toLowerCase() === genesis.toLowerCase()) tip = { id: genesis, batchEnd: 0 };
  else {
    const c = byId.get(latestConfirmed.toLowerCase());
    if (c === undefined) return undefined;
    tip = { id: c.id, batchEnd: c.batchEnd };
  }
  const mine = (a: AssertionRecord) => me !== undefined && a.proposer.toLowerCase() === me.toLowerCase();
  for (;;) {
    const parent = tip.id.toLowerCase();
    const children = assertions.filter(
      (a) => a.parent.toLowerCase() === parent && a.status === "pending" && a.verdict?.kind === "agree",
    );
    if (children.length === 0) return tip;
    children.sort(
      (a, b) => Number(mine(b)) - Number(mine(a)) || b.batchEnd - a.batchEnd || a.l1Block - b.l1Block,
    );
    tip = { id: children[0].id, batchEnd: children[0].batchEnd };
  }
}

/** Why a verifier with `proposeWhenInactive` does not propose now (one table of reasons). */
export const ProposalWait = {
  /** Our replay has no batch past the tip. */
  NOTHING_NEW: "NOTHING_NEW",
  /** Proposing is not open to us: not permissionless, not opened, the inactivity window not passed (`until`). */
  NOT_OPEN: "NOT_OPEN",
  /** The tip is younger than `proposeIdleSeconds`: its proposer may still be at work (`until`). */
  TIP_TOO_RECENT: "TIP_TOO_RECENT",
  /** Our last assertion is on its way (sent, or mined and not yet read back from L1). */
  IN_FLIGHT: "IN_FLIGHT",
  /** The latest confirmed assertion is not in the store yet (the follower lags L1). */
  TIP_UNKNOWN: "TIP_UNKNOWN",
  /** Our replay cannot give the state after the batch (its root is past keepRoots): set by the effect. */
  STATE_UNAVAILABLE: "STATE_UNAVAILABLE",
} as const;
export type ProposalWait = (typeof ProposalWait)[keyof typeof ProposalWait];

export type ProposalDecision =
  | {
      readonly kind: "propose";
      readonly parent: Hex;
      /** Our assertion covers batches parent.batchEnd .. batchEnd - 1. */
      readonly batchEnd: number;
      /**
       * Send no confirmation until this assertion is on L1: proposing is open by time alone (not yet latched by
       * `proposingOpened`), and any confirmation resets the rollup's inactivity clock and closes the window. Our
       * createAssertion latches it for good.
       */
      readonly holdConfirms: boolean;
    }
  | { readonly kind: "wait"; readonly reason: ProposalWait; readonly until?: bigint };

/**
 * Whether a verifier that proposes when the proposers are gone (`proposeWhenInactive`) posts an assertion now, and
 * over which batches (pure; docs/verifier.md, "Proposing when the proposers are gone"). It proposes when proposing
 * is open to its key (`opened`: permissionless, `proposingOpened`, or its key is allowlisted; else from `opensAt`,
 * `lastProgressAt + proposerInactivity`, on L1's clock), its replay has batches past the tip of the chain it agrees
 * with, and that tip is at least `idleSeconds` old, so a proposer still at work (or one come back) goes first.
 */
export function decideProposal(input: {
  readonly tip: ProposalTip | undefined;
  /** When the tip was created on L1 (seconds; the genesis assertion: the deployment). */
  readonly tipCreatedAt: bigint;
  /** Batches our replay has run (all read `confirmations` deep). */
  readonly replayedBatches: number;
  readonly opened: boolean;
  readonly opensAt: bigint;
  /** L1's latest block time, seconds. */
  readonly now: bigint;
  readonly idleSeconds: bigint;
  readonly maxBatches: number;
  readonly inFlight: boolean;
}): ProposalDecision {
  const { tip, now } = input;
  if (input.inFlight) return { kind: "wait", reason: ProposalWait.IN_FLIGHT };
  if (tip === undefined) return { kind: "wait", reason: ProposalWait.TIP_UNKNOWN };
  if (input.replayedBatches <= tip.batchEnd) return { kind: "wait", reason: ProposalWait.NOTHING_NEW };
  const openNow = input.opened || now >= input.opensAt;
  if (!openNow) return { kind: "wait", reason: ProposalWait.NOT_OPEN, until: input.opensAt };
  const idleUntil = input.tipCreatedAt + input.idleSeconds;
  if (now < idleUntil) return { kind: "wait", reason: ProposalWait.TIP_TOO_RECENT, until: idleUntil };
  return {
    kind: "propose",
    parent: tip.id,
    batchEnd: Math.min(input.replayedBatches, tip.batchEnd + input.maxBatches),
    holdConfirms: !input.opened,
  };
}
