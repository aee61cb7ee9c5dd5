import type { Address, PublicClient } from "viem";
import { bridgeAbi, sequencerInboxAbi } from "../abi/index.ts";
import { checkDelayedChain, type DelayedMessage } from "./checkDelayedChain.ts";
import { DelayedChainError } from "./DelayedInboxFollower.ts";

/** The delayed inbox as L1 shows it at one block: what forceInclusion needs (planForceInclusion's input). */
export interface WaitingMessages {
  readonly block: bigint;
  /** The block's time, seconds. */
  readonly now: bigint;
  readonly batchCount: bigint;
  readonly delayedConsumed: bigint;
  readonly forceInclusionDelay: bigint;
  /** Messages queued and not consumed by any batch, from index delayedConsumed on, checked against the accumulator. */
  readonly waiting: readonly DelayedMessage[];
}

/**
 * Reads the messages the sequencer inbox has not consumed (Bridge.MessageQueued from `fromBlock`, the bridge's
 * deployment block), all as of one block, and checks them against the bridge's accumulator chain from
 * `accumulatorAt(delayedConsumed)` (checkDelayedChain): an RPC that skipped or altered a log throws
 * DelayedChainError rather than give arguments L1 would refuse.
 */
export async function readWaitingMessages(
  client: PublicClient,
  o: { readonly bridge: Address; readonly inbox: Address; readonly fromBlock: bigint },
): Promise<WaitingMessages> {
  const head = await client.getBlock({ blockTag: "latest" });
  const blockNumber = head.number;
  const read = <T>(address: Address, abi: unknown, functionName: string, args: unknown[] = []) =>
    client.readContract({ address, abi, functionName, args, blockNumber } as never) as Promise<T>;
  const [batchCount, delayedConsumed, forceInclusionDelay, queued] = await Promise.all([
    read<bigint>(o.inbox, sequencerInboxAbi, "batchCount"),
    read<bigint>(o.inbox, sequencerInboxAbi, "delayedConsumed"),
    read<bigint>(o.inbox, sequencerInboxAbi, "forceInclusionDelay"),
    read<bigint>(o.bridge, bridgeAbi, "messageCount"),
  ]);
  const waiting: DelayedMessage[] = [];
  if (queued > delayedConsumed) {
    const logs = await client.getContractEvents({
      address: o.bridge,
      abi: bridgeAbi,
      eventName: "MessageQueued",
      fromBlock: o.fromBlock,
      toBlock: blockNumber,
    });
    for (const l of logs)
      if (l.args.index !== undefined && l.args.index >= delayedConsumed)
        waiting.push({
          index: l.args.index,
          kind: l.args.kind as number,
          sender: l.args.sender as Address,
          accumulator: l.args.accumulator as `0x${string}`,
          queuedAt: l.args.queuedAt as bigint,
          transaction: l.args.transaction as `0x${string}`,
          l1Block: l.blockNumber,
        });
    waiting.sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
    const start = await read<`0x${string}`>(o.bridge, bridgeAbi, "accumulatorAt", [delayedConsumed]);
    const checked = checkDelayedChain({ next: delayedConsumed, accumulator: start }, waiting);
    if (!checked.ok) throw new DelayedChainError(checked.index, checked.reason);
    if (checked.head.next !== queued)
      throw new DelayedChainError(
        checked.head.next,
        `the RPC gave messages up to ${checked.head.next}, L1 holds ${queued}`,
      );
  }
  return {
    block: blockNumber,
    now: head.timestamp,
    batchCount,
    delayedConsumed,
    forceInclusionDelay,
    waiting,
  };
}
