/**
 * The engine's parameters and outcome codes, mirrored from engine/params.as.ts and
 * engine/outcome.as.ts (test/engine.params.test.ts checks they agree). docs/engine.md
 * explains each.
 */

/** Quantities are in base units of 1e-8: notional = qty * price / QTY_SCALE (quote units). */
export const QTY_SCALE = 100_000_000n;
/** Margin fractions and fees are in parts per million. */
export const PPM = 1_000_000n;
/** Most maker orders one order touches (fills and self-trade cancels). */
export const MAX_FILLS_PER_TX = 32;
/** Most resting orders per (account, market). */
export const MAX_OPEN_ORDERS = 64;
/** Markets are numbered 0..MAX_MARKETS-1. */
export const MAX_MARKETS = 32;
/** Longest transaction, in bytes. */
export const MAX_TX_BYTES = 512;
/** Largest price tick index (the top bit of a stored tick is the order's side). */
export const MAX_TICK = 0x7fffffffn;

/** Slot-cache room an order keeps for its own margin check (matching stops below it). */
export const MATCH_SLOT_RESERVE = 320;
/** Slot-cache room auto-deleveraging keeps for its closes (the holder walk stops below it). */
export const ADL_SLOT_RESERVE = 64;
/** Auto-deleveraging scans at most this many holders of a market per transaction. */
export const ADL_MAX_SCAN = 64;
/** ... and closes against at most this many of them. */
export const ADL_MAX_COUNTERPARTIES = 4;

/** Funding is applied at most once per interval (seconds). */
export const FUNDING_INTERVAL = 3600n;
/** The funding payment per interval is clamped to this fraction of the index price (ppm). */
export const MAX_FUNDING_PPM = 5_000n;

/** Most oracle reporters per underlying (SET_UNDERLYING's reporter0..reporter4). */
export const MAX_REPORTERS = 5;
/** Longest settlement TWAP window an underlying may set (seconds). */
export const MAX_SETTLEMENT_WINDOW = 86_400n;
/** A perpetual's mark is the index plus its basis average, bounded by this fraction of the index (ppm). */
export const MARK_BASIS_MAX_PPM = 10_000n;
/** The basis average moves 1/MARK_BASIS_SMOOTHING of the way to each new sample. */
export const MARK_BASIS_SMOOTHING = 16n;
/** Most book levels an impact price walks from the best, per side and sample. */
export const IMPACT_MAX_LEVELS = 4;
/** Largest accepted report price (quote units per whole base unit). */
export const MAX_INDEX_PRICE = 1_000_000_000_000_000_000n;

/** Outcome codes: `main`'s result. 0 is success, every other code a business rejection. */
export const Outcome = {
  OK: 0,
  BAD_ENCODING: 1,
  BAD_SIGNATURE: 2,
  BAD_NONCE: 3,
  NOT_ADMIN: 4,
  NOT_INITIALIZED: 5,
  ALREADY_INITIALIZED: 6,
  NOT_FROM_L1: 7,
  BAD_AMOUNT: 8,
  INSUFFICIENT_COLLATERAL: 9,
  INSUFFICIENT_MARGIN: 10,
  UNKNOWN_ACCOUNT: 11,
  UNKNOWN_MARKET: 12,
  BAD_MARKET_PARAMS: 13,
  PRICE_OFF_TICK: 14,
  QUANTITY_OFF_LOT: 15,
  QUANTITY_TOO_LARGE: 16,
  POST_ONLY_WOULD_CROSS: 17,
  FOK_NOT_FILLED: 18,
  REDUCE_ONLY_REJECTED: 19,
  TOO_MANY_OPEN_ORDERS: 20,
  ORDER_NOT_FOUND: 21,
  NOT_ORACLE_SIGNER: 22,
  PRICE_NOT_NEWER: 23,
  PRICE_STALE: 24,
  PRICE_MISSING: 25,
  UNKNOWN_UNDERLYING: 26,
  NOT_LIQUIDATABLE: 27,
  SELF_LIQUIDATION: 28,
  FUNDING_TOO_EARLY: 29,
  MARKET_EXPIRED: 30,
  SETTLEMENT_PENDING: 31,
  NOTHING_TO_SETTLE: 32,
  WRONG_MARKET_KIND: 33,
  PRICE_OUT_OF_BAND: 34,
  NO_DELEVERAGE_COUNTERPARTY: 35,
  DUPLICATE_CLIENT_ID: 36,
} as const;
export type OutcomeName = keyof typeof Outcome;

/** The name of an outcome code (for logs and receipts). */
export function outcomeName(code: number): OutcomeName | undefined {
  for (const [k, v] of Object.entries(Outcome)) if (v === code) return k as OutcomeName;
  return undefined;
}

/** Market kinds (the market slot's kind byte). */
export const MarketKind = { PERPETUAL: 1, OPTION: 2 } as const;

export const Side = { BUY: 0, SELL: 1 } as const;
export const TimeInForce = { GTC: 0, IOC: 1, FOK: 2, POST_ONLY: 3 } as const;
