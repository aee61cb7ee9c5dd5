/**
 * The trader API's port (sequencer/api/NodeApi.ts) over the running SequencerNode: submits and
 * events go to the node as they are; the read-only views come from the engine's state at the
 * node's head (Views). The node's own shapes (sequencer/nodeTypes.ts) are those of NodeApi.
 * Where batches and withdrawals stand on L1 comes from the L1 work's records (the batch poster's
 * posted batches, the assertion record), when the node runs with an L1 key.
 */
import type { Hex } from "viem";
import type { GreeksCalculator } from "../../engine/math/createGreeksCalculator.ts";
import type { BatchView, NodeApi, TxStage } from "../api/NodeApi.ts";
import type { AssertionSource } from "../l1/assertionState.ts";
import type { NodeBatchSource } from "../l1/nodeBatchSource.ts";
import type { SequencerNode } from "../SequencerNode.ts";
import { Views } from "./readViews.ts";
import { assertedBatches, coveringAssertion } from "./withdrawalStage.ts";
import { createWithdrawalViews } from "./withdrawalViews.ts";

export function createNodeApi(
  node: SequencerNode,
  greeks: GreeksCalculator | undefined,
  posted?: Pick<NodeBatchSource, "postedBatch" | "lastPosted">,
  assertions?: AssertionSource,
): NodeApi {
  // Views are at the head's time: the open (or last) batch's timestamp, the engine's "now" there.
  const now = (): bigint => {
    const head = node.status().headBlock;
    const b = node.batch(head) ?? node.batch(head - 1);
    return b === null ? BigInt(Math.floor(Date.now() / 1000)) : BigInt(b.timestamp);
  };
  const views = new Views((k) => node.state.get(k), greeks, now);
  // Where the batch poster recorded the batch on L1 (sealed -> posted), then what the assertion record
  // shows (asserted, confirmed).
  const batch = (n: number): BatchView | null => {
    const b = node.batch(n);
    if (b === null || b.stage !== "sealed") return b;
    const p = posted?.postedBatch(n);
    const onL1 =
      p === undefined ? b : { ...b, stage: "posted" as const, l1TxHash: p.txHash, l1Block: p.blockNumber };
    const state = assertions?.current();
    if (state === undefined) return onL1;
    const c = coveringAssertion(state, n);
    return c.confirmed !== null
      ? { ...onL1, stage: "confirmed" }
      : c.pending !== null
        ? { ...onL1, stage: "asserted" }
        : onL1;
  };
  const withdrawals = createWithdrawalViews(node, posted?.postedBatch.bind(posted), assertions);
  const asOf = () => node.status().headSeq ?? "-1";
  return {
    submit: (tx) => node.submit(tx),
    submitMany: (txs) => node.submitMany(txs),
    nonce: async (address) => node.nonce(address).toString(),
    account: async (address) => views.account(address.toLowerCase() as Hex, asOf()),
    order: async (market, id) => views.order(market, id),
    book: async (market, depth) => views.book(market, depth, asOf()),
    markets: async () => views.markets(),
    underlyings: async () => views.underlyings(),
    optionsChain: async (u) => views.optionsChain(u),
    receipt: async (h) => node.receipt(h),
    batch: async (n) => batch(n),
    async txStage(h) {
      const r = node.receipt(h);
      if (r === null) return null;
      const b = batch(r.block);
      const stage: TxStage = b === null || b.stage === "open" ? "executed" : b.stage;
      return { stage, block: r.block };
    },
    status: async () => {
      const state = assertions?.current();
      const l1 = state === undefined ? { lastAsserted: null, lastConfirmed: null } : assertedBatches(state);
      return {
        ...node.status(),
        lastPostedBatch: posted?.lastPosted() ?? null,
        lastAssertedBatch: l1.lastAsserted,
        lastConfirmedBatch: l1.lastConfirmed,
      };
    },
    withdrawals: (address) => withdrawals.withdrawals(address),
    withdrawalProof: (index) => withdrawals.withdrawalProof(index),
    subscribe: (listener) => node.subscribe(listener),
  };
}
