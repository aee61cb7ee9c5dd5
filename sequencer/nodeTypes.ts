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
  /** transactionHash(tx) (protocol/rollup/batch.ts: keccak(0x04 || bytes)), as batches commit it. */
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

/** Integer Greeks of an option position or series. null until engine/math has them (see greeksTodo). */
export interface Greeks {
  /** Scales as engine/math defines them (docs/engine.md, "Options"); each a Decimal. */
  readonly delta: Decimal;
  readonly gamma: Decimal | null;
  readonly vega: Decimal;
  readonly theta: Decimal;
}

export interface PositionView {
  readonly market: number;
  /** Signed size, qtyE8. */
  readonly base: Decimal;
  /** Quote balance (quote units). */
  readonly quote: Decimal;
  readonly openBid: Decimal;
  readonly openAsk: Decimal;
  /** Mark price used for margin (index for perpetuals, Black-Scholes for options); null if no fresh price. */
  readonly markPrice: Decimal | null;
  /** quote + value(base) at the mark. */
  readonly unrealizedPnl: Decimal | null;
  /** The mark at which this account would fall below maintenance, other prices fixed; null if none. */
  readonly liquidationPrice: Decimal | null;
  /** Option positions: Greeks times size. null for perpetuals or until engine/math has them. */
  readonly greeks: Greeks | null;
}

export interface OrderView {
  readonly market: number;
  readonly orderId: Decimal;
  readonly owner: Hex;
  readonly subaccount: number;
  readonly side: 0 | 1;
  readonly price: Decimal;
  /** Remaining quantity, qtyE8. */
  readonly quantity: Decimal;
  /** "open" while it rests; the node may also know closed ones ("filled", "cancelled"). */
  readonly status: "open" | "filled" | "cancelled";
  /** The transaction that placed it, when known. */
  readonly txHash?: Hex;
}

export interface MarginView {
  readonly equity: Decimal;
  readonly initialRequirement: Decimal;
  readonly maintenanceRequirement: Decimal;
  /** equity - initialRequirement (may be negative). */
  readonly freeCollateral: Decimal;
  readonly liquidatable: boolean;
  /** Set when an unsettled option position is left out of equity (its Black-Scholes mark is not computed by the node yet). */
  readonly optionsUnvalued?: boolean;
}

export interface SubaccountView {
  readonly subaccount: number;
  /** The engine's account id (LIQUIDATE and SETTLE take it). */
  readonly accountId: number;
  readonly collateral: Decimal;
  readonly positions: readonly PositionView[];
  readonly openOrders: readonly OrderView[];
  readonly margin: MarginView;
  /** Sum of the option positions' Greeks; null until engine/math has them. */
  readonly greeks: Greeks | null;
}

export interface AccountView {
  readonly address: Hex;
  readonly nonce: Decimal;
  /** Only subaccounts that exist (received collateral). Empty for an unknown address. */
  readonly subaccounts: readonly SubaccountView[];
  /** The seq of the last transaction this view includes (for snapshot-then-delta). */
  readonly asOfSeq: Decimal;
}

export interface BookLevelView {
  readonly price: Decimal;
  /** Total resting quantity at this price, qtyE8. */
  readonly quantity: Decimal;
  readonly orders: number;
}

export interface BookView {
  readonly market: number;
  /** Best first. */
  readonly bids: readonly BookLevelView[];
  readonly asks: readonly BookLevelView[];
  readonly asOfSeq: Decimal;
}

export interface OptionParams {
  readonly isCall: boolean;
  readonly strike: Decimal;
  /** Seconds. */
  readonly expiry: Decimal;
  readonly volatilityE8: Decimal;
  /** Settlement price once fixed, else null. */
  readonly settlementPrice: Decimal | null;
}

export interface MarketView {
  readonly market: number;
  readonly kind: "perpetual" | "option";
  readonly active: boolean;
  readonly underlying: number;
  readonly tickSize: Decimal;
  readonly lotSize: Decimal;
  readonly maxQuantity: Decimal;
  readonly initialMarginPpm: number;
  readonly maintenanceMarginPpm: number;
  readonly makerFeePpm: number;
  readonly takerFeePpm: number;
  readonly liquidationPenaltyPpm: number;
  /** The underlying's oracle price; null if none or stale. */
  readonly indexPrice: Decimal | null;
  /** Index for perpetuals, Black-Scholes mark for options; null if no fresh index. */
  readonly markPrice: Decimal | null;
  readonly bestBid: Decimal | null;
  readonly bestAsk: Decimal | null;
  /** Perpetuals: cumulative funding and the time it was last applied. */
  readonly funding: { readonly cumulative: Decimal; readonly lastTime: Decimal } | null;
  readonly option: OptionParams | null;
}

export interface UnderlyingView {
  readonly underlying: number;
  readonly oracleSigner: Hex;
  readonly maxPriceAgeSeconds: number;
  readonly indexPrice: Decimal | null;
  /** Timestamp of the last price report, seconds; null if none. */
  readonly priceTimestamp: Decimal | null;
}

export interface OptionSeriesView {
  readonly market: number;
  readonly isCall: boolean;
  readonly strike: Decimal;
  readonly expiry: Decimal;
  readonly volatilityE8: Decimal;
  readonly markPrice: Decimal | null;
  /** Per one contract (one whole base unit). null until engine/math has integer Greeks. */
  readonly greeks: Greeks | null;
  readonly bestBid: Decimal | null;
  readonly bestAsk: Decimal | null;
}

export interface OptionsChainView {
  readonly underlying: number;
  readonly indexPrice: Decimal | null;
  /** The time marks are computed at (seconds; the last batch's timestamp). */
  readonly time: Decimal;
  /** By expiry, then strike, then calls before puts. */
  readonly series: readonly OptionSeriesView[];
}

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
