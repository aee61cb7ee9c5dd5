import { type Address, bytesToHex, encodeFunctionData, type Hash, type PublicClient } from "viem";
import { batchTransactionRoot } from "../../protocol/index.ts";
import { bridgeAbi, sequencerInboxAbi } from "../abi/index.ts";
import { L1Error } from "../errors.ts";
import { type IntentResult, intentKey } from "../intent.ts";
import type { L1Logger } from "../logger.ts";
import { stderrLogger } from "../logger.ts";
import type { AlreadyDone, TxSender } from "../TxSender.ts";
import type { BatchSource, SealedBatch } from "./BatchSource.ts";
import { type BatchPlanRefusal, type InboxState, planBatches } from "./planBatches.ts";

export interface BatchPosterOptions {
  readonly source: BatchSource;
  /** The sequencer key's TxSender, started with `checks.postBatch = BatchPoster.alreadyPosted(...)`. */
  readonly sender: TxSender;
  readonly client: PublicClient;
  readonly inbox: Address;
  readonly bridge: Address;
  /** The block that created the inbox (the deployment record's), where BatchPosted events start. */
  readonly inboxBlock?: bigint;
  /** Batches submitted ahead of L1 (each its own intent and nonce). */
  readonly maxAhead?: number;
  /** Blocks a posted batch must be deep before it is recorded with the batch (default the sender's). */
  readonly confirmations?: number;
  readonly logger?: L1Logger;
}

/** L1's batch n is not the sequencer's batch n (a forced inclusion took its number, or another poster). */
export class BatchMismatchError extends L1Error {
  override name = "BatchMismatchError";
  constructor(n: bigint, what: string) {
    super(
      `L1's batch ${n} differs from the sequencer's sealed batch ${n} (${what})`,
      "the sequencer must rebuild its batches from L1's (after a forced inclusion it continues from the forced state); the poster posts nothing until then",
      { batch: n.toString(), what },
    );
  }
}

/** What one tick did. */
export interface BatchPosterTick {
  readonly batchCount: bigint;
  /** Batches submitted as intents this tick (already-queued ones are not repeated). */
  readonly submitted: readonly bigint[];
  /** Batches recorded as posted (markPosted) this tick. */
  readonly recorded: readonly bigint[];
  /** Why the next sealed batch cannot be posted, if so (nothing from it on is sent). */
  readonly refusal: { readonly number: bigint; readonly refusal: BatchPlanRefusal } | null;
  /** Seconds of L1 time since the oldest sealed batch not on L1 was sealed (0 when none waits): a metric. */
  readonly oldestUnpostedAge: bigint;
}

const batchOfKey = (key: string): bigint | null => {
  const m = /^postBatch\/(\d+)$/.exec(key);
  return m ? BigInt(m[1]) : null;
};

/**
 * Posts the sequencer's sealed batches to SequencerInbox.postBatch in order, each as the idempotent intent
 * `postBatch/<n>`, at most `maxAhead` beyond L1's count; checks each batch's encoding and the hash the inbox will
 * record before sending; records each one with its L1 transaction, block and hash once it is deep enough,
 * after checking that L1's batch n is the sequencer's (header from the BatchPosted event).
 */
export class BatchPoster {
  private readonly o: BatchPosterOptions;
  private readonly log: L1Logger;
  private recordedUpTo: bigint | null = null;

  constructor(options: BatchPosterOptions) {
    this.o = options;
    this.log = options.logger ?? stderrLogger;
  }

  /** The alreadyDone check of `postBatch/<n>` intents: the inbox holds more than n batches. */
  static alreadyPosted(client: PublicClient, inbox: Address): AlreadyDone {
    return async (intent) => {
      const n = batchOfKey(intent.key);
      if (n === null)
        throw new L1Error(`not a batch intent key: ${intent.key}`, "use intentKey.postBatch(n)");
      const count = await client.readContract({
        address: inbox,
        abi: sequencerInboxAbi,
        functionName: "batchCount",
      });
      return count > n;
    };
  }

  private async inboxState(): Promise<InboxState> {
    const read = <F extends "batchCount" | "delayedConsumed" | "totalTransactions" | "lastTimestamp">(f: F) =>
      this.o.client.readContract({ address: this.o.inbox, abi: sequencerInboxAbi, functionName: f });
    const [batchCount, delayedConsumed, totalTransactions, lastTimestamp, queued] = await Promise.all([
      read("batchCount"),
      read("delayedConsumed"),
      read("totalTransactions"),
      read("lastTimestamp"),
      this.o.client.readContract({ address: this.o.bridge, abi: bridgeAbi, functionName: "messageCount" }),
    ]);
    return {
      batchCount: batchCount as bigint,
      delayedConsumed: Number(delayedConsumed),
      totalTransactions: Number(totalTransactions),
      lastTimestamp: Number(lastTimestamp),
      delayedQueued: Number(queued),
    };
  }

