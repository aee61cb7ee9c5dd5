import { type Abi, bytesToHex, decodeFunctionData, type Hex, hexToBytes, type PublicClient } from "viem";
import {
  bridgeAbi,
  challengeManagerAbi,
  checkDelayedChain,
  type DecodedLog,
  type L1Logger,
  type LogCursor,
  LogWatcher,
  rollupAbi,
  sequencerInboxAbi,
} from "../../l1/index.ts";
import { batchHash, batchTransactionRoot, decodeBatch } from "../../protocol/index.ts";
import {
  type AssertionRecord,
  type BatchRecord,
  type ChallengeRecord,
  type DelayedRecord,
  type Finding,
  FindingCode,
} from "../records.ts";
import type { VerifierDeployment } from "../VerifierDeployment.ts";
import type { VerifierStore } from "../VerifierStore.ts";

const CHALLENGE_EVENTS: readonly string[] = [
  "ChallengeStarted",
  "Bisected",
  "LevelSwitched",
  "ChallengeEnded",
];

/** The events the verifier follows, from the four contracts, as one ABI (one watcher: one cursor, chain order). */
export const FOLLOWED_ABI = [
  ...sequencerInboxAbi.filter((e) => e.type === "event" && e.name === "BatchPosted"),
  ...bridgeAbi.filter((e) => e.type === "event" && e.name === "MessageQueued"),
  ...rollupAbi.filter(
    (e) =>
      e.type === "event" &&
      ["AssertionCreated", "AssertionConfirmed", "AssertionRejected"].includes(e.name as string),
  ),
  ...challengeManagerAbi.filter((e) => e.type === "event" && CHALLENGE_EVENTS.includes(e.name as string)),
] as const satisfies Abi;

/** What the follower reads from L1 for a challenge event besides its log (records.ts OnL1 and `ended`). */
interface ChallengeExtras {
  l1Tx: Hex;
  at: number;
  by?: Hex;
  part?: number;
  step?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the merged ABI's decoded arguments, read by event name below.
type AnyLog = DecodedLog<Abi> & { args: any; eventName: string };

export interface L1FollowerOptions {
  readonly client: PublicClient;
  readonly deployment: VerifierDeployment;
  readonly store: VerifierStore;
  readonly confirmations: number;
  readonly logger: L1Logger;
  /** After each range is stored: what it brought (the verifier schedules replay and games from it). */
  onRange?(news: { batches: number; assertions: Hex[]; challenges: number[] }): Promise<void> | void;
  /** After a reorg rewound the store: the first batch forgotten (the replay must be undone from it). */
  onRewind?(firstBatch: number | undefined): Promise<void> | void;
}

/**
 * Follows the rollup on L1 from the stored cursor, `confirmations` deep (l1/ LogWatcher, with its reorg rewind):
 * SequencerInbox batches (the posting transaction's calldata decoded with protocol/rollup and checked against
 * the recorded header and hash), the bridge's delayed messages (checked against its accumulator), assertions,
 * challenges and their moves. Everything goes to the verifier's own database.
 */
export class L1Follower {
  readonly watcher: LogWatcher<typeof FOLLOWED_ABI>;
  private readonly o: L1FollowerOptions;

  constructor(o: L1FollowerOptions) {
    this.o = o;
    const c = o.deployment.contracts;
    this.watcher = new LogWatcher(
      {
        client: o.client,
        address: [c.sequencerInbox.address, c.bridge.address, c.rollup.address, c.challengeManager.address],
        abi: FOLLOWED_ABI,
        fromBlock: BigInt(o.deployment.fromBlock),
        confirmations: o.confirmations,
        logger: o.logger,
        onLogs: (logs, cursor) => this.onLogs(logs as unknown as AnyLog[], cursor),
        onRewind: async (keep, cursor) => {
          const first = await o.store.rewind(keep, cursor);
          o.logger.warn(
            { keep: keep?.toString() ?? null, firstBatch: first ?? null },
            "reorg: store rewound",
          );
          await o.onRewind?.(first);
        },
      },
      o.store.cursor(),
    );
  }

  /** One step of the watcher (one log range at most). */
  poll(): Promise<boolean> {
    return this.watcher.poll();
  }

  /** The L1 block the store has read up to. */
  get block(): bigint {
    return this.watcher.position.checkpoints.at(-1)?.number ?? BigInt(this.o.deployment.fromBlock - 1);
  }

