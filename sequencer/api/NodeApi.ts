/**
 * The port between the trader API (sequencer/api/) and the sequencer node (intake, execution,
 * batches). The API server only ever calls this interface; the node implements it. Everything
 * crossing it is already in its JSON shape (docs/api.md, "Shapes"): amounts and other 64-bit
 * integers as decimal strings (`Decimal`, may start with "-"), bytes as `Hex`, small integers
 * (markets, subaccounts, batch numbers, outcome codes) as numbers. The server serializes these
 * objects as they are, so a field added here appears in the API.
 *
 * Stability: this file is read by the node's implementer on another branch. Change it only in a
 * backward-compatible way (new optional fields, new union members the server can ignore).
 */

/** Bytes as 0x-prefixed lowercase hex. */
export type Hex = `0x${string}`;
/** A bigint as a base-10 string ("-12", "0", "340282366920938463463374607431768211455"). */
export type Decimal = string;

// ---------------------------------------------------------------------------------------------
// Receipts and rejections (the outcome of submit)
// ---------------------------------------------------------------------------------------------

/** One fill of a taker order against a resting maker order (docs/engine.md, "Trades and fees"). */
export interface Fill {
  readonly market: number;
  /** The maker's resting order id (per market). */
  readonly makerOrderId: Decimal;
  /** The taker's order id (the order this transaction placed). */
  readonly takerOrderId: Decimal;
  readonly maker: Hex;
  readonly makerSubaccount: number;
  readonly taker: Hex;
  readonly takerSubaccount: number;
  /** 0 buy, 1 sell: the taker's side. */
  readonly takerSide: 0 | 1;
  /** The maker's price, quote units per whole base unit. */
  readonly price: Decimal;
  /** qtyE8. */
  readonly quantity: Decimal;
  /** Quote units paid by the maker / the taker. */
  readonly makerFee: Decimal;
  readonly takerFee: Decimal;
}

/**
 * A transaction's outcome after execution and a durable write: returned by submit, receipt(),
 * and pushed on the order-life channel. A business rejection the engine executes (e.g.
 * INSUFFICIENT_MARGIN, nonce consumed) is a receipt with that outcome, never a Rejection.
 */
export interface Receipt {
  /** transactionHash(tx) (protocol/rollup/batch.ts: keccak of the TRANSACTION domain tag and the bytes), as batches commit it. */
  readonly txHash: Hex;
  /** The node's global sequence number of the transaction (0 = GENESIS), dense and increasing. */
  readonly seq: Decimal;
  /** L2 block = the batch the transaction is (or will be) sealed in. */
  readonly block: number;
  /** Position in that batch, from 0. */
  readonly index: number;
  /** The transaction type's name (protocol/engine TxTypeName, e.g. "ORDER"). */
  readonly type: string;
  /** The envelope's signer; null for unsigned transactions. */
  readonly signer: Hex | null;
  readonly nonce: Decimal | null;
  /** Outcome code and name (docs/engine.md, "Outcome codes"); 0 = OK. */
  readonly outcome: number;
  readonly outcomeName: string;
  /** The id of the order this ORDER placed (resting or not); null for other types or if rejected. */
  readonly orderId: Decimal | null;
  /** The order's market, for ORDER/CANCEL/CANCEL_ALL; null otherwise. */
  readonly market: number | null;
  /** Fills, in execution order; empty if none. */
  readonly fills: readonly Fill[];
  /** Whether a remainder of the order rests on the book after this transaction. */
  readonly resting: boolean;
  readonly gasUsed: Decimal;
  /** State root after this transaction, when the node has it at hand (else omitted). */
  readonly postStateRoot?: Hex;
}

