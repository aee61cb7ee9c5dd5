/**
 * Test and benchmark fixtures for the sequencer (ARCHITECTURE.md: shared fixtures live in
 * <component>/testing/, never bench -> test): deterministic keys, real secp256k1 signatures made
 * with the native library (~50 us each, so a benchmark can sign 100,000 orders), and the
 * transactions of a small exchange set-up.
 */
import { createRequire } from "node:module";
import { type Hex, hexToBytes } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import {
  encodeDeposit,
  encodeSignedTx,
  type SignedTypeName,
  txDigest,
  type UnsignedTx,
} from "../../protocol/engine/index.ts";

const native = createRequire(import.meta.url)("secp256k1") as {
  ecdsaSign(msg32: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
};

export interface Trader {
  readonly key: Uint8Array;
  readonly address: Hex;
  nonce: bigint;
}

/** Trader `i`'s deterministic key (never 0). */
export function trader(i: number): Trader {
  const key = new Uint8Array(32);
  key[0] = 0x42;
  new DataView(key.buffer).setUint32(28, i + 1);
  return { key, address: privateKeyToAddress(`0x${Buffer.from(key).toString("hex")}`), nonce: 0n };
}

/** Signs and encodes a transaction of `t` with its next nonce (consumed). */
export function signed<N extends SignedTypeName>(
  chainId: bigint,
  t: Trader,
  type: N,
  body: UnsignedTx<N>["body"],
  nonce: bigint = t.nonce++,
): Uint8Array {
  const tx = { type, signer: t.address, nonce, body } as UnsignedTx<N>;
  const { signature, recid } = native.ecdsaSign(txDigest(chainId, tx), t.key);
  const sig = new Uint8Array(65);
  sig.set(signature, 0);
  sig[64] = 27 + recid;
  return encodeSignedTx(tx, sig);
}

const NO_REPORTER = "0x0000000000000000000000000000000000000000";

/** SET_UNDERLYING's body for underlying `u` priced by one reporter (quorum 1, no move bound, no settlement window). */
export function oneReporter(u: bigint, reporter: Hex) {
  return {
    underlying: u,
    reporter0: reporter,
    reporter1: NO_REPORTER,
    reporter2: NO_REPORTER,
    reporter3: NO_REPORTER,
    reporter4: NO_REPORTER,
    quorum: 1n,
    maxPriceAgeSeconds: 1_000_000_000n,
    maxMovePpm: 1_000_000n,
    settlementWindowSeconds: 0n,
    impactQuantity: 0n,
  } as const;
}
export const PRICE = 100_000_000n; // 100 quote units (6 decimals)
export const LOT = 100_000n; // 0.001 base

/** Governance transactions: underlying 0 with `oracle` as its signer, its price, perpetual market 0. */
export function setupTxs(chainId: bigint, admin: Trader, oracle: Trader, timestamp: bigint): Uint8Array[] {
  return [
    signed(chainId, admin, "SET_UNDERLYING", oneReporter(0n, oracle.address)),
    signed(chainId, oracle, "PRICE", { underlying: 0n, price: PRICE, timestamp }),
    signed(chainId, admin, "SET_MARKET", {
      market: 0n,
      underlying: 0n,
      tickSize: 10_000n,
      lotSize: LOT,
      maxQuantity: 1_000_000_000_000n,
      initialMarginPpm: 100_000n,
      maintenanceMarginPpm: 50_000n,
      makerFeePpm: 200n,
      takerFeePpm: 500n,
      liquidationPenaltyPpm: 10_000n,
      priceBandPpm: 500_000n,
    }),
  ];
}

export function order(
  chainId: bigint,
  t: Trader,
  side: 0 | 1,
  price: bigint,
  quantity: bigint,
  tif = 0,
  market = 0n,
): Uint8Array {
  return signed(chainId, t, "ORDER", {
    market,
    subaccount: 0n,
    side: BigInt(side),
    timeInForce: BigInt(tif),
    reduceOnly: false,
    price,
    quantity,
  });
}

export function deposit(t: Trader, amount: bigint): Uint8Array {
  return encodeDeposit(t.address, 0, amount);
}

export function addressBytes(a: Hex): Uint8Array {
  return hexToBytes(a);
}
