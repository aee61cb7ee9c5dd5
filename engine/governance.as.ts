// Genesis, market and oracle configuration, price reports (docs/engine.md, "Governance" and
// "Oracle").
import { context, CTX_TIMESTAMP } from "./host.as";
import { startFunding } from "./funding.as";
import { at, be16, be32, be64, u8At } from "./input.as";
import { BS_MAX_PRICE, BS_MAX_TIME_SECONDS, BS_MAX_VOL_E8 } from "./math/fixed.as";
import {
  ALREADY_INITIALIZED, BAD_MARKET_PARAMS, NOT_ADMIN, NOT_ORACLE_SIGNER, OK, PRICE_NOT_NEWER, PRICE_STALE,
  UNKNOWN_UNDERLYING, BAD_AMOUNT,
} from "./outcome.as";
import { KIND_OPTION, KIND_PERP, MAX_MARKETS, PPM } from "./params.as";
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

/**
 * Creates or updates a market of `kind` from the risk fields at `r`: tick, lot, maxQty u64,
 * imf, mmf, maker, taker, penalty, price band u32. A live market keeps its kind, tick and lot.
 */
function configureMarket(market: u32, u: u32, kind: u8, r: i32): i32 {
  const tick = be64(r);
  const lot = be64(r + 8);
  const maxQty = be64(r + 16);
  const imf = be32(r + 24);
  const mmf = be32(r + 28);
  const makerFee = be32(r + 32);
  const takerFee = be32(r + 36);
  const penalty = be32(r + 40);
  const band = be32(r + 44);
  if (market >= MAX_MARKETS || tick == 0 || lot == 0 || maxQty == 0 || maxQty % lot != 0) return BAD_MARKET_PARAMS;
  if (mmf == 0 || imf < mmf || <u64>imf > PPM) return BAD_MARKET_PARAMS;
  if (makerFee > 100_000 || takerFee > 100_000 || penalty >= mmf) return BAD_MARKET_PARAMS;
  if (band == 0 || <u64>band > PPM) return BAD_MARKET_PARAMS; // orders trade within index +- band
  // Every product stays below 2^63: qty * price / 1e8 with price < 2^31 ticks.
  if (maxQty > 0x7fffffffffffffff / tick / 0x80000000 * 100_000_000) return BAD_MARKET_PARAMS;
  if (load<u8>(underlyingSlot(u, 0) + 24) == 0) return UNKNOWN_UNDERLYING;
  const m0 = marketSlot(market, 0);
  const live = load<u8>(m0 + 26);
  if (live != 0 && (live != kind || load<u64>(m0) != tick || load<u64>(m0 + 8) != lot || <u32>load<u16>(m0 + 24) != u)) {
    return BAD_MARKET_PARAMS;
  }
  store<u64>(m0, tick);
  store<u64>(m0 + 8, lot);
  store<u64>(m0 + 16, maxQty);
  store<u16>(m0 + 24, <u16>u);
  store<u8>(m0 + 26, kind);
  dirty(m0);
  const m1 = marketSlot(market, 1);
  store<u32>(m1, imf);
  store<u32>(m1 + 4, mmf);
  store<u32>(m1 + 8, makerFee);
  store<u32>(m1 + 12, takerFee);
  store<u32>(m1 + 16, penalty);
  store<u32>(m1 + 20, band);
  dirty(m1);
  return OK;
}

/** SET_MARKET body at `b`: market u16, underlying u16, then the risk fields (configureMarket). */
export function setMarket(signer: usize, b: i32): i32 {
  if (!isAdmin(signer)) return NOT_ADMIN;
  const market = <u32>be16(b);
  const r = configureMarket(market, <u32>be16(b + 2), KIND_PERP, b + 4);
  if (r == OK) startFunding(market);
  return r;
}

/**
 * SET_OPTION body at `b`: market u16, underlying u16, isCall bool, strike u64, expiry u64 (s),
 * volatility E8 u64, then the risk fields. A live series keeps its strike, expiry and type;
 * its volatility, margins and fees may change.
 */
export function setOption(signer: usize, b: i32): i32 {
  if (!isAdmin(signer)) return NOT_ADMIN;
  const market = <u32>be16(b);
  const isCall = u8At(b + 4);
  const strike = be64(b + 5);
  const expiry = be64(b + 13);
  const vol = be64(b + 21);
  if (isCall > 1 || strike == 0 || strike > <u64>BS_MAX_PRICE || vol == 0 || vol > <u64>BS_MAX_VOL_E8) {
    return BAD_MARKET_PARAMS;
  }
  const now = <u64>context(CTX_TIMESTAMP);
  if (expiry <= now || expiry - now > <u64>BS_MAX_TIME_SECONDS) return BAD_MARKET_PARAMS;
  if (market < MAX_MARKETS) {
    const p = marketSlot(market, 2);
    if (load<u8>(marketSlot(market, 0) + 26) != 0 && (load<u64>(p) != strike || load<u64>(p + 8) != expiry || load<u8>(p + 24) != isCall)) {
      return BAD_MARKET_PARAMS;
    }
  }
  const r = configureMarket(market, <u32>be16(b + 2), KIND_OPTION, b + 29);
  if (r != OK) return r;
  const p = marketSlot(market, 2);
  store<u64>(p, strike);
  store<u64>(p + 8, expiry);
  store<u64>(p + 16, vol);
  store<u8>(p + 24, isCall);
  dirty(p);
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
  const p = underlyingSlot(u, 1);
  store<u32>(p + 16, maxAge);
  dirty(p);
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
