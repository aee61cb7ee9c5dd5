import { type Address, bytesToHex, encodeFunctionData, type Hex, hexToBytes, keccak256 } from "viem";
import { type IntentQueue, intentKey, rollupAbi } from "../../l1/index.ts";
import { assertionHash, encodeProof, OUTBOX_ROOT_KEY, stateKey } from "../../protocol/index.ts";
import {
  type DisputeHistory,
  FAULT_KINDS,
  type FaultKind,
  type FaultSite,
  faultSite,
  faultyHistory,
} from "../../prover/index.ts";
import type { Logger } from "../../service/index.ts";
import { rng } from "../../vm/testing/randomProgram.ts";
import type { History } from "../dispute/game.ts";
import type { AssertionRecord } from "../records.ts";
import type { Replayer } from "../replay/Replayer.ts";
import type { VerifierDeployment } from "../VerifierDeployment.ts";
import type { VerifierStore } from "../VerifierStore.ts";

/** `--fault`: one kind, or "cycle" (every proposer kind in turn, one lie at a time). */
export type FaultSetting = FaultKind | "cycle";
export const FAULT_SETTINGS: readonly string[] = ["", ...FAULT_KINDS, "cycle"];
const PROPOSER_KINDS = FAULT_KINDS.filter((k) => k !== "dishonest-challenger");

/** A lie we told, as stored (meta `fault/...`): where our history departs and the root we claim. */
export interface FaultPlan extends FaultSite {
  /** Our assertion (a proposer's lie) or the honest assertion we challenge (a dishonest challenger's). */
  readonly assertion: Hex;
  readonly finalRoot: Hex;
  readonly at: number;
}

const PLAN = (assertion: Hex) => `fault/${assertion}`;
const COUNT = "fault/count";
/** A lie not on L1 after this long (its transaction refused) no longer holds the next one back. */
const LIE_LANDS_MS = 120_000;
/** Marks an honest assertion already lied about (one lie each). */
const ABOUT = (assertion: Hex) => `faultAbout/${assertion}`;

/**
 * A dishonest party for devnets and fault-injection tests (docs/verifier.md, "Fault injection"): the verifier's
 * machinery with one fault. As a dishonest proposer it answers each honest assertion it sees with a sibling over
 * the same batches whose history departs at a step of its kind (faultSite), bonds it and defends it; as a
 * dishonest challenger it challenges the honest assertion and plays a false history. One lie is open at a time,
 * so a user (or a test) sees each one caught before the next. Every choice comes from the seed, so a run replays.
 * The service refuses it on any chain but a local devnet.
 */
export class FaultInjector {
  constructor(
    private readonly o: {
      readonly setting: FaultSetting;
      readonly seed: number;
      readonly store: VerifierStore;
      readonly replayer: Replayer;
      readonly deployment: VerifierDeployment;
      readonly logger: Logger;
      readonly me: Address;
      intents(): IntentQueue | undefined;
      /** Opens a challenge on an assertion whatever our verdict (Verifier.challenge with force). */
      challenge(assertion: Hex, proposer: Address): Promise<unknown>;
      /** Whether our game in challenge `id` is over. */
      gameOver(id: number): boolean;
    },
  ) {}

  get kind(): FaultSetting {
    return this.o.setting;
  }

  /** The plans told so far (the inspection API shows them). */
  plans(): FaultPlan[] {
    const out: FaultPlan[] = [];
    for (const { value } of this.o.store.meta.getRange({ start: "fault/0x", end: "fault/0y" }))
      out.push(value as FaultPlan);
    return out.sort((a, b) => a.at - b.at);
  }

  private plan(assertion: Hex): FaultPlan | undefined {
    return this.o.store.meta.get(PLAN(assertion)) as FaultPlan | undefined;
  }

  /** Whether a lie of ours is still open (our false assertion pending, or a challenge of ours not over). */
  private lieOpen(): boolean {
    for (const p of this.plans()) {
      const a = this.o.store.assertions.get(p.assertion);
      if (p.kind === "dishonest-challenger") {
        if (a?.status === "pending") {
          const ours = this.o.store
            .allChallenges()
            .find(
              (c) => c.assertion === p.assertion && c.challenger.toLowerCase() === this.o.me.toLowerCase(),
            );
          if (ours === undefined || !this.o.gameOver(ours.id)) return true;
        }
      } else if (a?.status === "pending" || (a === undefined && Date.now() - p.at < LIE_LANDS_MS))
        return true;
    }
    return false;
  }

