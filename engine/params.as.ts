// Engine parameters (docs/engine.md, "Parameters"). They change results, so every party
// uses these values; the TypeScript side mirrors them in protocol/engine/params.ts.

/** Quantities are in base units of 1e-8 (qtyE8): notional = qty * price / QTY_SCALE. */
export const QTY_SCALE: u64 = 100_000_000;
/** Margin fractions and fees are in parts per million. */
export const PPM: u64 = 1_000_000;
/** Most maker orders one order may touch (fills and self-trade cancels): bounds a tx's steps. */
export const MAX_FILLS_PER_TX: i32 = 32;
/**
 * Most resting orders per (account, market), in MAX_OPEN_ORDERS / 4 open-order slots: bounds
 * cancel-all, liquidation's and settlement's cancels and the open-loss walk (each stops once
 * the account's open quantity is accounted for, so a few orders read a few slots).
 */
export const MAX_OPEN_ORDERS: i32 = 64;
/** Markets are numbered 0..MAX_MARKETS-1: an account's markets fit a 32-bit mask. */
export const MAX_MARKETS: u32 = 32;
/** Longest transaction input, in bytes. */
export const MAX_TX_BYTES: i32 = 512;
/** Prices are tick indices below 2^31 (the top bit of a stored tick is the order's side). */
export const MAX_TICK: u64 = 0x7fffffff;
/** Funding is applied at most once per interval (seconds). */
export const FUNDING_INTERVAL: u64 = 3600;
/** The funding payment per interval is clamped to this fraction of the index price (ppm). */
export const MAX_FUNDING_PPM: u64 = 5_000;
/**
 * Slot-cache room an order keeps for its own margin check: matching stops (like at the fill
 * bound) when the makers' checks at fill leave less (a maker evaluation reads 2 slots per market
 * of the maker, so 32 makers in 32 markets each would not fit the cache).
 */
export const MATCH_SLOT_RESERVE: i32 = 320;
/** Slot-cache room auto-deleveraging keeps for its closes: the holder walk stops below it. */
export const ADL_SLOT_RESERVE: i32 = 64;
/** Auto-deleveraging scans at most this many holders of a market per transaction (gas bound). */
export const ADL_MAX_SCAN: i32 = 64;
/** ... and deleverages at most this many of them, the best ranked first. */
export const ADL_MAX_COUNTERPARTIES: i32 = 4;
/** Market kinds (market slot byte 26). */
export const KIND_PERP: u8 = 1;
export const KIND_OPTION: u8 = 2;
/** Most oracle reporters per underlying (SET_UNDERLYING lists this many addresses; 0 = none). */
export const MAX_REPORTERS: u32 = 5;
/** Longest settlement TWAP window an underlying may set (seconds; one day). */
export const MAX_SETTLEMENT_WINDOW: u64 = 86_400;
/** A perpetual's mark is the index plus its smoothed basis, bounded by this fraction of the index (ppm; must divide PPM). */
export const MARK_BASIS_MAX_PPM: u64 = 10_000;
/** The basis average moves 1/MARK_BASIS_SMOOTHING of the way to each new sample (an EMA over about that many samples). */
export const MARK_BASIS_SMOOTHING: i64 = 16;
/** Largest accepted report price: index + its largest move (2x) and a mark stay below 2^63. */
export const MAX_INDEX_PRICE: u64 = 1_000_000_000_000_000_000;
/** Most book levels an impact price walks from the best (per side, per sample): bounds a report's work. */
export const IMPACT_MAX_LEVELS: i32 = 4;