/** Why a transaction never entered the chain. Each reason maps to one JSON-RPC error code (errorCodes.ts). */
export type Rejection =
  | {
      /** Not a well-formed engine transaction (length, type byte, field range). */
      readonly reason: "BAD_ENCODING";
      readonly message: string;
    }
  | {
      readonly reason: "BAD_SIGNATURE";
      /** The envelope's signer. */
      readonly signer: Hex;
      /** What the signature recovers to over the expected digest; null if it recovers to nothing. */
      readonly recovered: Hex | null;
      /** The EIP-712 digest the signature must sign (docs/engine.md, "Transactions"). */
      readonly expectedDigest: Hex;
    }
  | {
      readonly reason: "BAD_NONCE";
      readonly signer: Hex;
      /** The signer's next nonce. */
      readonly expected: Decimal;
      readonly got: Decimal;
      /** If these exact bytes were already executed: that transaction's hash (a retry, not a new order). */
      readonly knownTxHash?: Hex;
    }
  | {
      /** A type traders may not send (GENESIS, DEPOSIT: those come from the admin / the L1 inbox). */
      readonly reason: "TYPE_NOT_ALLOWED";
      readonly type: string;
    }
  | {
      /** The node's intake is full; retry later. */
      readonly reason: "OVERLOADED";
      readonly queueDepth: number;
      readonly limit: number;
    }
  | {
      /** Starting (replaying its log) or shutting down. */
      readonly reason: "NOT_READY";
      readonly message: string;
    };

export type RejectionReason = Rejection["reason"];

export type SubmitResult =
  | { readonly ok: true; readonly receipt: Receipt }
  | { readonly ok: false; readonly rejection: Rejection };

// ---------------------------------------------------------------------------------------------
// Read-only views
// ---------------------------------------------------------------------------------------------

/**
 * GREEKS: integer Greeks, computed by the engine's own math (engine/math createGreeksCalculator and
 * sumAccountGreeks, on the greeks branch; docs/engine.md, "Greeks"), never a float copy. Units:
 * - delta: base units of the underlying, E8 (deltaE8; a perpetual position counts delta 1);
 * - gamma: change of delta in base units per price unit of the underlying, E18 (gammaE18); null
 *   where infinite (a series at expiry at the money) or beyond 2^63;
 * - vega: quote units per volatility point (sigma + 0.01) (vegaPerPoint);
 * - theta: quote units per day that passes (thetaPerDay).
 * Per series: per one option (one whole base unit). Per position or account: size-weighted.
 * Fields are null until the node computes them.
 */
export interface Greeks {
  readonly delta: Decimal;
  readonly gamma: Decimal | null;
  readonly vega: Decimal;
  readonly theta: Decimal;
}

/** An account's Greeks within one underlying (delta and gamma add up only within one). */
export interface UnderlyingGreeks extends Greeks {
  readonly underlying: number;
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
}

