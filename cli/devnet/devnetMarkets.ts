/**
 * The devnet's default markets (docs/devnet.md): two underlyings priced by three oracle reporters
 * each (quorum 2), a perpetual on each, and a strip of option series on the first. Set up by signed
 * governance transactions from the admin key, as any chain's operator would.
 */
import { type Hex, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { OptioClient } from "../../sdk/index.ts";
import { CliError } from "../CliError.ts";

/** Quote units (6 decimals) per whole base unit. */
const UNIT = 1_000_000n;
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as Hex;

export interface DevnetUnderlying {
  readonly id: number;
  readonly name: string;
  /** Starting price, quote units per base unit. */
  readonly price: bigint;
}

export const DEVNET_UNDERLYINGS: readonly DevnetUnderlying[] = [
  { id: 1, name: "ETH", price: 3_000n * UNIT },
  { id: 2, name: "BTC", price: 60_000n * UNIT },
];

/** The oracle reporters' keys: derived from a label, so every devnet has the same (never funded on L1). */
export const REPORTER_KEYS: readonly Hex[] = [0, 1, 2].map((i) =>
  keccak256(toHex(`optio devnet oracle reporter ${i}`)),
);

/** Perpetual market ids: market u + 0 for underlying u (1, 2); option series from 8 on. */
export const PERP_MARKETS: readonly number[] = DEVNET_UNDERLYINGS.map((u) => u.id);
export const FIRST_OPTION_MARKET = 8;

/** Settlement TWAP window of the devnet's underlyings (seconds): short, so a user sees a series settle. */
export const SETTLEMENT_WINDOW_S = 120n;

export interface OptionSeries {
  readonly market: number;
  readonly isCall: boolean;
  readonly strike: bigint;
  readonly expiry: bigint;
}

/** The strip on the first underlying: calls and puts at 90%, 100%, 110% of its price, expiring in 15 min and 1 day. */
export function optionStrip(now: bigint): OptionSeries[] {
  const u = DEVNET_UNDERLYINGS[0];
  const out: OptionSeries[] = [];
  let market = FIRST_OPTION_MARKET;
  for (const expiry of [now + 900n, now + 86_400n])
    for (const pct of [90n, 100n, 110n])
      for (const isCall of [true, false])
        out.push({ market: market++, isCall, strike: (u.price * pct) / 100n, expiry });
  return out;
}

/** The short-expiry call and put take the market ids after the strip's (8-19). */
export const SHORT_EXPIRY_FIRST_MARKET = FIRST_OPTION_MARKET + optionStrip(0n).length;
/**
 * Shortest OPTIO_DEVNET_SHORT_EXPIRY_S (seconds): the engine lists a series only if its settlement window fits
 * before expiry (expiry - now >= the window, docs/engine.md "SET_OPTION"), and `now` here is read a few
 * governance transactions before the listing's batch: 10 s of slack for those.
 */
export const MIN_SHORT_EXPIRY_S = SETTLEMENT_WINDOW_S + 10n;
/** Longest: a day, the strip's long expiry; beyond it the series is no longer short. */
export const MAX_SHORT_EXPIRY_S = 86_400n;

/**
 * OPTIO_DEVNET_SHORT_EXPIRY_S: seconds from the markets' setup to the expiry of an extra call and put on ETH, so a
 * test or a demo sees a series expire and settle within minutes. Unset or empty: none.
 */
export function devnetShortExpirySeconds(
  env: Readonly<Record<string, string | undefined>>,
): bigint | undefined {
  const v = env.OPTIO_DEVNET_SHORT_EXPIRY_S;
  if (v === undefined || v === "") return undefined;
  const s = /^\d{1,9}$/.test(v) ? BigInt(v) : -1n;
  if (s < MIN_SHORT_EXPIRY_S || s > MAX_SHORT_EXPIRY_S)
    throw new CliError(
      `OPTIO_DEVNET_SHORT_EXPIRY_S: expected whole seconds from ${MIN_SHORT_EXPIRY_S} to ${MAX_SHORT_EXPIRY_S}, got "${v}"`,
      `the series' ${SETTLEMENT_WINDOW_S} s settlement window must fit before expiry; e.g. OPTIO_DEVNET_SHORT_EXPIRY_S=180, or unset it`,
    );
  return s;
}

/** The short-expiry pair: a call and a put at the money (the first underlying's start price), expiring at now + seconds. */
export function shortExpirySeries(now: bigint, seconds: bigint): OptionSeries[] {
  const strike = DEVNET_UNDERLYINGS[0].price;
  return [true, false].map((isCall, i) => ({
    market: SHORT_EXPIRY_FIRST_MARKET + i,
    isCall,
    strike,
    expiry: now + seconds,
  }));
}

/**
 * Sends the governance transactions (admin client). Returns the option series listed: the strip, then the
 * short-expiry pair when `shortExpiryS` is set (default: OPTIO_DEVNET_SHORT_EXPIRY_S).
 */
export async function setupDevnetMarkets(
  admin: OptioClient,
  now: bigint,
  shortExpiryS: bigint | undefined = devnetShortExpirySeconds(process.env),
): Promise<OptionSeries[]> {
  const reporters = REPORTER_KEYS.map((k) => privateKeyToAccount(k).address);
  const check = (what: string, r: { outcomeName: string }) => {
    if (r.outcomeName !== "OK") throw new Error(`devnet setup: ${what} answered ${r.outcomeName}`);
  };
  for (const u of DEVNET_UNDERLYINGS) {
    check(
      `SET_UNDERLYING ${u.name}`,
      await admin.send("SET_UNDERLYING", {
        underlying: BigInt(u.id),
        reporter0: reporters[0],
        reporter1: reporters[1],
        reporter2: reporters[2],
        reporter3: ZERO_ADDRESS,
        reporter4: ZERO_ADDRESS,
        quorum: 2n,
        maxPriceAgeSeconds: 60n,
        maxMovePpm: 50_000n,
        settlementWindowSeconds: SETTLEMENT_WINDOW_S,
        impactQuantity: 0n,
      }),
    );
  }
  for (const u of DEVNET_UNDERLYINGS) {
    check(
      `SET_MARKET ${u.name}-PERP`,
      await admin.send("SET_MARKET", {
        market: BigInt(u.id),
        underlying: BigInt(u.id),
        tickSize: u.price / 30_000n, // ~0.33 bp of the price
        lotSize: 100_000n, // 0.001 base units
        maxQuantity: 100_000_000_000n, // 1,000 base units
        initialMarginPpm: 100_000n,
        maintenanceMarginPpm: 50_000n,
        makerFeePpm: 100n,
        takerFeePpm: 500n,
        liquidationPenaltyPpm: 10_000n,
        priceBandPpm: 100_000n,
      }),
    );
  }
  // The short pair first: the fewer transactions between `now` and its listing, the less of its slack they use.
  const short = shortExpiryS === undefined ? [] : shortExpirySeries(now, shortExpiryS);
  const strip = optionStrip(now);
  const u = DEVNET_UNDERLYINGS[0];
  for (const s of [...short, ...strip]) {
    check(
      `SET_OPTION ${s.market}`,
      await admin.send("SET_OPTION", {
        market: BigInt(s.market),
        underlying: BigInt(u.id),
        isCall: s.isCall,
        strike: s.strike,
        expiry: s.expiry,
        volatilityE8: 60_000_000n, // 60%
        tickSize: UNIT / 10n,
        lotSize: 1_000_000n, // 0.01 contracts
        maxQuantity: 10_000_000_000n,
        initialMarginPpm: 150_000n,
        maintenanceMarginPpm: 75_000n,
        makerFeePpm: 200n,
        takerFeePpm: 500n,
        liquidationPenaltyPpm: 20_000n,
        priceBandPpm: 200_000n,
      }),
    );
  }
  return [...strip, ...short];
}
