// Genesis, market and oracle configuration, price reports (docs/engine.md, "Governance" and
// "Oracle"; the report path itself is oracle.as.ts).
import { context, CTX_TIMESTAMP } from "./host.as";
import { startFunding } from "./funding.as";
import { at, be16, be32, be64, u8At } from "./input.as";
import { BS_MAX_PRICE, BS_MAX_TIME_SECONDS, BS_MAX_VOL_E8 } from "./math/fixed.as";
import { ALREADY_INITIALIZED, BAD_MARKET_PARAMS, NOT_ADMIN, OK, UNKNOWN_UNDERLYING } from "./outcome.as";
import { report, sameAddress } from "./oracle.as";
import { KIND_OPTION, KIND_PERP, MAX_MARKETS, MAX_REPORTERS, MAX_SETTLEMENT_WINDOW, PPM } from "./params.as";
import { reporterSlot } from "./price.as";
import { listSeries } from "./settlement.as";
import { configSlot, marketSlot, underlyingSlot } from "./state.as";
import { dirty } from "./store.as";

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
  if (load<u8>(underlyingSlot(u, 0)) == 0) return UNKNOWN_UNDERLYING;
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
  const u = <u32>be16(b + 2);
  const r = configureMarket(market, u, KIND_PERP, b + 4);
  if (r != OK) return r;
  startFunding(market);
  // The underlying's index updates sample this market's book (funding.as.ts, sampleBooks).
  const cfg = underlyingSlot(u, 0);
  store<u32>(cfg + 24, load<u32>(cfg + 24) | (<u32>1 << market));
  dirty(cfg);
  return OK;
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
  let live = false;
  if (market < MAX_MARKETS) {
    const p = marketSlot(market, 2);
    live = load<u8>(marketSlot(market, 0) + 26) != 0;
    if (live && (load<u64>(p) != strike || load<u64>(p + 8) != expiry || load<u8>(p + 24) != isCall)) {
      return BAD_MARKET_PARAMS;
    }
  }
  const u = <u32>be16(b + 2);
  const r = configureMarket(market, u, KIND_OPTION, b + 29);
  if (r != OK) return r;
  const p = marketSlot(market, 2);
  store<u64>(p, strike);
  store<u64>(p + 8, expiry);
  store<u64>(p + 16, vol);
  store<u8>(p + 24, isCall);
  if (!live) {
    // A new series takes its underlying's settlement window, and must be listed before the
    // window opens: the accumulator at the window start is still ahead (settlement.as.ts).
    const window = <u64>load<u32>(underlyingSlot(u, 0) + 12);
    if (expiry - now < window) return BAD_MARKET_PARAMS;
    store<u32>(p + 28, <u32>window);
    listSeries(u, market, expiry, window, now);
  }
  dirty(p);
  return OK;
}

/**
 * SET_UNDERLYING body at `b`: underlying u16, MAX_REPORTERS reporter addresses (20 each; zero =
 * none), quorum u8, max price age u32 (s), max move per report u32 (ppm), settlement window u32
 * (s), impact quantity u64 (qtyE8). Reporters must be distinct, 1 <= quorum <= their number. A
 * reporter whose address changes loses its last report. The perpetual and pending-series masks
 * and the index are kept.
 */
export function setUnderlying(signer: usize, b: i32): i32 {
  if (!isAdmin(signer)) return NOT_ADMIN;
  const u = <u32>be16(b);
  const r0 = b + 2;
  const k = b + 2 + 20 * <i32>MAX_REPORTERS;
  const quorum = <u32>u8At(k);
  const maxAge = be32(k + 1);
  const maxMove = be32(k + 5);
  const window = be32(k + 9);
  const impact = be64(k + 13);
  let reporters: u32 = 0;
  let n: u32 = 0;
  for (let i: u32 = 0; i < MAX_REPORTERS; i++) {
    const a = at(r0 + 20 * <i32>i);
    if (isZeroAddress(a)) continue;
    for (let j: u32 = 0; j < i; j++) if (sameAddress(a, at(r0 + 20 * <i32>j))) return BAD_MARKET_PARAMS;
    reporters |= <u32>1 << i;
    n++;
  }
  if (quorum == 0 || quorum > n || maxAge == 0 || maxMove == 0 || <u64>maxMove > PPM) return BAD_MARKET_PARAMS;
  if (<u64>window > MAX_SETTLEMENT_WINDOW) return BAD_MARKET_PARAMS;
  const s = underlyingSlot(u, 0);
  store<u8>(s, 1);
  store<u8>(s + 1, <u8>quorum);
  store<u8>(s + 2, <u8>reporters);
  store<u32>(s + 4, maxMove);
  store<u32>(s + 8, maxAge);
  store<u32>(s + 12, window);
  store<u64>(s + 16, impact);
  dirty(s);
  for (let i: u32 = 0; i < MAX_REPORTERS; i++) {
    const a = at(r0 + 20 * <i32>i);
    const rs = reporterSlot(u, i);
    if (sameAddress(rs, a)) continue;
    for (let j: usize = 0; j < 20; j++) store<u8>(rs + j, load<u8>(a + j));
    store<u64>(rs + 20, 0);
    store<u32>(rs + 28, 0);
    dirty(rs);
  }
  const p = underlyingSlot(u, 1);
  store<u32>(p + 16, maxAge);
  dirty(p);
  return OK;
}

/** PRICE: a reporter's price report (oracle.as.ts). */
export function priceReport(signer: usize, b: i32): i32 {
  return report(signer, b);
}
