/**
 * The trader API's port (sequencer/api/NodeApi.ts) over the running SequencerNode: submits and
 * events go to the node as they are; the read-only views come from the engine's state at the
 * node's head (Views). The node's own shapes (sequencer/nodeTypes.ts) are those of NodeApi.
 */
import type { Hex } from "viem";
import type { GreeksCalculator } from "../../engine/math/createGreeksCalculator.ts";
import type { NodeApi, TxStage } from "../api/NodeApi.ts";
import type { SequencerNode } from "../SequencerNode.ts";
import { Views } from "./readViews.ts";

export function createNodeApi(node: SequencerNode, greeks: GreeksCalculator | undefined): NodeApi {
  const views = new Views((k) => node.state.get(k), greeks);
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
    batch: async (n) => node.batch(n),
    async txStage(h) {
      const r = node.receipt(h);
      if (r === null) return null;
      const b = node.batch(r.block);
      const stage: TxStage = b === null || b.stage === "open" ? "executed" : b.stage;
      return { stage, block: r.block };
    },
    status: async () => node.status(),
    subscribe: (listener) => node.subscribe(listener),
  };
}
