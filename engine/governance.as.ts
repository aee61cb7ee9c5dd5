// Genesis, market and oracle configuration, price reports (docs/engine.md, "Governance" and
// "Oracle").
import { context, CTX_TIMESTAMP } from "./host.as";
import { startFunding } from "./funding.as";
import { at, be16, be32, be64 } from "./input.as";
import {
  ALREADY_INITIALIZED, BAD_MARKET_PARAMS, NOT_ADMIN, NOT_ORACLE_SIGNER, OK, PRICE_NOT_NEWER, PRICE_STALE,
  UNKNOWN_UNDERLYING, BAD_AMOUNT,
} from "./outcome.as";
import { MAX_MARKETS, PPM } from "./params.as";
import { configSlot, marketSlot, underlyingSlot } from "./state.as";
import { dirty } from "./store.as";

function sameAddress(a: usize, b: usize): bool {
  return load<u64>(a) == load<u64>(b) && load<u64>(a + 8) == load<u64>(b + 8) && load<u32>(a + 16) == load<u32>(b + 16);
}

function isZeroAddress(a: usize): bool {
  return (load<u64>(a) | load<u64>(a + 8) | <u64>load<u32>(a + 16)) == 0;
}

/** GENESIS body (at input offset 1): admin (20) || chainId (8). */
export function genesis(): i32 {
  const c = configSlot();
  if (load<u8>(c + 20) != 0) return ALREADY_INITIALIZED;
  const admin = at(1);
  for (let i: usize = 0; i < 20; i++) store<u8>(c + i, load<u8>(admin + i));
  store<u8>(c + 20, 1);
  store<u64>(c + 24, be64(21));
  dirty(c);
  return OK;
}

export function isAdmin(signer: usize): bool {
  return sameAddress(configSlot(), signer);
}

/** SET_MARKET body at `b`: market u16, underlying u16, tick, lot, maxQty u64, imf, mmf, maker, taker, penalty u32. */
export function setMarket(signer: usize, b: i32): i32 {
  if (!isAdmin(signer)) return NOT_ADMIN;
  const market = <u32>be16(b);
  const u = <u32>be16(b + 2);
  const tick = be64(b + 4);
  const lot = be64(b + 12);
  const maxQty = be64(b + 20);
  const imf = be32(b + 28);
  const mmf = be32(b + 32);
  const makerFee = be32(b + 36);
  const takerFee = be32(b + 40);
  const penalty = be32(b + 44);
  if (market >= MAX_MARKETS || tick == 0 || lot == 0 || maxQty == 0 || maxQty % lot != 0) return BAD_MARKET_PARAMS;
  if (mmf == 0 || imf < mmf || <u64>imf > PPM) return BAD_MARKET_PARAMS;
  if (makerFee > 100_000 || takerFee > 100_000 || penalty >= mmf) return BAD_MARKET_PARAMS;
  // Every product stays below 2^63: qty * price / 1e8 with price < 2^31 ticks.
  if (maxQty > 0x7fffffffffffffff / tick / 0x80000000 * 100_000_000) return BAD_MARKET_PARAMS;
  if (load<u8>(underlyingSlot(u, 0) + 24) == 0) return UNKNOWN_UNDERLYING;
  const m0 = marketSlot(market, 0);
  if (load<u8>(m0 + 26) != 0 && (load<u64>(m0) != tick || load<u64>(m0 + 8) != lot)) return BAD_MARKET_PARAMS;
  store<u64>(m0, tick);
  store<u64>(m0 + 8, lot);
  store<u64>(m0 + 16, maxQty);
  store<u16>(m0 + 24, <u16>u);
  store<u8>(m0 + 26, 1);
  dirty(m0);
  startFunding(market);
  const m1 = marketSlot(market, 1);
  store<u32>(m1, imf);
  store<u32>(m1 + 4, mmf);
  store<u32>(m1 + 8, makerFee);
  store<u32>(m1 + 12, takerFee);
  store<u32>(m1 + 16, penalty);
  dirty(m1);
  return OK;
}

/** SET_UNDERLYING body at `b`: underlying u16, oracle signer (20), max price age u32 (seconds). */
export function setUnderlying(signer: usize, b: i32): i32 {
  if (!isAdmin(signer)) return NOT_ADMIN;
  const u = <u32>be16(b);
  const oracle = at(b + 2);
  const maxAge = be32(b + 22);
  if (isZeroAddress(oracle) || maxAge == 0) return BAD_MARKET_PARAMS;
  const s = underlyingSlot(u, 0);
  for (let i: usize = 0; i < 20; i++) store<u8>(s + i, load<u8>(oracle + i));
  store<u32>(s + 20, maxAge);
  store<u8>(s + 24, 1);
  dirty(s);
  return OK;
}

/**
 * PRICE body at `b`: underlying u16, price u64, timestamp u64 (seconds). Accepted from the
 * underlying's oracle signer when the timestamp is newer than the stored one, not in the
 * future of the batch and not older than the max price age.
 */
export function priceReport(signer: usize, b: i32): i32 {
  const u = <u32>be16(b);
  const price = be64(b + 2);
  const ts = be64(b + 10);
  const s = underlyingSlot(u, 0);
  if (load<u8>(s + 24) == 0) return UNKNOWN_UNDERLYING;
  if (!sameAddress(s, signer)) return NOT_ORACLE_SIGNER;
  if (price == 0 || price > 0x7fffffffffffffff) return BAD_AMOUNT;
  const p = underlyingSlot(u, 1);
  if (ts <= load<u64>(p + 8)) return PRICE_NOT_NEWER;
  const now = <u64>context(CTX_TIMESTAMP);
  if (ts > now || now - ts > <u64>load<u32>(s + 20)) return PRICE_STALE;
  store<u64>(p, price);
  store<u64>(p + 8, ts);
  dirty(p);
  return OK;
}