  /** One round: record what L1 holds deep enough, then submit the next sealed batches. */
  async tick(): Promise<BatchPosterTick> {
    const l1 = await this.inboxState();
    const recorded = await this.recordPosted(l1.batchCount);
    const ahead = this.o.maxAhead ?? 4;
    const sealed = await this.o.source.sealedFrom(l1.batchCount, ahead);
    const plan = planBatches(l1, sealed);
    const submitted: bigint[] = [];
    let previousFailed = false;
    for (const b of plan.batches) {
      const key = intentKey.postBatch(b.number);
      const status = await this.o.sender.intents.status(key);
      const intent = {
        key,
        kind: "postBatch" as const,
        to: this.o.inbox,
        ...(b.number > 0n ? { after: intentKey.postBatch(b.number - 1n) } : {}),
        data: encodeFunctionData({
          abi: sequencerInboxAbi,
          functionName: "postBatch",
          args: [b.calldata, BigInt(b.timestamp), BigInt(b.delayedAfter)],
        }),
      };
      if (status?.jobState === "failed") {
        // It reverted as sealed (e.g. a timestamp L1 no longer accepts): once the sequencer seals batch n again,
        // differently, the new one is sent; the same batch again would only revert again.
        const blocked = status.progress.lastError?.kind === "predecessorFailed";
        // Same batch, reverted: it would revert again. Blocked by a batch before it still failed: wait for that one.
        if ((!blocked && status.intent.data === intent.data) || (blocked && previousFailed)) {
          previousFailed = true;
          this.log.error(
            { batch: b.number.toString(), errorName: status.progress.lastError?.errorName },
            "batch post reverted; the sequencer must seal it again",
          );
          continue;
        }
        await this.o.sender.intents.resubmit(intent);
        previousFailed = false;
        submitted.push(b.number);
        this.log.warn({ batch: b.number.toString(), batchHash: b.batchHash }, "resealed batch submitted");
        continue;
      }
      previousFailed = false;
      if (status) continue; // queued, in flight, or posted (L1's count catches up)
      await this.o.sender.submit(intent);
      submitted.push(b.number);
      this.log.info({ batch: b.number.toString(), batchHash: b.batchHash }, "batch submitted");
    }
    const refusal = plan.ok ? null : { number: plan.number, refusal: plan.refusal };
    if (refusal) {
      this.log.error(
        {
          batch: refusal.number.toString(),
          ...refusal.refusal,
          fix: "the sequencer must seal this batch again",
        },
        "sealed batch refused before sending",
      );
    }
    const oldest = sealed[0];
    const now = (await this.o.client.getBlock({ blockTag: "latest" })).timestamp;
    const oldestUnpostedAge = oldest && now > BigInt(oldest.timestamp) ? now - BigInt(oldest.timestamp) : 0n;
    return { batchCount: l1.batchCount, submitted, recorded, refusal, oldestUnpostedAge };
  }

  /**
   * Records batches L1 holds `confirmations` deep, in order, after checking each against the sealed batch (its
   * transaction root, count, delayed count and timestamp as the BatchPosted event recorded them).
   */
  private async recordPosted(batchCount: bigint): Promise<bigint[]> {
    if (this.recordedUpTo === null) this.recordedUpTo = await this.o.source.postedCount();
    const done: bigint[] = [];
    if (this.recordedUpTo >= batchCount) return done;
    const head = await this.o.client.getBlockNumber({ cacheTime: 0 });
    const depth = BigInt(this.o.confirmations ?? this.o.sender.config.confirmations);
    const sealed = await this.o.source.sealedFrom(this.recordedUpTo, Number(batchCount - this.recordedUpTo));
    for (const b of sealed) {
      if (b.number >= batchCount) break;
      const event = await this.postedEvent(b.number);
      if (!event || head - event.blockNumber + 1n < depth) break;
      this.check(b, event.header);
      const result = (await this.o.sender.intents.status(intentKey.postBatch(b.number)))?.result as
        | IntentResult
        | null
        | undefined;
      await this.o.source.markPosted({
        number: b.number,
        batchHash: event.batchHash,
        txHash: result?.hash ?? event.transactionHash,
        blockNumber: event.blockNumber,
      });
      this.recordedUpTo = b.number + 1n;
      done.push(b.number);
    }
    return done;
  }

  private check(
    b: SealedBatch,
    h: { txRoot: Hash; seqCount: bigint; delayedAfter: bigint; timestamp: bigint },
  ): void {
    const root = bytesToHex(batchTransactionRoot(b.transactions));
    if (h.txRoot !== root)
      throw new BatchMismatchError(b.number, `transaction root ${h.txRoot}, sealed ${root}`);
    if (h.seqCount !== BigInt(b.transactions.length)) {
      throw new BatchMismatchError(b.number, `${h.seqCount} transactions, sealed ${b.transactions.length}`);
    }
    if (h.delayedAfter !== BigInt(b.delayedAfter)) {
      throw new BatchMismatchError(b.number, `delayedAfter ${h.delayedAfter}, sealed ${b.delayedAfter}`);
    }
    if (h.timestamp !== BigInt(b.timestamp)) {
      throw new BatchMismatchError(b.number, `timestamp ${h.timestamp}, sealed ${b.timestamp}`);
    }
  }

  private async postedEvent(n: bigint) {
    const logs = await this.o.client.getContractEvents({
      address: this.o.inbox,
      abi: sequencerInboxAbi,
      eventName: "BatchPosted",
      args: { number: n },
      fromBlock: this.o.inboxBlock ?? 0n,
    });
    const l = logs.at(-1);
    if (!l || l.blockNumber === null) return null;
    return {
      batchHash: l.args.batchHash as Hash,
      header: l.args.header as { txRoot: Hash; seqCount: bigint; delayedAfter: bigint; timestamp: bigint },
      blockNumber: l.blockNumber,
      transactionHash: l.transactionHash as Hash,
    };
  }
}
