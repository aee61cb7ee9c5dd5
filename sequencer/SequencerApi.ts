import type { Hex } from "viem";
import type {
  AccountView,
  BatchView,
  BookView,
  Decimal,
  MarketView,
  NodeEventListener,
  NodeStatus,
  OptionsChainView,
  OrderView,
  Receipt,
  SubmitResult,
  TxStage,
  UnderlyingView,
} from "./nodeTypes.ts";
import type { SequencerNode } from "./SequencerNode.ts";
import { EngineViews } from "./views/engineViews.ts";

/**
 * The node as the trader API's port (sequencer/api/NodeApi.ts on the API branch): every method
 * of that interface, answered from the node's state as of its last executed transaction.
 * At merge: `class SequencerApi implements NodeApi`.
 */
export class SequencerApi {
  private readonly views: EngineViews;

  constructor(readonly node: SequencerNode) {
    this.views = new EngineViews(
      () => node.state,
      () => BigInt(node.batchTimestamp),
      node.accountNames,
    );
  }

  private asOf(): Decimal {
    return node_headSeq(this.node);
  }

  submit(tx: Uint8Array): Promise<SubmitResult> {
    return this.node.submit(tx);
  }

  submitMany(txs: readonly Uint8Array[]): Promise<SubmitResult[]> {
    return this.node.submitMany(txs);
  }

  async nonce(address: Hex): Promise<Decimal> {
    return this.views.nonce(address).toString();
  }

  async account(address: Hex): Promise<AccountView> {
    return this.views.account(address, this.asOf());
  }

  async order(market: number, orderId: bigint): Promise<OrderView | null> {
    return this.views.order(market, orderId);
  }

  async book(market: number, depth: number): Promise<BookView | null> {
    return this.views.book(market, depth, this.asOf());
  }

  async markets(): Promise<MarketView[]> {
    return this.views.markets();
  }

  async underlyings(): Promise<UnderlyingView[]> {
    return this.views.underlyings();
  }

  async optionsChain(underlying: number): Promise<OptionsChainView | null> {
    return this.views.optionsChain(underlying);
  }

  async receipt(txHash: Hex): Promise<Receipt | null> {
    return this.node.receipt(txHash);
  }

  async batch(number: number): Promise<BatchView | null> {
    return this.node.batch(number);
  }

  async txStage(txHash: Hex): Promise<{ readonly stage: TxStage; readonly block: number | null } | null> {
    const r = this.node.receipt(txHash);
    if (r === null) return null;
    const b = this.node.batch(r.block);
    return { stage: b !== null && b.stage !== "open" ? b.stage : "executed", block: r.block };
  }

  async status(): Promise<NodeStatus> {
    return this.node.status();
  }

  subscribe(listener: NodeEventListener): () => void {
    return this.node.subscribe(listener);
  }
}

function node_headSeq(node: SequencerNode): Decimal {
  return node.status().headSeq ?? "0";
}
