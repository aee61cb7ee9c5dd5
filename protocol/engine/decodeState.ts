/**
 * Decoders of the engine's state slots (docs/engine.md, "State layout"): the sequencer and
 * other services read accounts, positions, orders and book levels from state values without
 * running the engine. Values are little-endian fields unless noted.
 */
import { type Hex, toHex } from "viem";
import { InvalidLengthError } from "../errors.ts";

function check(value: Uint8Array): DataView {
  if (value.length !== 32) throw new InvalidLengthError("engine state value", 32, value.length);
  return new DataView(value.buffer, value.byteOffset, 32);
}

export interface Config {
  readonly admin: Hex;
  readonly initialized: boolean;
  readonly chainId: bigint;
}
export function decodeConfig(v: Uint8Array): Config {
  const d = check(v);
  return { admin: toHex(v.subarray(0, 20)), initialized: v[20] !== 0, chainId: d.getBigUint64(24, true) };
}

export interface Totals {
  /** Fees collected (quote units). */
  readonly feePool: bigint;
  readonly insuranceFund: bigint;
  readonly deposited: bigint;
  readonly withdrawn: bigint;
}
export function decodeTotals(v: Uint8Array): Totals {
  const d = check(v);
  return {
    feePool: d.getBigInt64(0, true),
    insuranceFund: d.getBigInt64(8, true),
    deposited: d.getBigUint64(16, true),
    withdrawn: d.getBigUint64(24, true),
  };
}

export interface Counters {
  readonly accounts: number;
  readonly withdrawals: bigint;
}
export function decodeCounters(v: Uint8Array): Counters {
  const d = check(v);
  return { accounts: d.getUint32(0, true), withdrawals: d.getBigUint64(8, true) };
}

export function decodeNonce(v: Uint8Array): bigint {
  return check(v).getBigUint64(0, true);
}

export function decodeAccountId(v: Uint8Array): number {
  return check(v).getUint32(0, true);
}

export interface Account {
  /** Collateral (quote units); may go negative through fees and losses realized. */
  readonly collateral: bigint;
  /** Bit m set: the account has a position or orders in market m. */
  readonly marketMask: number;
  readonly owner: Hex;
}
export function decodeAccount(v: Uint8Array): Account {
  const d = check(v);
  return {
    collateral: d.getBigInt64(0, true),
    marketMask: d.getUint32(8, true),
    owner: toHex(v.subarray(12, 32)),
  };
}

export interface Position {
  /** Signed size, qtyE8. */
  readonly base: bigint;
  /** Quote balance: minus what was paid for the position (quote units). */
  readonly quote: bigint;
  readonly openBid: bigint;
  readonly openAsk: bigint;
}
export function decodePosition(v: Uint8Array): Position {
  const d = check(v);
  return {
    base: d.getBigInt64(0, true),
    quote: d.getBigInt64(8, true),
    openBid: d.getBigUint64(16, true),
    openAsk: d.getBigUint64(24, true),
  };
}

export function decodeOpenOrders(v: Uint8Array): bigint[] {
  const d = check(v);
  const ids: bigint[] = [];
  for (let i = 0; i < 4; i++) {
    const id = d.getBigUint64(8 * i, true);
    if (id !== 0n) ids.push(id);
  }
  return ids;
}

export interface Market {
  readonly tickSize: bigint;
  readonly lotSize: bigint;
  readonly maxQuantity: bigint;
  readonly underlying: number;
  readonly active: boolean;
  /** 1 perpetual, 2 option (MarketKind); 0 if the market does not exist. */
  readonly kind: number;
  readonly initialMarginPpm: number;
  readonly maintenanceMarginPpm: number;
  readonly makerFeePpm: number;
  readonly takerFeePpm: number;
  readonly liquidationPenaltyPpm: number;
  /** Orders trade within the index (an option: its mark) +- this fraction of the index. */
  readonly priceBandPpm: number;
}
export function decodeMarket(part0: Uint8Array, part1: Uint8Array): Market {
  const a = check(part0);
  const b = check(part1);
  return {
    tickSize: a.getBigUint64(0, true),
    lotSize: a.getBigUint64(8, true),
    maxQuantity: a.getBigUint64(16, true),
    underlying: a.getUint16(24, true),
    active: part0[26] !== 0,
    kind: part0[26],
    initialMarginPpm: b.getUint32(0, true),
    maintenanceMarginPpm: b.getUint32(4, true),
    makerFeePpm: b.getUint32(8, true),
    takerFeePpm: b.getUint32(12, true),
    liquidationPenaltyPpm: b.getUint32(16, true),
    priceBandPpm: b.getUint32(20, true),
  };
}

