/**
 * The sequencer's record of the rollup's assertions and the outbox's claims, kept in its data
 * directory (l1-assertions.json) and brought up to date from L1 events, `confirmations` deep, by
 * the L1 work's loop: a cursor, so each poll reads only new blocks and the trader API answers from
 * the file's state without touching L1. The proposer itself keeps no record (it re-reads its own
 * AssertionCreated events each tick, docs/l1.md); this one follows every proposer's assertions, so
 * a withdrawal is claimable whoever's assertion confirmed it.
 */
import { join } from "node:path";
import type { Hex, PublicClient } from "viem";
import {
  bridgeAbi,
  type DecodedLog,
  type L1Logger,
  type LogCursor,
  LogWatcher,
  outboxAbi,
  rollupAbi,
} from "../../l1/index.ts";
import {
  type AssertionLog,
  type AssertionSource,
  type AssertionState,
  applyAssertionLogs,
  EMPTY_ASSERTION_STATE,
  rewindAssertionState,
} from "./assertionState.ts";
import { JsonFile } from "./JsonFile.ts";

const ABI = [...rollupAbi, ...outboxAbi] as const;
type Abi = typeof ABI;
const EVENTS = ["AssertionCreated", "AssertionConfirmed", "AssertionRejected", "WithdrawalClaimed"] as const;

interface Stored {
  readonly cursor: LogCursor;
  readonly state: AssertionState;
}

export interface AssertionRecordOptions {
  readonly client: PublicClient;
  readonly rollup: Hex;
  readonly bridge: Hex;
  /** The block that created the rollup (deployment record): its genesis assertion is there. */
  readonly fromBlock: bigint;
  readonly confirmations: number;
  readonly dataDir: string;
  readonly logger?: L1Logger;
}

/** An L1 log in the shape the state reduces (pure). */
export function assertionLogOf(l: DecodedLog<Abi>): AssertionLog | null {
  const block = l.blockNumber;
  switch (l.eventName) {
    case "AssertionCreated":
      return {
        kind: "created",
        block,
        id: l.args.assertion,
        parent: l.args.parent,
        proposer: l.args.proposer.toLowerCase() as Hex,
        stateRoot: l.args.data.stateRoot,
        batchEnd: Number(l.args.data.batchEnd),
        deadline: Number(l.args.deadline),
      };
    case "AssertionConfirmed":
      return { kind: "confirmed", block, id: l.args.assertion };
    case "AssertionRejected":
      return { kind: "rejected", block, id: l.args.assertion };
    case "WithdrawalClaimed":
      return {
        kind: "claimed",
        block,
        index: l.args.index,
        recipient: l.args.recipient.toLowerCase() as Hex,
        amount: l.args.amount,
        assertion: l.args.assertion,
        l1TxHash: l.transactionHash,
      };
    default:
      return null;
  }
}

export class AssertionRecord implements AssertionSource {
  private state: AssertionState;
  private constructor(
    readonly outbox: Hex,
    private readonly file: JsonFile<Stored>,
    private readonly watcher: LogWatcher<Abi>,
    stored: Stored | undefined,
  ) {
    this.state = stored?.state ?? EMPTY_ASSERTION_STATE;
  }

  /** Loads the stored record; the Outbox's address is read from the bridge (the deployment wired them). */
  static async open(o: AssertionRecordOptions): Promise<AssertionRecord> {
    const outbox = (
      await o.client.readContract({
        address: o.bridge,
        abi: bridgeAbi,
        functionName: "outbox",
      })
    ).toLowerCase() as Hex;
    const file = new JsonFile<Stored>(join(o.dataDir, "l1-assertions.json"));
    const stored = file.read();
    let record: AssertionRecord | undefined;
    const watcher = new LogWatcher<Abi>(
      {
        client: o.client,
        address: [o.rollup, outbox],
        abi: ABI,
        eventNames: [...EVENTS],
        fromBlock: o.fromBlock,
        confirmations: o.confirmations,
        logger: o.logger,
        onLogs: async (logs, cursor) => record!.accept(logs, cursor),
        onRewind: async (keep, cursor) => record!.rewind(keep, cursor),
      },
      stored?.cursor ?? null,
    );
    record = new AssertionRecord(outbox, file, watcher, stored);
    return record;
  }

  current(): AssertionState {
    return this.state;
  }

  /** Reads one range of new blocks, if one is deep enough; returns whether it did (poll again at once). */
  poll(): Promise<boolean> {
    return this.watcher.poll();
  }

  private accept(logs: readonly DecodedLog<Abi>[], cursor: LogCursor): void {
    const events = logs.map(assertionLogOf).filter((l): l is AssertionLog => l !== null);
    const next = applyAssertionLogs(this.state, events);
    this.file.write({ cursor, state: next });
    this.state = next;
  }

  private rewind(keep: bigint | null, cursor: LogCursor): void {
    const next = rewindAssertionState(this.state, keep);
    this.file.write({ cursor, state: next });
    this.state = next;
  }
}
