/**
 * The node's public shapes: the same as sequencer/api/NodeApi.ts on the API branch (seqapi),
 * which the trader API calls; kept structurally identical here so SequencerNode implements that
 * port as it is. At merge, import these from sequencer/api/NodeApi.ts and delete this file.
 * Amounts and other 64-bit integers are decimal strings, bytes 0x hex.
 */
export type Hex = `0x${string}`;
export type Decimal = string;

export interface Fill {
  readonly market: number;
  readonly makerOrderId: Decimal;
  /** The taker's order id if its remainder rested, else "0" (the engine numbers resting orders only). */
  readonly takerOrderId: Decimal;
  readonly maker: Hex;
  readonly makerSubaccount: number;
  readonly taker: Hex;
  readonly takerSubaccount: number;
  readonly takerSide: 0 | 1;
  readonly price: Decimal;
  readonly quantity: Decimal;
  readonly makerFee: Decimal;
  readonly takerFee: Decimal;
}

export interface Receipt {
  readonly txHash: Hex;
  readonly seq: Decimal;
  readonly block: number;
  readonly index: number;
  readonly type: string;
  readonly signer: Hex | null;
  readonly nonce: Decimal | null;
  readonly outcome: number;
  readonly outcomeName: string;
  readonly orderId: Decimal | null;
  readonly market: number | null;
  readonly fills: readonly Fill[];
  readonly resting: boolean;
  readonly gasUsed: Decimal;
  readonly postStateRoot?: Hex;
}

export type Rejection =
  | { readonly reason: "BAD_ENCODING"; readonly message: string }
  | {
      readonly reason: "BAD_SIGNATURE";
      readonly signer: Hex;
      readonly recovered: Hex | null;
      readonly expectedDigest: Hex;
    }
  | {
      readonly reason: "BAD_NONCE";
      readonly signer: Hex;
      readonly expected: Decimal;
      readonly got: Decimal;
      readonly knownTxHash?: Hex;
    }
  | { readonly reason: "TYPE_NOT_ALLOWED"; readonly type: string }
  | { readonly reason: "OVERLOADED"; readonly queueDepth: number; readonly limit: number }
  | { readonly reason: "NOT_READY"; readonly message: string };

export type SubmitResult =
  | { readonly ok: true; readonly receipt: Receipt }
  | { readonly ok: false; readonly rejection: Rejection };

export type BatchStage = "open" | "sealed" | "posted" | "asserted" | "confirmed";

export interface BatchView {
  readonly number: number;
  readonly stage: BatchStage;
  readonly timestamp: Decimal;
  readonly txCount: number;
  readonly txHashes: readonly Hex[];
  readonly delayedMessages: { readonly from: Decimal; readonly to: Decimal };
  readonly prevStateRoot: Hex;
  readonly stateRoot: Hex | null;
  readonly l1TxHash: Hex | null;
  readonly l1Block: Decimal | null;
}

export interface NodeStatus {
  readonly chainId: Decimal;
  readonly ready: boolean;
  readonly headSeq: Decimal | null;
  readonly headBlock: number;
  readonly stateRoot: Hex;
  readonly lastSealedBatch: number | null;
  readonly lastPostedBatch: number | null;
  readonly lastAssertedBatch: number | null;
  readonly lastConfirmedBatch: number | null;
  readonly queues: Readonly<Record<string, number>>;
}

export type TxStage = "accepted" | "executed" | "sealed" | "posted" | "asserted" | "confirmed";

export type NodeEvent =
  | { readonly kind: "fill"; readonly seq: Decimal; readonly txHash: Hex; readonly fill: Fill }
  | {
      readonly kind: "level";
      readonly seq: Decimal;
      readonly market: number;
      readonly side: 0 | 1;
      readonly price: Decimal;
      readonly quantity: Decimal;
      readonly orders: number;
    }
  | { readonly kind: "account"; readonly seq: Decimal; readonly address: Hex }
  | { readonly kind: "accepted"; readonly txHash: Hex }
  | { readonly kind: "executed"; readonly seq: Decimal; readonly receipt: Receipt }
  | { readonly kind: "batch"; readonly seq: Decimal; readonly batch: BatchView };

export type NodeEventListener = (event: NodeEvent) => void;