export interface Book {
  /** Best bid / ask tick (price = tick * tickSize); 0 when that side is empty. */
  readonly bestBidTick: number;
  readonly bestAskTick: number;
  readonly lastOrderId: bigint;
}
export function decodeBook(v: Uint8Array): Book {
  const d = check(v);
  return {
    bestBidTick: d.getUint32(0, true),
    bestAskTick: d.getUint32(4, true),
    lastOrderId: d.getBigUint64(8, true),
  };
}

export interface Level {
  readonly head: bigint;
  readonly tail: bigint;
  readonly totalQuantity: bigint;
}
export function decodeLevel(v: Uint8Array): Level {
  const d = check(v);
  return {
    head: d.getBigUint64(0, true),
    tail: d.getBigUint64(8, true),
    totalQuantity: d.getBigUint64(16, true),
  };
}

export interface RestingOrder {
  readonly owner: number;
  readonly side: 0 | 1;
  readonly tick: number;
  readonly quantity: bigint;
  readonly prev: bigint;
  readonly next: bigint;
}
export function decodeOrder(v: Uint8Array): RestingOrder {
  const d = check(v);
  const ts = d.getUint32(4, true);
  return {
    owner: d.getUint32(0, true),
    side: (ts >>> 31) as 0 | 1,
    tick: ts & 0x7fffffff,
    quantity: d.getBigUint64(8, true),
    prev: d.getBigUint64(16, true),
    next: d.getBigUint64(24, true),
  };
}

/** An underlying's configuration and masks (underlying slot part 0). */
export interface Underlying {
  readonly registered: boolean;
  readonly quorum: number;
  /** Bit i: reporter slot i holds a reporter. */
  readonly reporterMask: number;
  readonly maxMovePpm: number;
  readonly maxPriceAgeSeconds: number;
  readonly settlementWindowSeconds: number;
  /** Least quantity (qtyE8) a best level needs for the book's premium to count. */
  readonly impactQuantity: bigint;
  /** Bit m: perpetual market m is priced on this underlying (its book is sampled). */
  readonly perpetualMask: number;
  /** Bit m: option series m waits for its settlement price. */
  readonly pendingSeriesMask: number;
}
export function decodeUnderlying(v: Uint8Array): Underlying {
  const d = check(v);
  return {
    registered: v[0] !== 0,
    quorum: v[1],
    reporterMask: v[2],
    maxMovePpm: d.getUint32(4, true),
    maxPriceAgeSeconds: d.getUint32(8, true),
    settlementWindowSeconds: d.getUint32(12, true),
    impactQuantity: d.getBigUint64(16, true),
    perpetualMask: d.getUint32(24, true),
    pendingSeriesMask: d.getUint32(28, true),
  };
}

/** The index (underlying slot part 1). */
export interface OraclePrice {
  readonly price: bigint;
  /** The k-th newest timestamp of the fresh reports behind the price. */
  readonly timestamp: bigint;
  /** The underlying's max price age (s), copied here so a mark reads one slot. */
  readonly maxPriceAgeSeconds: number;
  /** The next settlement boundary (a window start or an expiry) an index update must record; 0 if none. */
  readonly nextSettlementBoundary: bigint;
}
export function decodeOraclePrice(v: Uint8Array): OraclePrice {
  const d = check(v);
  return {
    price: d.getBigUint64(0, true),
    timestamp: d.getBigUint64(8, true),
    maxPriceAgeSeconds: d.getUint32(16, true),
    nextSettlementBoundary: d.getBigUint64(24, true),
  };
}

/** The index's time integral (underlying slot part 2): price-seconds (128-bit), fresh seconds, last update. */
export interface PriceAccumulator {
  readonly priceSeconds: bigint;
  readonly freshSeconds: bigint;
  readonly lastUpdate: bigint;
}
export function decodePriceAccumulator(v: Uint8Array): PriceAccumulator {
  const d = check(v);
  return {
    priceSeconds: d.getBigUint64(0, true) | (d.getBigUint64(8, true) << 64n),
    freshSeconds: d.getBigUint64(16, true),
    lastUpdate: d.getBigUint64(24, true),
  };
}

