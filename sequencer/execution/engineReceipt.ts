/**
 * Everything the node knows about the engine's formats beyond running it (docs/engine.md):
 * which transaction fields a receipt shows, and how fills, the placed order's id and the
 * touched book levels follow from a transaction's state writes and the pre-state. The engine
 * emits no events; its writes are the record. Engine format changes land here, in one place.
 */
import { bytesToHex } from "viem";
import {
  decodeAccount,
  decodeAccountId,
  decodeBook,
  decodeMarket,
  decodeOrder,
  engineKeys,
  levelOrders,
  MAX_FILLS_PER_TX,
  outcomeName,
  PPM,
  QTY_SCALE,
  TxType,
  type TxTypeName,
} from "../../protocol/engine/index.ts";
import { keyString, type StateReader, type StateWrite } from "../../vm/index.ts";
import type { Fill, Hex } from "../nodeTypes.ts";

const TYPE_NAMES = new Map<number, TxTypeName>(
  (Object.entries(TxType) as [TxTypeName, number][]).map(([name, byte]) => [byte, name]),
);

/** A transaction's envelope fields, read straight from its bytes (they are well formed once executed). */
export interface TxEnvelope {
  readonly type: string;
  readonly typeByte: number;
  readonly signer: Hex | null;
  readonly nonce: bigint | null;
}

/** Signed transactions start type (1) || signer (20) || nonce (8); the body follows at 29. */
const BODY = 29;

export function envelopeOf(tx: Uint8Array): TxEnvelope {
  const typeByte = tx[0];
  const type = TYPE_NAMES.get(typeByte) ?? `0x${typeByte?.toString(16)}`;
  if (typeByte < 0x10 || tx.length < BODY) return { type, typeByte, signer: null, nonce: null };
  return { type, typeByte, signer: bytesToHex(tx.subarray(1, 21)), nonce: be(tx, 21, 8) };
}

function be(b: Uint8Array, at: number, width: number): bigint {
  let v = 0n;
  for (let i = 0; i < width; i++) v = (v << 8n) | BigInt(b[at + i]);
  return v;
}

function be16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

/** What a receipt shows besides the outcome: the order placed, its fills, the levels and addresses it touched. */
export interface TradeEffects {
  readonly market: number | null;
  readonly orderId: bigint | null;
  readonly resting: boolean;
  readonly fills: Fill[];
  /** Book levels that may have changed: [market, side, tick]. */
  readonly levels: [number, 0 | 1, number][];
  /** Addresses whose account may have changed. */
  readonly accounts: Hex[];
}

const NONE: TradeEffects = Object.freeze({
  market: null,
  orderId: null,
  resting: false,
  fills: [],
  levels: [],
  accounts: [],
}) as unknown as TradeEffects;

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** Finds an account id's (owner, subaccount) from state, caching what it found (accounts never move). */
export class AccountNames {
  private readonly known = new Map<number, { owner: Hex; subaccount: number }>();
  of(get: StateReader, id: number): { owner: Hex; subaccount: number } {
    const hit = this.known.get(id);
    if (hit !== undefined) return hit;
    const owner = decodeAccount(get.get(engineKeys.account(id))).owner;
    let subaccount = 0;
    for (let s = 0; s < 256; s++) {
      if (decodeAccountId(get.get(engineKeys.accountId(owner, s))) === id) {
        subaccount = s;
        break;
      }
    }
    const found = { owner, subaccount };
    this.known.set(id, found);
    return found;
  }
}

/**
 * The effects of an executed transaction with outcome OK: `pre` reads the state before it,
 * `writes` are its writes (the post-state is pre overlaid by them).
 */