  private async onLogs(logs: readonly AnyLog[], cursor: LogCursor): Promise<void> {
    const { store } = this.o;
    // Reads first (the posting transactions' calldata), then one LMDB transaction with the cursor.
    const batches: BatchRecord[] = [];
    const delayed: DelayedRecord[] = [];
    for (const log of logs) {
      if (log.eventName === "BatchPosted") batches.push(await this.batchOf(log));
      if (log.eventName === "MessageQueued")
        delayed.push({
          index: Number(log.args.index),
          transaction: log.args.transaction as Hex,
          queuedAt: Number(log.args.queuedAt),
          accumulator: log.args.accumulator as Hex,
          l1Block: Number(log.blockNumber),
        });
    }
    if (delayed.length > 0) {
      const next = store.delayedCount();
      const previous = next === 0 ? undefined : store.delayed.get(next - 1);
      const check = checkDelayedChain(
        { next: BigInt(next), accumulator: previous?.accumulator ?? bytesToHex(new Uint8Array(32)) },
        delayed.map((d) => ({
          index: BigInt(d.index),
          kind: Number.parseInt(d.transaction.slice(2, 4), 16),
          sender: "0x",
          accumulator: d.accumulator,
          queuedAt: BigInt(d.queuedAt),
          transaction: d.transaction,
          l1Block: BigInt(d.l1Block),
        })),
      );
      // An RPC that skipped or altered a message: nothing of this range is stored; the watcher retries it.
      if (!check.ok)
        throw new Error(
          `${FindingCode.DELAYED_CHAIN}: delayed message ${check.index} fails the ${check.reason} check; retrying the range`,
        );
    }
    const onL1 = await this.challengeExtras(logs);
    const news = { batches: batches.length, assertions: [] as Hex[], challenges: [] as number[] };
    await store.commit(cursor, () => {
      for (const b of batches) store.batches.put(b.number, b);
      for (const d of delayed) store.delayed.put(d.index, d);
      for (const log of logs) this.applyRollupOrGame(log, news, onL1.get(log) ?? {});
    });
    for (const b of batches)
      if (b.finding)
        this.o.logger.warn(
          { batch: b.number, finding: b.finding.code },
          `batch finding: ${b.finding.detail}`,
        );
    await this.o.onRange?.(news);
  }

  /**
   * What a challenge event's log does not carry, read from L1 before the range is stored (one block read per block
   * with challenge events, one transaction read per ended challenge): the block's time, and for ChallengeEnded who
   * sent it and, if it was a direct proveStep call, the part and step it proved (the explorer API shows them).
   */
  private async challengeExtras(logs: readonly AnyLog[]): Promise<Map<AnyLog, ChallengeExtras>> {
    const out = new Map<AnyLog, ChallengeExtras>();
    const times = new Map<bigint, number>();
    for (const log of logs) {
      if (!CHALLENGE_EVENTS.includes(log.eventName)) continue;
      let at = times.get(log.blockNumber);
      if (at === undefined) {
        at = Number((await this.o.client.getBlock({ blockNumber: log.blockNumber })).timestamp);
        times.set(log.blockNumber, at);
      }
      const extras: ChallengeExtras = { l1Tx: log.transactionHash, at };
      out.set(log, extras);
      if (log.eventName !== "ChallengeEnded") continue;
      const tx = await this.o.client.getTransaction({ hash: log.transactionHash });
      extras.by = tx.from;
      if (tx.to?.toLowerCase() !== log.address.toLowerCase()) continue;
      try {
        const call = decodeFunctionData({ abi: challengeManagerAbi, data: tx.input });
        if (call.functionName !== "proveStep") continue;
        const [, prev, k] = call.args;
        const parts = BigInt(prev.values.length - 1);
        extras.part = Number(k);
        extras.step = Number(prev.lo + (k * (prev.hi - prev.lo)) / parts);
      } catch {
        // Not a ChallengeManager call we know: the proof's step stays unknown (the API derives it).
      }
    }
    return out;
  }

