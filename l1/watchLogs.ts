import {
  type Abi,
  type Address,
  BlockNotFoundError,
  type ContractEventName,
  type DecodeEventLogReturnType,
  decodeEventLog,
  type Hash,
  type Log,
  type PublicClient,
} from "viem";
import type { L1Logger } from "./logger.ts";
import { stderrLogger } from "./logger.ts";
import { advanceCursor, type LogCursor, lastKeptCheckpoint, nextLogRange } from "./logRange.ts";

/** A log with its decoded event (name and arguments) and where it was found. */
export type DecodedLog<A extends Abi> = DecodeEventLogReturnType<A, ContractEventName<A>> & {
  readonly address: Address;
  readonly blockNumber: bigint;
  readonly blockHash: Hash;
  readonly transactionHash: Hash;
  readonly logIndex: number;
};

export interface WatchLogsOptions<A extends Abi> {
  readonly client: PublicClient;
  readonly address: Address | readonly Address[];
  readonly abi: A;
  /** Only these events (default all of the ABI's). */
  readonly eventNames?: readonly ContractEventName<A>[];
  /** The first block to read when there is no cursor (the deployment record's block of the contract). */
  readonly fromBlock: bigint;
  /** Blocks a log must be deep before it is handed over (1 = as soon as mined). */
  readonly confirmations: number;
  /** At most this many blocks per eth_getLogs. */
  readonly maxRange?: bigint;
  readonly pollMs?: number;
  readonly logger?: L1Logger;
  /**
   * Logs of the next range in chain order, and the cursor after them: store both together (one database
   * transaction), so a crash between the two never skips or repeats a log.
   */
  onLogs(logs: readonly DecodedLog<A>[], cursor: LogCursor): Promise<void>;
  /**
   * A reorg replaced blocks already handed over: forget every log after `keep` (null: after fromBlock - 1, i.e. all)
   * and store `cursor`. Logs of the new chain follow through onLogs.
   */
  onRewind(keep: bigint | null, cursor: LogCursor): Promise<void>;
}

/**
 * Follows contract events from a stored cursor, `confirmations` deep, and rewinds on reorgs: before each range it
 * checks that the last finished block still has its hash, and if not, walks back to the newest checkpoint that
 * does. Each call to `poll` does at most one range; `run` polls until the signal aborts.
 */
export class LogWatcher<A extends Abi> {
  private cursor: LogCursor;
  private readonly o: WatchLogsOptions<A>;
  private readonly log: L1Logger;

  constructor(options: WatchLogsOptions<A>, cursor: LogCursor | null) {
    this.o = options;
    this.cursor = cursor ?? { checkpoints: [] };
    this.log = options.logger ?? stderrLogger;
  }

  get position(): LogCursor {
    return this.cursor;
  }

  private async hashAt(n: bigint): Promise<Hash | null> {
    try {
      return (await this.o.client.getBlock({ blockNumber: n })).hash;
    } catch (e) {
      if (e instanceof BlockNotFoundError) return null;
      throw e;
    }
  }

  /** One step: a reorg check, then one range of logs if one is deep enough. Returns whether it read a range. */
  async poll(): Promise<boolean> {
    const cps = this.cursor.checkpoints;
    const lastCp = cps.at(-1);
    if (lastCp && (await this.hashAt(lastCp.number)) !== lastCp.hash) {
      const onChain = new Map<bigint, Hash | null>();
      for (const cp of cps) onChain.set(cp.number, await this.hashAt(cp.number));
      const kept = lastKeptCheckpoint(cps, onChain);
      const keepIndex = kept ? cps.indexOf(kept) : -1;
      this.cursor = { checkpoints: cps.slice(0, keepIndex + 1) };
      this.log.warn(
        { from: lastCp.number.toString(), keep: kept ? kept.number.toString() : null },
        "reorg: rewinding the log cursor",
      );
      await this.o.onRewind(kept ? kept.number : null, this.cursor);
      return true;
    }
    const head = await this.o.client.getBlockNumber({ cacheTime: 0 });
    const last = this.cursor.checkpoints.at(-1)?.number ?? this.o.fromBlock - 1n;
    const range = nextLogRange(last, head, this.o.confirmations, this.o.maxRange ?? 2_000n);
    if (!range) return false;
    const toBlock = await this.o.client.getBlock({ blockNumber: range.to });
    const raw: Log[] = await this.o.client.request({
      method: "eth_getLogs",
      params: [
        {
          address: (Array.isArray(this.o.address) ? [...this.o.address] : this.o.address) as Address,
          fromBlock: `0x${range.from.toString(16)}`,
          toBlock: `0x${range.to.toString(16)}`,
        },
      ],
    } as never);
    // The range's last block must still be the one whose hash we record (a reorg during the read shows here).
    if ((await this.hashAt(range.to)) !== toBlock.hash) return true;
    const logs: DecodedLog<A>[] = [];
    for (const l of raw) {
      let decoded: DecodeEventLogReturnType<A, ContractEventName<A>>;
      try {
        decoded = decodeEventLog({ abi: this.o.abi, data: l.data, topics: l.topics as never });
      } catch {
        continue; // an event of another ABI at the same address
      }
      if (this.o.eventNames && !this.o.eventNames.includes(decoded.eventName as ContractEventName<A>))
        continue;
      logs.push({
        ...decoded,
        address: l.address,
        blockNumber: BigInt(l.blockNumber as unknown as string),
        blockHash: l.blockHash as Hash,
        transactionHash: l.transactionHash as Hash,
        logIndex: Number(l.logIndex),
      });
    }
    const next = advanceCursor(this.cursor, { number: range.to, hash: toBlock.hash as Hash });
    await this.o.onLogs(logs, next);
    this.cursor = next;
    return true;
  }

  /** Polls until `signal` aborts; RPC failures are logged and retried after pollMs. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let busy = false;
      try {
        busy = await this.poll();
      } catch (e) {
        this.log.warn({ err: String(e).slice(0, 300) }, "log follower: L1 unreadable; retrying");
      }
      if (!busy) await new Promise((r) => setTimeout(r, this.o.pollMs ?? 1_000));
    }
  }
}