  /**
   * An honest assertion (we agree with it, another key posted it): lie about it once, if no lie is open. `history`
   * gives our replay over its batches (undefined until replayed).
   */
  async onHonestAssertion(a: AssertionRecord, history: () => DisputeHistory | undefined): Promise<void> {
    if (this.o.intents() === undefined || this.o.store.meta.get(ABOUT(a.id)) !== undefined || this.lieOpen())
      return;
    const honest = history();
    if (honest === undefined) return;
    await this.o.store.meta.put(ABOUT(a.id), true);
    const n = Number(this.o.store.meta.get(COUNT) ?? 0);
    const kind: FaultKind =
      this.o.setting === "cycle" ? PROPOSER_KINDS[n % PROPOSER_KINDS.length] : this.o.setting;
    const random = rng((this.o.seed ^ Number.parseInt(a.id.slice(2, 10), 16)) >>> 0);
    const site = faultSite(honest, kind, random);
    if (site === undefined) return; // nothing of its kind in this range (no deposit to skip): the next one
    await this.o.store.meta.put(COUNT, n + 1);
    if (kind === "dishonest-challenger") {
      const finalRoot = keccak256(new TextEncoder().encode(`fault ${this.o.seed} ${a.id}`));
      await this.o.store.meta.put(PLAN(a.id), { ...site, assertion: a.id, finalRoot, at: Date.now() });
      this.o.logger.warn(
        { fault: kind, assertion: a.id, tx: site.tx, step: site.step },
        "fault: challenging an honest assertion",
      );
      await this.o.challenge(a.id, a.proposer as Address);
      return;
    }
    await this.propose(a, honest, site);
  }

  /** A sibling of `a` over its batches whose state differs by one slot, bonded, posted through our TxSender. */
  private async propose(a: AssertionRecord, honest: DisputeHistory, site: FaultSite): Promise<void> {
    const d = this.o.deployment;
    const last = this.o.store.batches.get(a.batchEnd - 1);
    if (last === undefined) return;
    const state = honest.stateBefore(honest.count).fork();
    state.write(
      stateKey(new TextEncoder().encode(`optio.fault.${this.o.seed}`)),
      hexToBytes(keccak256(a.id)),
    );
    const data = {
      parent: a.parent,
      stateRoot: bytesToHex(state.root),
      outboxRoot: a.outboxRoot,
      batchEnd: BigInt(a.batchEnd),
      txEnd: BigInt(a.txEnd),
      delayedEnd: BigInt(a.delayedEnd),
    };
    const id = bytesToHex(
      assertionHash(
        {
          parent: hexToBytes(data.parent),
          stateRoot: state.root,
          outboxRoot: hexToBytes(data.outboxRoot),
          batchEnd: a.batchEnd,
          txEnd: a.txEnd,
          delayedEnd: a.delayedEnd,
        },
        this.o.me,
      ),
    );
    await this.o.store.meta.put(PLAN(id), {
      ...site,
      assertion: id,
      finalRoot: data.stateRoot,
      at: Date.now(),
    });
    const h = last.header;
    await this.o.intents()?.submit({
      key: intentKey.postAssertion(id),
      kind: "postAssertion",
      to: d.contracts.rollup.address,
      value: d.params.assertionBond.toString(),
      data: encodeFunctionData({
        abi: rollupAbi,
        functionName: "createAssertion",
        args: [
          data,
          {
            txRoot: h.txRoot,
            seqCount: BigInt(h.seqCount),
            delayedBefore: BigInt(h.delayedBefore),
            delayedAfter: BigInt(h.delayedAfter),
            txsBefore: BigInt(h.txsBefore),
            timestamp: BigInt(h.timestamp),
          },
          bytesToHex(encodeProof(state.prove(OUTBOX_ROOT_KEY))),
        ],
      }),
    });
    this.o.logger.warn(
      {
        fault: site.kind,
        assertion: id,
        sibling: a.id,
        tx: site.tx,
        step: site.step,
        instruction: site.instruction,
      },
      "fault: posting a wrong assertion",
    );
  }

  /** The history we play in a game on `assertion`: the false one if it is a lie of ours, else undefined. */
  history(assertion: AssertionRecord, honest: DisputeHistory): History | undefined {
    const p = this.plan(assertion.id);
    if (p === undefined) return undefined;
    return faultyHistory(honest, p, hexToBytes(p.finalRoot), `fault ${this.o.seed} ${p.assertion}`);
  }
}