  private applyRollupOrGame(
    log: AnyLog,
    news: { assertions: Hex[]; challenges: number[] },
    extras: Partial<ChallengeExtras>,
  ): void {
    const { store } = this.o;
    const a = log.args;
    const block = Number(log.blockNumber);
    switch (log.eventName) {
      case "AssertionCreated": {
        const record: AssertionRecord = {
          id: a.assertion,
          parent: a.parent,
          proposer: a.proposer,
          stateRoot: a.data.stateRoot,
          outboxRoot: a.data.outboxRoot,
          batchEnd: Number(a.data.batchEnd),
          txEnd: Number(a.data.txEnd),
          delayedEnd: Number(a.data.delayedEnd),
          deadline: Number(a.deadline),
          l1Block: block,
          status: "pending",
          seenAt: Date.now(),
        };
        store.assertions.put(record.id, record);
        news.assertions.push(record.id);
        return;
      }
      case "AssertionConfirmed":
      case "AssertionRejected": {
        const r = store.assertions.get(a.assertion);
        if (r)
          store.assertions.put(r.id, {
            ...r,
            status: log.eventName === "AssertionConfirmed" ? "confirmed" : "rejected",
          });
        return;
      }
      case "ChallengeStarted": {
        const c: ChallengeRecord = {
          id: Number(a.id),
          assertion: a.assertion,
          challenger: a.challenger,
          defender: a.defender,
          l1Block: block,
          startRoot: a.startRoot,
          claimedRoot: a.claimedRoot,
          events: [{ kind: "started", l1Block: block, transactions: Number(a.transactions), ...extras }],
        };
        store.challenges.put(c.id, c);
        news.challenges.push(c.id);
        return;
      }
      case "Bisected":
      case "LevelSwitched":
      case "ChallengeEnded": {
        const id = Number(a.id);
        const c = store.challenges.get(id);
        if (!c) return;
        const event =
          log.eventName === "Bisected"
            ? {
                kind: "bisected" as const,
                l1Block: block,
                mover: a.mover,
                level: Number(a.level),
                lo: Number(a.lo),
                hi: Number(a.hi),
                values: a.values,
                ...extras,
              }
            : log.eventName === "LevelSwitched"
              ? {
                  kind: "levelSwitched" as const,
                  l1Block: block,
                  txIndex: Number(a.txIndex),
                  roots: {
                    rootBefore: a.roots.rootBefore as Hex,
                    defenderRoot: a.roots.defenderRoot as Hex,
                    challengerRoot: a.roots.challengerRoot as Hex,
                  },
                  ...extras,
                }
              : {
                  kind: "ended" as const,
                  l1Block: block,
                  defenderWon: a.defenderWon as boolean,
                  reason: Number(a.reason),
                  ...extras,
                };
        store.challenges.put(id, { ...c, events: [...c.events, event] });
        news.challenges.push(id);
        return;
      }
    }
  }

  /** A BatchPosted log with its transactions from the posting calldata, or the finding that says why not. */
  private async batchOf(log: AnyLog): Promise<BatchRecord> {
    const h = log.args.header;
    const header = {
      txRoot: h.txRoot as Hex,
      seqCount: Number(h.seqCount),
      delayedBefore: Number(h.delayedBefore),
      delayedAfter: Number(h.delayedAfter),
      txsBefore: Number(h.txsBefore),
      timestamp: Number(h.timestamp),
    };
    const base = {
      number: Number(log.args.number),
      batchHash: log.args.batchHash as Hex,
      header,
      forced: log.args.forced as boolean,
      l1Block: Number(log.blockNumber),
      l1Tx: log.transactionHash,
    };
    const finding = (code: Finding["code"], detail: string): BatchRecord => ({
      ...base,
      finding: { code, detail },
    });
    const asBytes = { ...header, txRoot: hexToBytes(header.txRoot) };
    if (bytesToHex(batchHash(asBytes)) !== base.batchHash)
      return finding(FindingCode.BATCH_HASH_MISMATCH, "the event's batch hash is not its header's hash");
    // A forced batch carries no sequencer transactions; its delayed messages come from the bridge.
    if (base.forced || header.seqCount === 0) return { ...base, txs: [] };
    const tx = await this.o.client.getTransaction({ hash: log.transactionHash });
    let data: Hex;
    try {
      const call = decodeFunctionData({ abi: sequencerInboxAbi, data: tx.input });
      if (call.functionName !== "postBatch" || tx.to?.toLowerCase() !== log.address.toLowerCase())
        return finding(
          FindingCode.CALLDATA_UNAVAILABLE,
          `the posting transaction calls ${call.functionName}`,
        );
      data = call.args[0];
    } catch {
      return finding(
        FindingCode.CALLDATA_UNAVAILABLE,
        "the posting transaction is not a direct SequencerInbox.postBatch call",
      );
    }
    let txs: Uint8Array[];
    try {
      txs = decodeBatch(hexToBytes(data));
    } catch (e) {
      return finding(FindingCode.CALLDATA_MISMATCH, `the calldata does not decode: ${(e as Error).message}`);
    }
    if (txs.length !== header.seqCount || bytesToHex(batchTransactionRoot(txs)) !== header.txRoot)
      return finding(
        FindingCode.CALLDATA_MISMATCH,
        `the calldata's ${txs.length} transactions do not give the recorded root of ${header.seqCount}`,
      );
    return { ...base, txs: txs.map((t) => bytesToHex(t)) };
  }
}
