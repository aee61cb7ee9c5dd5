import { type Address, encodeFunctionData, type Hash, type Hex, type PublicClient } from "viem";
import { rollupAbi, sequencerInboxAbi } from "../abi/index.ts";
import { L1Error } from "../errors.ts";
import { type IntentKind, intentKey } from "../intent.ts";
import type { L1Logger } from "../logger.ts";
import { stderrLogger } from "../logger.ts";
import type { BatchSource } from "../poster/BatchSource.ts";
import type { AlreadyDone, TxSender } from "../TxSender.ts";
import { assertionIntent } from "./assertionIntent.ts";
import { AssertionStatus, nextAssertionEnd, type OwnAssertion } from "./planProposal.ts";

/** The node's own replay: the state after batch `batchEnd - 1`, with the proof of its outbox root. */
export interface ReplaySource {
  stateAfter(batchEnd: bigint): Promise<{ stateRoot: Hex; outboxRoot: Hex; outboxProof: Hex } | null>;
}

export interface ProposerOptions {
  readonly sender: TxSender;
  readonly client: PublicClient;
  readonly rollup: Address;
  readonly inbox: Address;
  /** The block that created the rollup and the inbox (deployment record): where their events start. */
  readonly fromBlock?: bigint;
  readonly batches: BatchSource;
  readonly replay: ReplaySource;
  /** Seconds of L1 time between two of its assertions. */
  readonly cadenceS: bigint;
  /** Batches must be this deep before an assertion covers them. */
  readonly confirmations: number;
  readonly maxBatches?: bigint;
  readonly logger?: L1Logger;
}

/** The replay and the sequencer's batch store disagree on a state root: the proposer proposes nothing. */
export class ReplayDisagreesError extends L1Error {
  override name = "ReplayDisagreesError";
  constructor(batch: bigint, replayed: Hex, sealed: Hex) {
    super(
      `the replay's state root after batch ${batch} is ${replayed}, the sequencer's is ${sealed}; not proposing`,
      "find which is wrong before anything is proposed (a verifier replay of L1's batches decides)",
      { batch: batch.toString(), replayed, sealed },
    );
  }
}

const assertionOfKey = (key: string): Hash => key.slice(key.indexOf("/") + 1) as Hash;

/**
 * Posts assertions with the bond over batches `confirmations` deep, every `cadenceS`, building its own chain;
 * confirms each once its challenge period is over and withdraws the bonds. Only roots its own replay produced and
 * the sequencer's batch store agrees with are proposed. Its chain is recovered from L1 (AssertionCreated events by
 * this proposer), so a restart or a Redis wipe resumes without posting twice.
 */
export class Proposer {
  private readonly o: ProposerOptions;
  private readonly log: L1Logger;
  private withdrawKey: string | null = null;
  readonly address: Address;

  constructor(options: ProposerOptions) {
    this.o = options;
    this.log = options.logger ?? stderrLogger;
    this.address = options.sender.signer;
  }

  /** alreadyDone checks for the proposer's TxSender: postAssertion (it exists), confirm (no longer pending). */
  static checks(
    client: PublicClient,
    rollup: Address,
    proposer: Address,
  ): Pick<Record<IntentKind, AlreadyDone>, "postAssertion" | "confirmAssertion" | "withdrawBonds"> {
    const status = async (id: Hash) =>
      (
        await client.readContract({
          address: rollup,
          abi: rollupAbi,
          functionName: "getAssertion",
          args: [id],
        })
      ).status;
    return {
      postAssertion: async (i) => (await status(assertionOfKey(i.key))) !== AssertionStatus.None,
      confirmAssertion: async (i) => (await status(assertionOfKey(i.key))) !== AssertionStatus.Pending,
      withdrawBonds: async () =>
        (await client.readContract({
          address: rollup,
          abi: rollupAbi,
          functionName: "withdrawable",
          args: [proposer],
        })) === 0n,
    };
  }

  /** Its assertions on L1, oldest first (from AssertionCreated events). */
  async ownAssertions(): Promise<
    { id: Hash; batchEnd: bigint; status: number; createdAt: bigint; parent: Hash }[]
  > {
    const logs = await this.o.client.getContractEvents({
      address: this.o.rollup,
      abi: rollupAbi,
      eventName: "AssertionCreated",
      args: { proposer: this.address },
      fromBlock: this.o.fromBlock ?? 0n,
    });
    const out = [];
    for (const l of logs) {
      const id = l.args.assertion as Hash;
      const a = await this.o.client.readContract({
        address: this.o.rollup,
        abi: rollupAbi,
        functionName: "getAssertion",
        args: [id],
      });
      out.push({ id, batchEnd: a.batchEnd, status: a.status, createdAt: a.createdAt, parent: a.parent });
    }
    return out;
  }

