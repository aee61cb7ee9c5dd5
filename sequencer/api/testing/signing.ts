/**
 * Test and load-generator keys and signed transactions: deterministic private keys, their
 * addresses, and engine transactions signed straight over the EIP-712 digest (noble, no viem
 * account round trip), so a generator can pre-sign thousands per second.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { type Hex, toHex } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import {
  encodeSignedTx,
  type SignedTypeName,
  type TxBody,
  txDigest,
  type UnsignedTx,
} from "../../../protocol/engine/index.ts";

export interface TestKey {
  readonly privateKey: Uint8Array;
  readonly address: Hex;
}

/** Key number i (i >= 0): a fixed private key and its address (lowercase). */
export function testKey(i: number): TestKey {
  const k = new Uint8Array(32);
  k[0] = 0x5e; // a prefix of our own: not Hardhat's funded accounts
  k[28] = (i >>> 24) & 0xff;
  k[29] = (i >>> 16) & 0xff;
  k[30] = (i >>> 8) & 0xff;
  k[31] = (i & 0xff) + 1;
  return { privateKey: k, address: privateKeyToAddress(toHex(k)).toLowerCase() as Hex };
}

/** Encodes and signs a transaction of type N with `key`. */
export function signWith<N extends SignedTypeName>(
  key: TestKey,
  chainId: bigint,
  type: N,
  nonce: bigint,
  body: TxBody<N>,
): Uint8Array {
  const tx = { type, signer: key.address, nonce, body } as UnsignedTx<N>;
  const sig = secp256k1.sign(txDigest(chainId, tx), key.privateKey, { prehash: false });
  const out = new Uint8Array(65);
  out.set(sig.toBytes("compact"), 0);
  out[64] = 27 + sig.recovery;
  return encodeSignedTx(tx, out);
}

export interface OrderSpec {
  readonly market?: number;
  readonly subaccount?: number;
  readonly side: 0 | 1;
  readonly price: bigint;
  readonly quantity: bigint;
  /** 0 GTC (default), 1 IOC, 2 FOK, 3 post-only. */
  readonly timeInForce?: number;
}

export function signOrder(key: TestKey, chainId: bigint, nonce: bigint, o: OrderSpec): Uint8Array {
  return signWith(key, chainId, "ORDER", nonce, {
    market: BigInt(o.market ?? 0),
    subaccount: BigInt(o.subaccount ?? 0),
    side: BigInt(o.side),
    timeInForce: BigInt(o.timeInForce ?? 0),
    reduceOnly: false,
    price: o.price,
    quantity: o.quantity,
  } as TxBody<"ORDER">);
}

export const hexOf = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString("hex")}` as Hex;
