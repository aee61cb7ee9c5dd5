import type { Address, Hex, PublicClient } from "viem";
import { assertionIntent, type IntentQueue, rollupAbi } from "../../l1/index.ts";
import type { Logger } from "../../service/index.ts";
import type { Replayer } from "../replay/Replayer.ts";
import type { VerifierDeployment } from "../VerifierDeployment.ts";
import type { VerifierStore } from "../VerifierStore.ts";
import { agreedTip, decideProposal, type ProposalDecision, ProposalWait } from "./decideProposal.ts";

/** Our last assertion submitted, until the follower reads it back from L1 (meta key; survives a restart). */
const IN_FLIGHT = "proposal/inFlight";
interface InFlight {
  readonly key: string;
  readonly id: Hex;
  /** Proposing was open by time alone when we sent it: confirmations wait until it is on L1. */
  readonly hold: boolean;
}

/** Our confirmed assertions whose bond we asked back (meta key prefix). */
const WITHDRAWN = (id: Hex) => `proposal/withdrawn/${id}`;

export interface InactivityProposerOptions {
  readonly client: PublicClient;
  readonly deployment: VerifierDeployment;
  readonly store: VerifierStore;
  readonly replayer: Replayer;
  readonly me: Address;
  intents(): IntentQueue | undefined;
  /** Withdraws what the rollup credited our key (GameAgent.withdraw). */
  withdrawBonds(): Promise<void>;
  readonly idleSeconds: number;
  readonly maxBatches: number;
  readonly logger: Logger;
}

/**
 * A verifier's proposer of last resort (`proposeWhenInactive`, docs/verifier.md): when proposing is open to its key
 * (the allowlisted proposers made no progress for `proposerInactivity`, or it is allowlisted, or the rollup is
 * permissionless) and its replay has batches past the chain it agrees with, it posts an assertion from its OWN
 * replay (state root, outbox root and its proof from its state tree) through its key's TxSender, so that forced
 * withdrawals are confirmed and paid when the sequencer and its proposer are gone. The decision is decideProposal
 * (pure); this reads L1 and the store for it and carries it out. Confirmation is the verifier's own (it confirms
 * every assertion it agrees with); the bond is withdrawn once ours is confirmed.
 */
export class InactivityProposer {
  private last?: ProposalDecision;
  /** The rollup's immutables, read once. */
  private fixed?: { permissionless: boolean; inactivity: bigint };

  constructor(private readonly o: InactivityProposerOptions) {}

  /** The last decision (the inspection API's /status shows it). */
  get lastDecision(): ProposalDecision | undefined {
    return this.last;
  }

  /**
   * One look. `holdConfirms`: send no confirmation now, because our assertion that latches `proposingOpened` is
   * being made (or on its way) while the window is open by time alone (decideProposal).
   */
  async tick(): Promise<{ decision: ProposalDecision; holdConfirms: boolean }> {
    const flight = await this.inFlight();
    const decision = await this.decide(flight !== undefined);
    return {
      decision,
      holdConfirms: decision.kind === "propose" ? decision.holdConfirms : (flight?.hold ?? false),
    };
  }

  private async decide(inFlight: boolean): Promise<ProposalDecision> {
    const { o } = this;
    await this.withdrawConfirmed();
    const rollup = o.deployment.contracts.rollup.address;
    const read = <T>(functionName: string, args: unknown[] = []) =>
      o.client.readContract({ address: rollup, abi: rollupAbi, functionName, args } as never) as Promise<T>;
    const latestConfirmed = await read<Hex>("latestConfirmed");
    const tip = agreedTip({
      assertions: o.store.allAssertions(),
      latestConfirmed,
      genesis: o.deployment.genesisAssertion,
      me: o.me,
    });
    const replayedBatches = o.store.replayedCount();
    // Most ticks have nothing to propose: decide that before reading the rest from L1.
    if (inFlight || tip === undefined || replayedBatches <= tip.batchEnd)
      return this.decided(
        decideProposal({
          tip,
          tipCreatedAt: 0n,
          replayedBatches,
          opened: false,
          opensAt: 0n,
          now: 0n,
          idleSeconds: BigInt(o.idleSeconds),
          maxBatches: o.maxBatches,
          inFlight,
        }),
      );
    this.fixed ??= {
      permissionless: await read<boolean>("permissionless"),
      inactivity: await read<bigint>("proposerInactivity"),
    };
    const fixed = this.fixed;
    const [block, opened, allowed, lastProgressAt, onL1] = await Promise.all([
      o.client.getBlock({ blockTag: "latest" }),
      read<boolean>("proposingOpened"),
      read<boolean>("allowedProposer", [o.me]),
      read<bigint>("lastProgressAt"),
      read<{ createdAt: bigint }>("getAssertion", [tip.id]),
    ]);
    const decision = decideProposal({
      tip,
      tipCreatedAt: onL1.createdAt,
      replayedBatches,
      opened: fixed.permissionless || opened || allowed,
      opensAt: lastProgressAt + fixed.inactivity,
      now: block.timestamp,
      idleSeconds: BigInt(o.idleSeconds),
      maxBatches: o.maxBatches,
      inFlight: false,
    });
    if (decision.kind === "propose" && !(await this.propose(decision)))
      return this.decided({ kind: "wait", reason: ProposalWait.STATE_UNAVAILABLE });
    return this.decided(decision);
  }

