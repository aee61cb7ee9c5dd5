/**
 * The engine's state key layout (docs/engine.md, "State layout"). A logical key is 32 bytes:
 * tag (1) || 0 (3) || x (u32 LE) || a (u64 LE) || b (u64 LE) || c (u64 LE), or for keys of an
 * address: tag || 0 (3) || 0 (4) || address (20) || extra (1) || 0 (3). Its tree key is
 * keccak(0x03 || logical key) (docs/protocol.md, STATE_KEY).
 */
import { type Hex, hexToBytes } from "viem";
import { stateKey } from "../smt/hash.ts";

export const KeyTag = {
  CONFIG: 0x00,
  NONCE: 0x01,
  ACCOUNT_ID: 0x02,
  ACCOUNT: 0x03,
  POSITION: 0x04,
  OPEN_ORDERS: 0x05,
  MARKET: 0x06,
  BOOK: 0x07,
  LEVEL: 0x08,
  BITMAP: 0x09,
  ORDER: 0x0a,
  UNDERLYING: 0x0b,
  OUTBOX: 0x0c,
  FUNDING: 0x0d,
  POSITION_FUNDING: 0x0e,
  HOLDER: 0x11,
  HOLDERS: 0x12,
  CLIENT_ORDER: 0x13,
  REPORTER: 0x20,
  FUNDING_SAMPLES: 0x21,
  SETTLEMENT_WINDOW: 0x22,
} as const;

function putLe(out: Uint8Array, at: number, width: number, v: bigint): void {
  for (let i = 0; i < width; i++) {
    out[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** The logical key tag || 0 || x || a || b || c. */
export function logicalKey(tag: number, x: number, a = 0n, b = 0n, c = 0n): Uint8Array {
  const k = new Uint8Array(32);
  k[0] = tag;
  putLe(k, 4, 4, BigInt(x));
  putLe(k, 8, 8, a);
  putLe(k, 16, 8, b);
  putLe(k, 24, 8, c);
  return k;
}

/** The logical key of an address-keyed slot: tag || 0 (7) || address || extra || 0 (3). */
export function addressKey(tag: number, address: Hex, extra = 0): Uint8Array {
  const k = new Uint8Array(32);
  k[0] = tag;
  k.set(hexToBytes(address), 8);
  k[28] = extra;
  return k;
}

/** Tree keys of every engine slot. */
export const engineKeys = {
  config: () => stateKey(logicalKey(KeyTag.CONFIG, 0)),
  totals: () => stateKey(logicalKey(KeyTag.CONFIG, 1)),
  counters: () => stateKey(logicalKey(KeyTag.CONFIG, 2)),
  nonce: (address: Hex) => stateKey(addressKey(KeyTag.NONCE, address)),
  accountId: (address: Hex, subaccount: number) =>
    stateKey(addressKey(KeyTag.ACCOUNT_ID, address, subaccount)),
  account: (id: number) => stateKey(logicalKey(KeyTag.ACCOUNT, id)),
  position: (id: number, market: number) => stateKey(logicalKey(KeyTag.POSITION, id, BigInt(market))),
  openOrders: (id: number, market: number, part: number) =>
    stateKey(logicalKey(KeyTag.OPEN_ORDERS, id, BigInt(market), BigInt(part))),
  market: (market: number, part: number) => stateKey(logicalKey(KeyTag.MARKET, market, BigInt(part))),
  book: (market: number) => stateKey(logicalKey(KeyTag.BOOK, market)),
  level: (market: number, side: number, tick: number) =>
    stateKey(logicalKey(KeyTag.LEVEL, market, BigInt(side), BigInt(tick))),
  bitmap: (market: number, side: number, level: number, word: number) =>
    stateKey(logicalKey(KeyTag.BITMAP, market, BigInt(side | (level << 8)), BigInt(word))),
  order: (market: number, id: bigint) => stateKey(logicalKey(KeyTag.ORDER, market, id)),
  underlying: (u: number, part: number) => stateKey(logicalKey(KeyTag.UNDERLYING, u, BigInt(part))),
  funding: (market: number) => stateKey(logicalKey(KeyTag.FUNDING, market)),
  positionFunding: (id: number, market: number) =>
    stateKey(logicalKey(KeyTag.POSITION_FUNDING, id, BigInt(market))),
  holder: (market: number, id: number) => stateKey(logicalKey(KeyTag.HOLDER, market, BigInt(id))),
  holders: (market: number) => stateKey(logicalKey(KeyTag.HOLDERS, market)),
  /** The order id last rested under a client order id (check the order is still live). */
  clientOrder: (id: number, market: number, high: bigint, low: bigint) =>
    stateKey(logicalKey(KeyTag.CLIENT_ORDER, id, BigInt(market), high, low)),
  reporter: (u: number, i: number) => stateKey(logicalKey(KeyTag.REPORTER, u, BigInt(i))),
  fundingSamples: (market: number) => stateKey(logicalKey(KeyTag.FUNDING_SAMPLES, market)),
  settlementWindow: (market: number) => stateKey(logicalKey(KeyTag.SETTLEMENT_WINDOW, market)),
  /** The outbox entry `index`: its index sits big-endian in field a, so L1 builds the key with abi.encodePacked. */
  outbox: (index: bigint) => {
    const k = logicalKey(KeyTag.OUTBOX, 0);
    for (let i = 0; i < 8; i++) k[8 + i] = Number((index >> BigInt(8 * (7 - i))) & 0xffn);
    return stateKey(k);
  },
};