export function tradeEffects(
  tx: Uint8Array,
  env: TxEnvelope,
  pre: StateReader,
  writes: readonly StateWrite[],
  names: AccountNames,
): TradeEffects {
  const t = env.typeByte;
  if (t !== TxType.ORDER && t !== TxType.CANCEL && t !== TxType.CANCEL_ALL) {
    return env.signer === null ? NONE : { ...NONE, accounts: [env.signer] };
  }
  const market = be16(tx, BODY);
  const subaccount = tx[BODY + 2];
  const signer = env.signer!;
  let post: Map<string, Uint8Array> | undefined;
  const postGet = (key: Uint8Array): Uint8Array => {
    if (post === undefined) {
      post = new Map();
      for (const [k, v] of writes) post.set(keyString(k), v);
    }
    return post.get(keyString(key)) ?? pre.get(key);
  };
  if (t !== TxType.ORDER) {
    // A cancel touches its orders' levels: read them from the pre-state.
    const levels: [number, 0 | 1, number][] = [];
    const ids: bigint[] = [];
    if (t === TxType.CANCEL) ids.push(be(tx, BODY + 3, 8));
    else {
      const id = decodeAccountId(pre.get(engineKeys.accountId(signer, subaccount)));
      for (let part = 0; part < 2; part++) {
        const v = pre.get(engineKeys.openOrders(id, market, part));
        const d = new DataView(v.buffer, v.byteOffset, 32);
        for (let i = 0; i < 4; i++) {
          const oid = d.getBigUint64(8 * i, true);
          if (oid !== 0n) ids.push(oid);
        }
      }
    }
    for (const id of ids) {
      const o = decodeOrder(pre.get(engineKeys.order(market, id)));
      if (o.quantity > 0n) levels.push([market, o.side, o.tick]);
    }
    return { market, orderId: null, resting: false, fills: [], levels, accounts: [signer] };
  }
  const side = tx[BODY + 3] as 0 | 1;
  const price = be(tx, BODY + 6, 8);
  const m = decodeMarket(pre.get(engineKeys.market(market, 0)), pre.get(engineKeys.market(market, 1)));
  const tick = Number(price / m.tickSize);
  const bookBefore = decodeBook(pre.get(engineKeys.book(market)));
  const bookAfter = decodeBook(postGet(engineKeys.book(market)));
  const rested = bookAfter.lastOrderId > bookBefore.lastOrderId;
  const orderId = rested ? bookAfter.lastOrderId : null;
  const levels: [number, 0 | 1, number][] = [];
  if (rested) levels.push([market, side, tick]);
  const accounts: Hex[] = [signer];
  const fills: Fill[] = [];
  const opp = (side === 0 ? 1 : 0) as 0 | 1;
  const best = side === 0 ? bookBefore.bestAskTick : bookBefore.bestBidTick;
  const crosses = best !== 0 && (side === 0 ? best <= tick : best >= tick);
  if (crosses) {
    const takerId = decodeAccountId(pre.get(engineKeys.accountId(signer, subaccount)));
    // Walk the opposite side as the engine matched it: best level first, oldest order first,
    // at most MAX_FILLS_PER_TX orders; each order's fill is what its quantity lost.
    const get = pre.get.bind(pre);
    let touched = 0;
    // The opposite side from its best level, as the engine matched it; levels found lazily
    // through the tick bitmap (most orders touch one level).
    walk: for (
      let levelTick = best;
      levelTick > 0 && touched < MAX_FILLS_PER_TX && (side === 0 ? levelTick <= tick : levelTick >= tick);
      levelTick = nextTick(get, market, opp, 0, levelTick, opp === 1)
    ) {
      const level = { tick: levelTick };
      levels.push([market, opp, level.tick]);
      for (const o of levelOrders(get, market, opp, level.tick)) {
        if (touched >= MAX_FILLS_PER_TX) break walk;
        const left = decodeOrder(postGet(engineKeys.order(market, o.id))).quantity;
        if (left === o.quantity) break walk; // matching stopped before this order
        touched++;
        if (o.owner === takerId) continue; // self-trade prevention cancelled it
        const quantity = o.quantity - left;
        const fillPrice = BigInt(level.tick) * m.tickSize;
        const notional = (quantity * fillPrice) / QTY_SCALE;
        const maker = names.of(pre, o.owner);
        if (!accounts.includes(maker.owner)) accounts.push(maker.owner);
        fills.push({
          market,
          makerOrderId: o.id.toString(),
          takerOrderId: (orderId ?? 0n).toString(),
          maker: maker.owner,
          makerSubaccount: maker.subaccount,
          taker: signer,
          takerSubaccount: subaccount,
          takerSide: side,
          price: fillPrice.toString(),
          quantity: quantity.toString(),
          makerFee: ceilDiv(notional * BigInt(m.makerFeePpm), PPM).toString(),
          takerFee: ceilDiv(notional * BigInt(m.takerFeePpm), PPM).toString(),
        });
        if (left > 0n) break walk; // a partly filled maker ends the match
      }
    }
  }
  return { market, orderId, resting: rested, fills, levels, accounts };
}

/** Bit `b` of a 256-bit bitmap word (u64 limbs little-endian: bit b is bit b & 7 of byte b >> 3). */
function bit(v: Uint8Array, b: number): boolean {
  return ((v[b >> 3] >> (b & 7)) & 1) === 1;
}

/** The next set bit after (up) or before (down) bit `b` of word `v`, or -1; zero bytes are skipped whole. */
function scanWord(v: Uint8Array, b: number, up: boolean): number {
  if (up) {
    for (let i = b + 1; i < 256; ) {
      if ((i & 7) === 0 && v[i >> 3] === 0) i += 8;
      else if (bit(v, i)) return i;
      else i++;
    }
  } else {
    for (let i = b - 1; i >= 0; ) {
      if ((i & 7) === 7 && v[i >> 3] === 0) i -= 8;
      else if (bit(v, i)) return i;
      else i--;
    }
  }
  return -1;
}

/**
 * The next occupied index at bitmap `level` after (up: asks) or before (down: bids) `idx`, or
 * -1: the engine's 4-level tick bitmap (engine/bitmap.as.ts) walked on bytes (readBook's
 * BigInt walk costs ~100 us per level; this runs for every crossing order).
 */
export function nextTick(
  get: (k: Uint8Array) => Uint8Array,
  market: number,
  side: number,
  level: number,
  idx: number,
  up: boolean,
): number {
  const word = Math.floor(idx / 256);
  const found = scanWord(get(engineKeys.bitmap(market, side, level, word)), idx % 256, up);
  if (found >= 0) return word * 256 + found;
  if (level === 3) return -1;
  const parent = nextTick(get, market, side, level + 1, word, up);
  if (parent < 0) return -1;
  const child = get(engineKeys.bitmap(market, side, level, parent));
  const first = scanWord(child, up ? -1 : 256, up);
  return first < 0 ? -1 : parent * 256 + first;
}

/** Outcome names by code, made once (outcomeName scans the table: ~1% of the node's time per call). */
const OUTCOME_NAMES: string[] = [];
for (let c = 0; c < 64; c++) OUTCOME_NAMES.push(outcomeName(c) ?? `CODE_${c}`);

/** The outcome's name (docs/engine.md, "Outcome codes"). */
export function outcomeLabel(code: number): string {
  return OUTCOME_NAMES[code] ?? outcomeName(code) ?? `CODE_${code}`;
}
