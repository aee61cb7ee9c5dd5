import type { Address, Hash, PublicClient } from "viem";
import { bridgeAbi, sequencerInboxAbi } from "../abi/index.ts";
import { L1Error } from "../errors.ts";
import type { L1Logger } from "../logger.ts";
import { stderrLogger } from "../logger.ts";
import type { LogCursor } from "../logRange.ts";
import { LogWatcher } from "../watchLogs.ts";
import {
  checkDelayedChain,
  type DelayedChainHead,
  type DelayedMessage,
  oldestUnconsumedAge,
} from "./checkDelayedChain.ts";

/** What the follower stores (in the sequencer's database, with the messages, in one transaction). */
export interface DelayedFollowerState {
  readonly cursor: LogCursor;
  readonly head: DelayedChainHead;
}

/**
 * The sequencer's side of the delayed inbox (the sequencer implements it; l1/ does not import the sequencer).
 */
export interface DelayedSink {
  /** The stored state, or null before the first message. */
  load(): Promise<DelayedFollowerState | null>;
  /** New messages, in order from the stored head's `next`, and the state after them. */
  accept(messages: readonly DelayedMessage[], state: DelayedFollowerState): Promise<void>;
  /**
   * A reorg removed the messages from `fromIndex` on (they may come back, maybe in another order): forget them. If
   * the sequencer already executed one, it must rebuild from L1 (it only takes messages `confirmations` deep, so
   * this is a reorg deeper than that).
   */
  rewind(fromIndex: bigint, state: DelayedFollowerState): Promise<void>;
}

/** A MessageQueued log that does not continue the accumulator chain (an RPC that skips or alters messages). */
export class DelayedChainError extends L1Error {
  override name = "DelayedChainError";
  constructor(index: bigint, reason: string) {
    super(
      `delayed message ${index} does not continue the bridge's accumulator chain (${reason})`,
      "check the L1 RPC (it skipped or altered a log); the follower accepts nothing until the chain checks",
      { index: index.toString(), reason },
    );
  }
}

export interface DelayedInboxFollowerOptions {
  readonly client: PublicClient;
  readonly bridge: Address;
  readonly inbox: Address;
  /** The block that created the bridge (deployment record). */
  readonly fromBlock: bigint;
  readonly confirmations: number;
  readonly sink: DelayedSink;
  readonly logger?: L1Logger;
}

/**
 * Reads Bridge.MessageQueued (deposits, forced withdrawals and cancels) `confirmations` deep, checks each against
 * the accumulator chain, and hands them to the sequencer in order; rewinds on reorgs. `backlogSeconds()` is the age
 * of the oldest message the inbox has not consumed (to keep well under forceInclusionDelay).
 */
export class DelayedInboxFollower {
  private readonly o: DelayedInboxFollowerOptions;
  private readonly log: L1Logger;
  private watcher: LogWatcher<typeof bridgeAbi> | null = null;
  private head: DelayedChainHead = { next: 0n, accumulator: `0x${"00".repeat(32)}` };
  private readonly queuedAt = new Map<bigint, bigint>();

  constructor(options: DelayedInboxFollowerOptions) {
    this.o = options;
    this.log = options.logger ?? stderrLogger;
  }

  private async start(): Promise<LogWatcher<typeof bridgeAbi>> {
    if (this.watcher) return this.watcher;
    const stored = await this.o.sink.load();
    if (stored) this.head = stored.head;
    this.watcher = new LogWatcher(
      {
        client: this.o.client,
        address: this.o.bridge,
        abi: bridgeAbi,
        eventNames: ["MessageQueued"],
        fromBlock: this.o.fromBlock,
        confirmations: this.o.confirmations,
        logger: this.log,
        onLogs: async (logs, cursor) => {
          const messages: DelayedMessage[] = [];
          for (const l of logs) {
            if (l.eventName !== "MessageQueued") continue;
            messages.push({
              index: l.args.index,
              kind: l.args.kind,
              sender: l.args.sender,
              accumulator: l.args.accumulator,
              queuedAt: l.args.queuedAt,
              transaction: l.args.transaction,
              l1Block: l.blockNumber,
            });
          }
          const checked = checkDelayedChain(this.head, messages);
          if (!checked.ok) throw new DelayedChainError(checked.index, checked.reason);
          await this.o.sink.accept(messages, { cursor, head: checked.head });
          for (const m of messages) this.queuedAt.set(m.index, m.queuedAt);
          this.head = checked.head;
          if (messages.length > 0) {
            this.log.info({ from: messages[0].index.toString(), count: messages.length }, "delayed messages");
          }
        },
        onRewind: async (keep, cursor) => {
          // The chain as of the kept block: how many messages it had and their accumulator.
          const at = keep ?? this.o.fromBlock - 1n;
          const count =
            at < this.o.fromBlock
              ? 0n
              : await this.o.client.readContract({
                  address: this.o.bridge,
                  abi: bridgeAbi,
                  functionName: "messageCount",
                  blockNumber: at,
                });
          const accumulator =
            count === 0n
              ? (`0x${"00".repeat(32)}` as Hash)
              : await this.o.client.readContract({
                  address: this.o.bridge,
                  abi: bridgeAbi,
                  functionName: "accumulatorAt",
                  args: [count],
                  blockNumber: at,
                });
          const head = { next: count, accumulator };
          this.log.warn({ fromIndex: count.toString() }, "reorg: delayed messages rewound");
          await this.o.sink.rewind(count, { cursor, head });
          this.head = head;
        },
      },
      stored?.cursor ?? null,
    );
    return this.watcher;
  }

  /** One step (one range of blocks or one rewind); whether it did something. */
  async poll(): Promise<boolean> {
    return (await this.start()).poll();
  }

  /** The next message index the follower expects. */
  get next(): bigint {
    return this.head.next;
  }

  /** Seconds the oldest unconsumed message has waited, by L1 time (0 when the inbox consumed all it has seen). */
  async backlogSeconds(): Promise<bigint> {
    const [consumed, block] = await Promise.all([
      this.o.client.readContract({
        address: this.o.inbox,
        abi: sequencerInboxAbi,
        functionName: "delayedConsumed",
      }),
      this.o.client.getBlock({ blockTag: "latest" }),
    ]);
    return oldestUnconsumedAge(this.queuedAt, consumed, block.timestamp);
  }
}