  /** The parent of the next assertion: its own newest live assertion, or the latest confirmed when that is further. */
  private async last(own: Awaited<ReturnType<Proposer["ownAssertions"]>>): Promise<OwnAssertion> {
    const confirmedId = await this.o.client.readContract({
      address: this.o.rollup,
      abi: rollupAbi,
      functionName: "latestConfirmed",
    });
    const confirmed = await this.o.client.readContract({
      address: this.o.rollup,
      abi: rollupAbi,
      functionName: "getAssertion",
      args: [confirmedId],
    });
    const live = own.filter(
      (a) => a.status === AssertionStatus.Pending || a.status === AssertionStatus.Confirmed,
    );
    const mine = live.at(-1);
    if (mine && mine.batchEnd >= confirmed.batchEnd)
      return { id: mine.id, batchEnd: mine.batchEnd, createdAt: mine.createdAt };
    // Nothing of its own since the confirmed one: propose at once (no cadence to wait for).
    return { id: confirmedId, batchEnd: confirmed.batchEnd, createdAt: 0n };
  }

  /** One round: confirm what is due, withdraw bonds, propose the next assertion if due. Returns what it submitted. */
  async tick(): Promise<{
    proposed: Hash | null;
    confirming: Hash[];
    withdrawing: boolean;
    /** L1 seconds since its last assertion was created (null before its first): a metric. */
    sinceLastAssertion: bigint | null;
  }> {
    const block = await this.o.client.getBlock({ blockTag: "latest" });
    const now = block.timestamp;
    const own = await this.ownAssertions();
    const period = await this.o.client.readContract({
      address: this.o.rollup,
      abi: rollupAbi,
      functionName: "challengePeriod",
    });
    const latestConfirmed = await this.o.client.readContract({
      address: this.o.rollup,
      abi: rollupAbi,
      functionName: "latestConfirmed",
    });
    // Confirm in chain order: only the child of the latest confirmed can be confirmed now.
    const confirming: Hash[] = [];
    for (const a of own) {
      if (a.status !== AssertionStatus.Pending || a.parent !== latestConfirmed || now < a.createdAt + period)
        continue;
      await this.o.sender.submit({
        key: intentKey.confirmAssertion(a.id),
        kind: "confirmAssertion",
        to: this.o.rollup,
        data: encodeFunctionData({ abi: rollupAbi, functionName: "confirm", args: [a.id] }),
      });
      confirming.push(a.id);
    }
    const credit = await this.o.client.readContract({
      address: this.o.rollup,
      abi: rollupAbi,
      functionName: "withdrawable",
      args: [this.address],
    });
    let withdrawing = false;
    // One withdrawal in flight at a time (a second would find nothing left and revert).
    const inFlight = this.withdrawKey ? await this.o.sender.intents.status(this.withdrawKey) : null;
    const busy = inFlight !== null && inFlight.jobState !== "completed" && inFlight.jobState !== "failed";
    if (credit > 0n && !busy) {
      this.withdrawKey = intentKey.withdrawBonds(this.o.rollup, block.number);
      // One intent per credited state: a later credit (another confirmation) gets a new key.
      await this.o.sender.submit({
        key: this.withdrawKey,
        kind: "withdrawBonds",
        to: this.o.rollup,
        data: encodeFunctionData({ abi: rollupAbi, functionName: "withdrawBonds" }),
      });
      withdrawing = true;
    }
    const lastOwn = own.at(-1);
    return {
      proposed: await this.propose(own, now),
      confirming,
      withdrawing,
      sinceLastAssertion: lastOwn ? now - lastOwn.createdAt : null,
    };
  }

  private async propose(
    own: Awaited<ReturnType<Proposer["ownAssertions"]>>,
    now: bigint,
  ): Promise<Hash | null> {
    const last = await this.last(own);
    const head = await this.o.client.getBlockNumber({ cacheTime: 0 });
    const posted = await this.o.client.getContractEvents({
      address: this.o.inbox,
      abi: sequencerInboxAbi,
      eventName: "BatchPosted",
      fromBlock: this.o.fromBlock ?? 0n,
    });
    const deep = posted.filter(
      (l) => l.blockNumber !== null && head - l.blockNumber + 1n >= BigInt(this.o.confirmations),
    );
    // Batches are posted in order: the deep ones are a prefix.
    const deepCount = BigInt(deep.length);
    const end = nextAssertionEnd({
      last,
      deepBatchCount: deepCount,
      now,
      cadenceS: this.o.cadenceS,
      maxBatches: this.o.maxBatches ?? 1_000n,
    });
    if (end === null) return null;
    const lastBatch = deep.find((l) => l.args.number === end - 1n);
    if (!lastBatch?.args.header) return null;
    const replayed = await this.o.replay.stateAfter(end);
    if (!replayed) return null; // the replay has not reached it yet
    const sealed = (await this.o.batches.sealedFrom(end - 1n, 1))[0];
    if (!sealed || sealed.number !== end - 1n) return null;
    if (sealed.postRoot !== replayed.stateRoot)
      throw new ReplayDisagreesError(end - 1n, replayed.stateRoot, sealed.postRoot);
    const bond = await this.o.client.readContract({
      address: this.o.rollup,
      abi: rollupAbi,
      functionName: "assertionBond",
    });
    const { id, intent } = assertionIntent({
      rollup: this.o.rollup,
      proposer: this.address,
      bond,
      parent: last.id,
      batchEnd: end,
      lastBatch: lastBatch.args.header,
      state: replayed,
    });
    await this.o.sender.submit(intent);
    this.log.info({ assertion: id, parent: last.id, batchEnd: end.toString() }, "assertion submitted");
    return id;
  }
}
