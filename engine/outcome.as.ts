// Outcome codes returned by main (docs/engine.md, "Outcome codes"). 0 is success; every
// other code is a business rejection: the transaction is executed, the state keeps only the
// consumed nonce (when the signature and nonce were valid), nothing else.
export const OK: i32 = 0;
export const BAD_ENCODING: i32 = 1;
export const BAD_SIGNATURE: i32 = 2;
export const BAD_NONCE: i32 = 3;
export const NOT_ADMIN: i32 = 4;
export const NOT_INITIALIZED: i32 = 5;
export const ALREADY_INITIALIZED: i32 = 6;
export const NOT_FROM_L1: i32 = 7;
export const BAD_AMOUNT: i32 = 8;
export const INSUFFICIENT_COLLATERAL: i32 = 9;
export const INSUFFICIENT_MARGIN: i32 = 10;
export const UNKNOWN_ACCOUNT: i32 = 11;
export const UNKNOWN_MARKET: i32 = 12;
export const BAD_MARKET_PARAMS: i32 = 13;
export const PRICE_OFF_TICK: i32 = 14;
export const QUANTITY_OFF_LOT: i32 = 15;
export const QUANTITY_TOO_LARGE: i32 = 16;
export const POST_ONLY_WOULD_CROSS: i32 = 17;
export const FOK_NOT_FILLED: i32 = 18;
export const REDUCE_ONLY_REJECTED: i32 = 19;
export const TOO_MANY_OPEN_ORDERS: i32 = 20;
export const ORDER_NOT_FOUND: i32 = 21;
export const NOT_ORACLE_SIGNER: i32 = 22;
export const PRICE_NOT_NEWER: i32 = 23;
export const PRICE_STALE: i32 = 24;
export const PRICE_MISSING: i32 = 25;
export const UNKNOWN_UNDERLYING: i32 = 26;
export const NOT_LIQUIDATABLE: i32 = 27;
export const SELF_LIQUIDATION: i32 = 28;
export const FUNDING_TOO_EARLY: i32 = 29;
export const MARKET_EXPIRED: i32 = 30;
export const SETTLEMENT_PENDING: i32 = 31;
export const NOTHING_TO_SETTLE: i32 = 32;
export const WRONG_MARKET_KIND: i32 = 33;
