/**
 * The trader API's port (sequencer/api/NodeApi.ts) over the running SequencerNode: submits and
 * events go to the node as they are; the read-only views come from the engine's state at the
 * node's head (Views). The node's own shapes (sequencer/nodeTypes.ts) are those of NodeApi.
 */
import type { Hex } from "viem";
import type { GreeksCalculator } from "../../engine/math/createGreeksCalculator.ts";
import type { BatchView, NodeApi, TxStage } from "../api/NodeApi.ts";
import type { NodeBatchSource } from "../l1/nodeBatchSource.ts";
import type { SequencerNode } from "../SequencerNode.ts";
import { Views } from "./readViews.ts";

export function createNodeApi(
  node: SequencerNode,
  greeks: GreeksCalculator | undefined,
  posted?: NodeBatchSource,
): NodeApi {
  // Views are at the head's time: the open (or last) batch's timestamp, the engine's "now" there.
  const now = (): bigint => {
    const head = node.status().headBlock;
    const b = node.batch(head) ?? node.batch(head - 1);
    return b === null ? BigInt(Math.floor(Date.now() / 1000)) : BigInt(b.timestamp);
  };
  const views = new Views((k) => node.state.get(k), greeks, now);
  // Where the batch poster recorded the batch on L1 (its stage moves from sealed to posted).
  const batch = (n: number): BatchView | null => {
    const b = node.batch(n);
    const p = b === null ? undefined : posted?.postedBatch(n);
    if (b === null || p === undefined || b.stage !== "sealed") return b;
    return { ...b, stage: "posted", l1TxHash: p.txHash, l1Block: p.blockNumber };
  };
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
    status: async () => ({ ...node.status(), lastPostedBatch: posted?.lastPosted() ?? null }),
    subscribe: (listener) => node.subscribe(listener),
  };
}