export interface SubaccountView {
  readonly subaccount: number;
  /** The engine's account id (LIQUIDATE and SETTLE take it). */
  readonly accountId: number;
  readonly collateral: Decimal;
  readonly positions: readonly PositionView[];
  readonly openOrders: readonly OrderView[];
  readonly margin: MarginView;
  /** The summed Greeks when every position is on one underlying, else null (see greeksByUnderlying). */
  readonly greeks: Greeks | null;
  /** Summed Greeks per underlying (perpetuals count delta 1); omitted until the node computes them. */
  readonly greeksByUnderlying?: readonly UnderlyingGreeks[];
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

/** Where a batch (and every transaction in it) stands on its way to L1 finality. */
export type BatchStage = "open" | "sealed" | "posted" | "asserted" | "confirmed";

export interface BatchView {
  readonly number: number;
  readonly stage: BatchStage;
  /** Seconds. */
  readonly timestamp: Decimal;
  readonly txCount: number;
  readonly txHashes: readonly Hex[];
  /** Delayed (L1 inbox) messages this batch consumes: [first, end) indexes. */
  readonly delayedMessages: { readonly from: Decimal; readonly to: Decimal };
  readonly prevStateRoot: Hex;
  /** null while the batch is open. */
  readonly stateRoot: Hex | null;
  /** The L1 transaction that posted it, once posted (#10). */
  readonly l1TxHash: Hex | null;
  readonly l1Block: Decimal | null;
}

export interface NodeStatus {
  readonly chainId: Decimal;
  /** True once the node serves (log replayed); submit answers NOT_READY before. */
  readonly ready: boolean;
  /** The last executed transaction's seq (null before GENESIS) and the open batch's number. */
  readonly headSeq: Decimal | null;
  readonly headBlock: number;
  readonly stateRoot: Hex;
  readonly lastSealedBatch: number | null;
  readonly lastPostedBatch: number | null;
  readonly lastAssertedBatch: number | null;
  readonly lastConfirmedBatch: number | null;
  /** Named queue depths (e.g. intake, recovery, execution, durable write). */
  readonly queues: Readonly<Record<string, number>>;
}

// ---------------------------------------------------------------------------------------------
// Withdrawals (the outbox, docs/api.md "Withdrawals")
// ---------------------------------------------------------------------------------------------

/**
 * Where a withdrawal stands on its way to the trader's L1 address: `pending` (executed on L2, its
 * batch not on L1 yet), `posted` (its batch is on L1), `asserted` (an assertion covering it waits
 * out its challenge period), `claimable` (an assertion covering it is confirmed: Outbox.claim pays
 * it), `claimed` (paid on L1).
 */
export type WithdrawalStage = "pending" | "posted" | "asserted" | "claimable" | "claimed";

/** One entry of the engine's outbox (engineKeys.outbox(index)) with the transaction that made it. */
export interface WithdrawalView {
  /** The outbox index (Outbox.claim's `index`). */
  readonly index: Decimal;
  readonly recipient: Hex;
  /** Collateral units (the token's, 6 decimals on the devnet). */
  readonly amount: Decimal;
  /** The WITHDRAW transaction that appended it, its seq and batch (L2 block). */
  readonly txHash: Hex;
  readonly seq: Decimal;
  readonly batch: number;
  readonly stage: WithdrawalStage;
  /** The L1 transaction that posted its batch, once posted. */
  readonly batchL1TxHash: Hex | null;
  /**
   * asserted: the assertion covering it; claimable: the confirmed assertion to claim against;
   * claimed: the one it was claimed against; else null.
   */
  readonly assertion: Hex | null;
  /** asserted: L1 time (seconds) from which that assertion can be confirmed; else null. */
  readonly confirmableAt: Decimal | null;
  /** claimed: the L1 transaction that paid it; else null. */
  readonly claimL1TxHash: Hex | null;
}

/** What Outbox.claim(assertion, index, stateProof) needs for one withdrawal. */
export interface WithdrawalProof {
  readonly index: Decimal;
  readonly recipient: Hex;
  readonly amount: Decimal;
  /** A confirmed assertion whose state root holds the withdrawal (the latest confirmed). */
  readonly assertion: Hex;
  readonly stateRoot: Hex;
  /** The assertion covers batches up to batchEnd - 1. */
  readonly batchEnd: number;
  /** encodeProof of engineKeys.outbox(index) against stateRoot (docs/protocol.md, "State tree"). */
  readonly proof: Hex;
  /** The Outbox contract to send the claim to. */
  readonly outbox: Hex;
  /** Already paid on L1 (a claim would revert AlreadyClaimed). */
  readonly claimed: boolean;
}

/** Why no proof can be given. Each reason maps to one JSON-RPC error code (errorCodes.ts). */
export type WithdrawalRefusal =
  | {
      /** No withdrawal at this outbox index yet. */
      readonly reason: "UNKNOWN_WITHDRAWAL";
      readonly index: Decimal;
      /** Withdrawals so far (indexes 0 .. count - 1). */
      readonly count: Decimal;
    }
  | {
      /** No confirmed assertion covers it yet (or the node does not follow L1). */
      readonly reason: "NOT_CLAIMABLE";
      readonly index: Decimal;
      readonly stage: WithdrawalStage;
      readonly assertion: Hex | null;
      readonly confirmableAt: Decimal | null;
      readonly message: string;
    }
  | {
      /** Confirmed, but the node cannot prove it: the root is no longer kept, or L1 confirmed a root it disagrees with. */
      readonly reason: "PROOF_UNAVAILABLE";
      readonly index: Decimal;
      readonly assertion: Hex;
      readonly message: string;
    };

export type WithdrawalProofResult =
  | { readonly ok: true; readonly proof: WithdrawalProof }
  | { readonly ok: false; readonly refusal: WithdrawalRefusal };

// ---------------------------------------------------------------------------------------------
// Events (the source of the WebSocket channels)
// ---------------------------------------------------------------------------------------------

/** The stages a transaction passes: accepted by intake, executed (receipt), then its batch's stages. */
export type TxStage = "accepted" | "executed" | "sealed" | "posted" | "asserted" | "confirmed";

/**
 * Events the node emits, in the order the node makes them. Each carries `seq`, the transaction it
 * came from (batch stage events: the batch's last transaction), so the server can drop events a
 * snapshot (`asOfSeq`) already includes.
 */
export type NodeEvent =
  | { readonly kind: "fill"; readonly seq: Decimal; readonly txHash: Hex; readonly fill: Fill }
  | {
      /** A book level changed: its new total (0 = level gone). */
      readonly kind: "level";
      readonly seq: Decimal;
      readonly market: number;
      readonly side: 0 | 1;
      readonly price: Decimal;
      readonly quantity: Decimal;
      readonly orders: number;
    }
  | {
      /** Something of this address changed (balances, positions, orders); the server re-reads account(). */
      readonly kind: "account";
      readonly seq: Decimal;
      readonly address: Hex;
    }
  | { readonly kind: "accepted"; readonly txHash: Hex }
  | { readonly kind: "executed"; readonly seq: Decimal; readonly receipt: Receipt }
  | {
      /** A batch moved to a stage; every transaction in it moved too. */
      readonly kind: "batch";
      readonly seq: Decimal;
      readonly batch: BatchView;
    };

export type NodeEventListener = (event: NodeEvent) => void;

// ---------------------------------------------------------------------------------------------
// The port
// ---------------------------------------------------------------------------------------------

export interface NodeApi {
  /**
   * Executes one transaction (engine wire format) and resolves after its durable write with its
   * receipt, or with a rejection if it never entered the chain. Never rejects the promise for
   * bad input; a rejected promise means a node failure (the server answers INTERNAL_ERROR).
   * The server calls submit/submitMany in the order requests arrive (synchronously from the
   * message handler), so a client pipelining one signer's transactions on one connection relies
   * on the node to execute a signer's transactions in call order.
   */
  submit(tx: Uint8Array): Promise<SubmitResult>;
  /** submit for each, in order; one result per transaction. */
  submitMany(txs: readonly Uint8Array[]): Promise<SubmitResult[]>;