  private decided(d: ProposalDecision): ProposalDecision {
    const prev = this.last;
    if (prev?.kind !== d.kind || (d.kind === "wait" && prev.kind === "wait" && prev.reason !== d.reason))
      this.o.logger.info(
        { decision: d.kind, ...(d.kind === "wait" ? { reason: d.reason, until: d.until?.toString() } : d) },
        d.kind === "propose" ? "proposing from our replay" : "not proposing",
      );
    this.last = d;
    return d;
  }

  /** Our last assertion while it is on its way: its intent unfinished, or done and not yet read back from L1. */
  private async inFlight(): Promise<InFlight | undefined> {
    const f = this.o.store.meta.get(IN_FLIGHT) as InFlight | undefined;
    if (f === undefined) return undefined;
    if (this.o.store.assertions.get(f.id) !== undefined) {
      await this.o.store.meta.remove(IN_FLIGHT);
      return undefined;
    }
    const s = await this.o.intents()?.status(f.key);
    if (s === null || s === undefined || s.jobState === "failed") {
      this.o.logger.warn(
        { assertion: f.id, key: f.key, error: s?.progress.lastError?.message ?? "intent lost" },
        "our assertion was not created; deciding again",
      );
      await this.o.store.meta.remove(IN_FLIGHT);
      return undefined;
    }
    return f;
  }

  /** Submits the assertion; false when our replay cannot give its state (or the key has no intent queue). */
  private async propose(d: Extract<ProposalDecision, { kind: "propose" }>): Promise<boolean> {
    const { o } = this;
    const intents = o.intents();
    const batch = o.store.batches.get(d.batchEnd - 1);
    const state = o.replayer.stateAfter(d.batchEnd);
    if (intents === undefined || batch === undefined || state === undefined) return false;
    const h = batch.header;
    const { id, intent } = assertionIntent({
      rollup: o.deployment.contracts.rollup.address,
      proposer: o.me,
      bond: o.deployment.params.assertionBond,
      parent: d.parent,
      batchEnd: BigInt(d.batchEnd),
      lastBatch: {
        txRoot: h.txRoot,
        seqCount: BigInt(h.seqCount),
        delayedBefore: BigInt(h.delayedBefore),
        delayedAfter: BigInt(h.delayedAfter),
        txsBefore: BigInt(h.txsBefore),
        timestamp: BigInt(h.timestamp),
      },
      state,
    });
    await o.store.meta.put(IN_FLIGHT, { key: intent.key, id, hold: d.holdConfirms } satisfies InFlight);
    // The same claim again after a revert (e.g. the window closed by a confirmation in between): queue it anew.
    const s = await intents.status(intent.key);
    if (s?.jobState === "failed") await intents.resubmit(intent);
    else await intents.submit(intent);
    o.logger.info(
      { assertion: id, parent: d.parent, batchEnd: d.batchEnd, stateRoot: state.stateRoot },
      "assertion submitted from our replay",
    );
    return true;
  }

  /** Asks for our bond back once an assertion of ours is confirmed (once per assertion). */
  private async withdrawConfirmed(): Promise<void> {
    const me = this.o.me.toLowerCase();
    for (const a of this.o.store.allAssertions()) {
      if (a.status !== "confirmed" || a.proposer.toLowerCase() !== me) continue;
      if (this.o.store.meta.get(WITHDRAWN(a.id)) !== undefined) continue;
      await this.o.withdrawBonds();
      await this.o.store.meta.put(WITHDRAWN(a.id), true);
    }
  }
}