/** A reporter slot: its address and last (possibly clamped) report. */
export interface Reporter {
  readonly address: Hex;
  readonly price: bigint;
  readonly timestamp: number;
}
export function decodeReporter(v: Uint8Array): Reporter {
  const d = check(v);
  return {
    address: toHex(v.subarray(0, 20)),
    price: d.getBigUint64(20, true),
    timestamp: d.getUint32(28, true),
  };
}

/** A perpetual's premium samples since its last funding. */
export interface FundingSamples {
  readonly sum: bigint;
  readonly count: bigint;
  readonly lastSampleTime: bigint;
}
export function decodeFundingSamples(v: Uint8Array): FundingSamples {
  const d = check(v);
  return {
    sum: d.getBigInt64(0, true),
    count: d.getBigUint64(8, true),
    lastSampleTime: d.getBigUint64(16, true),
  };
}

/** An option series' accumulator at its window start. */
export interface SettlementWindow {
  readonly priceSeconds: bigint;
  readonly freshSeconds: bigint;
  readonly captured: boolean;
}
export function decodeSettlementWindow(v: Uint8Array): SettlementWindow {
  const d = check(v);
  return {
    priceSeconds: d.getBigUint64(0, true) | (d.getBigUint64(8, true) << 64n),
    freshSeconds: d.getBigUint64(16, true),
    captured: v[24] !== 0,
  };
}

export interface Withdrawal {
  readonly recipient: Hex;
  readonly amount: bigint;
}
/** An outbox entry: recipient (20) || amount (u64 big-endian) || 0 (4). */
export function decodeWithdrawal(v: Uint8Array): Withdrawal {
  const d = check(v);
  return { recipient: toHex(v.subarray(0, 20)), amount: d.getBigUint64(20, false) };
}

export interface Funding {
  /** Cumulative funding, quote units per whole base unit (positive: longs have paid). */
  readonly cumulative: bigint;
  readonly lastTime: bigint;
  /** Funding paid in and not yet paid out, plus rounding dust (quote units). */
  readonly pool: bigint;
  /** The smoothed book basis the mark adds to the index (quote units per whole base unit). */
  readonly basis: bigint;
}
export function decodeFunding(v: Uint8Array): Funding {
  const d = check(v);
  return {
    cumulative: d.getBigInt64(0, true),
    lastTime: d.getBigUint64(8, true),
    pool: d.getBigInt64(16, true),
    basis: d.getBigInt64(24, true),
  };
}

/** The cumulative funding a position last settled at. */
export function decodePositionFunding(v: Uint8Array): bigint {
  return check(v).getBigInt64(0, true);
}

export interface OptionSeries {
  readonly strike: bigint;
  /** Expiry time, seconds. */
  readonly expiry: bigint;
  readonly volatilityE8: bigint;
  readonly isCall: boolean;
  /** The TWAP window before expiry the settlement price averages over (s). */
  readonly settlementWindowSeconds: number;
}
/** The option part of a market (market slot part 2). */
export function decodeOptionSeries(v: Uint8Array): OptionSeries {
  const d = check(v);
  return {
    strike: d.getBigUint64(0, true),
    expiry: d.getBigUint64(8, true),
    volatilityE8: d.getBigUint64(16, true),
    isCall: v[24] !== 0,
    settlementWindowSeconds: d.getUint32(28, true),
  };
}

/** An option market's settlement slot (the funding slot's place): settlement price (0 until fixed) and pool. */
export function decodeSettlement(v: Uint8Array): { readonly price: bigint; readonly pool: bigint } {
  const d = check(v);
  return { price: d.getBigUint64(0, true), pool: d.getBigInt64(16, true) };
}

/** An account's node in a market's holder list: previous and next account ids (0: none), listed or not. */
export function decodeHolder(v: Uint8Array): {
  readonly prev: number;
  readonly next: number;
  readonly listed: boolean;
} {
  const d = check(v);
  return { prev: d.getUint32(0, true), next: d.getUint32(4, true), listed: v[8] !== 0 };
}

/**
 * A market's holder list: its first account id (0: empty) and how many accounts it holds (every
 * account with a position, and accounts that closed since the last deleveraging walk).
 */
export function decodeHolders(v: Uint8Array): { readonly first: number; readonly count: number } {
  const d = check(v);
  return { first: d.getUint32(0, true), count: d.getUint32(4, true) };
}