  /** The address's next nonce ("0" for an unknown address). */
  nonce(address: Hex): Promise<Decimal>;
  account(address: Hex): Promise<AccountView>;
  /** A resting (or, if the node keeps history, closed) order; null if unknown. */
  order(market: number, orderId: bigint): Promise<OrderView | null>;
  /** Aggregated levels, at most `depth` per side; null if the market does not exist. */
  book(market: number, depth: number): Promise<BookView | null>;
  markets(): Promise<MarketView[]>;
  underlyings(): Promise<UnderlyingView[]>;
  /** null if the underlying is not registered. */
  optionsChain(underlying: number): Promise<OptionsChainView | null>;
  receipt(txHash: Hex): Promise<Receipt | null>;
  /** The batch, or the open one if `number` is the head block; null if beyond the head. */
  batch(number: number): Promise<BatchView | null>;
  /** Where a transaction stands: null if unknown. */
  txStage(txHash: Hex): Promise<{ readonly stage: TxStage; readonly block: number | null } | null>;
  status(): Promise<NodeStatus>;
  /**
   * The address's withdrawals (outbox entries), oldest first. Optional: a node without it answers
   * METHOD_NOT_FOUND for optio_getWithdrawals.
   */
  withdrawals?(address: Hex): Promise<WithdrawalView[]>;
  /** The claim data of outbox entry `index`, or why there is none. Optional like withdrawals. */
  withdrawalProof?(index: bigint): Promise<WithdrawalProofResult>;

  /** Registers a listener for every event; returns the function that removes it. Listeners must not throw. */
  subscribe(listener: NodeEventListener): () => void;
}
