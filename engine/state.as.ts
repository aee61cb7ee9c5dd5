// Accessors of the engine's state slots (docs/engine.md, "State layout"). Each returns a
// pointer to the slot's 32-byte value in the slot cache; fields are little-endian at the
// offsets listed in the docs. Call dirty() after changing a value.
import { addrKey, key } from "./store.as";
import {
  K_ACCOUNT, K_ACCOUNT_ID, K_BITMAP, K_BOOK, K_CONFIG, K_LEVEL, K_MARKET, K_NONCE, K_OPEN_ORDERS,
  K_ORDER, K_OUTBOX, K_POSITION, K_UNDERLYING, K_FUNDING, K_POSITION_FUNDING, K_HOLDER, K_HOLDERS, K_CLIENT_ORDER,
} from "./keys.as";

/** admin address @0 | initialized u8 @20 | chainId u64 @24. */
export function configSlot(): usize { return key(K_CONFIG, 0, 0, 0, 0); }
/** feePool i64 @0 | insurance i64 @8 | deposited u64 @16 | withdrawn u64 @24. */
export function totalsSlot(): usize { return key(K_CONFIG, 1, 0, 0, 0); }
/** nextAccountId u32 @0 | outboxCount u64 @8. */
export function countersSlot(): usize { return key(K_CONFIG, 2, 0, 0, 0); }
/** next nonce u64 @0 of a signer address. */
export function nonceSlot(addr: usize): usize { return addrKey(K_NONCE, addr, 0); }
/** account id u32 @0 of (address, subaccount); 0 = none. */
export function accountIdSlot(addr: usize, sub: u8): usize { return addrKey(K_ACCOUNT_ID, addr, sub); }
/** collateral i64 @0 | market mask u32 @8 (bit m: a position or orders in market m) | owner address @12..31. */
export function accountSlot(id: u32): usize { return key(K_ACCOUNT, id, 0, 0, 0); }
/** base i64 @0 | quote i64 @8 | open bid qty u64 @16 | open ask qty u64 @24. */
export function positionSlot(id: u32, market: u32): usize { return key(K_POSITION, id, market, 0, 0); }
/** four resting order ids (u64, 0 = free) of (account, market); slot 0 or 1. */
export function openOrdersSlot(id: u32, market: u32, part: u32): usize { return key(K_OPEN_ORDERS, id, market, part, 0); }
/**
 * part 0: tick u64 @0 | lot u64 @8 | maxQty u64 @16 | underlying u16 @24 | kind u8 @26 (1 perp);
 * part 1: imf u32 @0 | mmf u32 @4 | makerFee u32 @8 | takerFee u32 @12 | liqPenalty u32 @16 | price band u32 @20 (ppm);
 * part 2 (options): strike u64 @0 | expiry u64 @8 (s) | volatility E8 u64 @16 | isCall u8 @24.
 */
export function marketSlot(market: u32, part: u32): usize { return key(K_MARKET, market, part, 0, 0); }
/** best bid tick u32 @0 (0 none) | best ask tick u32 @4 (0 none) | last order id u64 @8. */
export function bookSlot(market: u32): usize { return key(K_BOOK, market, 0, 0, 0); }
/** head order id u64 @0 | tail order id u64 @8 | total qty u64 @16. side 0 bids, 1 asks. */
export function levelSlot(market: u32, side: u32, tick: u32): usize { return key(K_LEVEL, market, side, tick, 0); }
/** 256 bits: bit i in u64 limb i>>6 (LE at byte 8*(i>>6)), bit i&63. */
export function bitmapSlot(market: u32, side: u32, level: u32, word: u32): usize {
  return key(K_BITMAP, market, <u64>side | (<u64>level << 8), word, 0);
}
/** owner account id u32 @0 | tick u32 @4 (bit 31: sell) | qty u64 @8 | prev id u64 @16 | next id u64 @24. */
export function orderSlot(market: u32, id: u64): usize { return key(K_ORDER, market, id, 0, 0); }
/** part 0: oracle signer @0..19 | max price age (s) u32 @20 | registered u8 @24; part 1: price u64 @0 | timestamp u64 @8 | max price age u32 @16 (a copy of part 0's). */
export function underlyingSlot(u: u32, part: u32): usize { return key(K_UNDERLYING, u, part, 0, 0); }
/** recipient address @0..19 | amount u64 big-endian @20 | 0 (4). The index is big-endian in the key. */
export function outboxSlot(index: u64): usize { return key(K_OUTBOX, 0, bswap<u64>(index), 0, 0); }
/**
 * Perpetuals: cumulative funding i64 @0 (quote units per whole base unit; longs pay its increases) | last funding time u64 @8 | funding pool i64 @16.
 * Options: settlement price u64 @0 (0 until fixed) | 0 @8 | settlement pool i64 @16.
 */
export function fundingSlot(market: u32): usize { return key(K_FUNDING, market, 0, 0, 0); }
/** the cumulative funding a position last settled at, i64 @0. */
export function positionFundingSlot(id: u32, market: u32): usize { return key(K_POSITION_FUNDING, id, market, 0, 0); }
/** An account's node in a market's list of position holders: prev id u32 @0 | next id u32 @4 | listed u8 @8. */
export function holderSlot(market: u32, id: u32): usize { return key(K_HOLDER, market, id, 0, 0); }
/** A market's list of accounts that had a position (base != 0) since the last ADL walk: first id u32 @0 | count u32 @4. */
export function holdersSlot(market: u32): usize { return key(K_HOLDERS, market, 0, 0, 0); }
/**
 * The order id u64 @0 last rested under client order id (high, low) by (account, market). It
 * may name an order that has since filled or been cancelled: readers check the order is live
 * and the account's (order ids are never reused in a market).
 */
export function clientOrderSlot(id: u32, market: u32, high: u64, low: u64): usize { return key(K_CLIENT_ORDER, id, market, high, low); }
