/**
 * Read-only views of the engine's state (docs/engine.md, "State layout") in the trader API's
 * shapes (sequencer/nodeTypes.ts). Engine-specific, like execution/engineReceipt.ts: format
 * changes land here. Margin mirrors engine/margin.as.ts for perpetuals (equity: collateral +
 * quote + base * mark, longs rounded down and shorts up; requirement: ceil(ceil(exposure * mark)
 * * fraction)) at the index price and the last batch's time, without funding not yet settled
 * into positions. Option positions count at their settlement payoff once settled; before, their
 * Black-Scholes mark and Greeks are not computed here (null) and the margin leaves their value
 * out while keeping their short requirement, as the engine does (flagged by `optionsUnvalued`).
 */
import type { Hex } from "viem";
import {
  decodeAccount,
  decodeAccountId,
  decodeBook,
  decodeFunding,
  decodeLevel,
  decodeMarket,
  decodeNonce,
  decodeOpenOrders,
  decodeOptionSeries,
  decodeOraclePrice,
  decodeOrder,
  decodePosition,
  decodeSettlement,
  decodeUnderlying,
  engineKeys,
  MAX_MARKETS,
  MAX_OPEN_ORDERS,
  MarketKind,
  PPM,
  QTY_SCALE,
} from "../../protocol/engine/index.ts";
import type { StateReader } from "../../vm/index.ts";
import type { AccountNames } from "../execution/engineReceipt.ts";
import type {
  AccountView,
  BookLevelView,
  BookView,
  MarketView,
  OptionSeriesView,
  OptionsChainView,
  OrderView,
  PositionView,
  SubaccountView,
  UnderlyingView,
} from "../nodeTypes.ts";

/** Underlyings listed: those markets name, and any registered below this number. */
const UNDERLYING_SCAN = 64;

function ceilDiv(a: bigint, b: bigint): bigint {
  return a >= 0n ? (a + b - 1n) / b : a / b;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** The engine's positionValue: floor for longs, -ceil(|base| * mark) for shorts. */
function positionValue(base: bigint, mark: bigint): bigint {
  return base >= 0n ? (base * mark) / QTY_SCALE : -ceilDiv(-base * mark, QTY_SCALE);
}

export class EngineViews {
  constructor(
    private readonly state: () => StateReader,
    /** The batch time marks are computed at (seconds). */
    private readonly now: () => bigint,
    private readonly names: AccountNames,
  ) {}

  private get(key: Uint8Array): Uint8Array {
    return this.state().get(key);
  }

  nonce(address: Hex): bigint {
    return decodeNonce(this.get(engineKeys.nonce(address)));
  }

  /** The underlying's index price, or null if none or stale at the last batch's time. */
  indexPrice(u: number): bigint | null {
    const p = decodeOraclePrice(this.get(engineKeys.underlying(u, 1)));
    if (p.price === 0n) return null;
    const now = this.now();
    if (now > p.timestamp && now - p.timestamp > BigInt(p.maxPriceAgeSeconds)) return null;
    return p.price;
  }

  market(m: number): MarketView | null {
    const part0 = this.get(engineKeys.market(m, 0));
    const mk = decodeMarket(part0, this.get(engineKeys.market(m, 1)));
    if (mk.kind === 0) return null;
    const book = decodeBook(this.get(engineKeys.book(m)));
    const index = this.indexPrice(mk.underlying);
    const isOption = mk.kind === MarketKind.OPTION;
    let option: MarketView["option"] = null;
    let funding: MarketView["funding"] = null;
    if (isOption) {
      const o = decodeOptionSeries(this.get(engineKeys.market(m, 2)));
      const s = decodeSettlement(this.get(engineKeys.funding(m)));
      option = {
        isCall: o.isCall,
        strike: o.strike.toString(),
        expiry: o.expiry.toString(),
        volatilityE8: o.volatilityE8.toString(),
        settlementPrice: s.price === 0n ? null : s.price.toString(),
      };
    } else {
      const f = decodeFunding(this.get(engineKeys.funding(m)));
      funding = { cumulative: f.cumulative.toString(), lastTime: f.lastTime.toString() };
    }
    return {
      market: m,
      kind: isOption ? "option" : "perpetual",
      active: mk.active,
      underlying: mk.underlying,
      tickSize: mk.tickSize.toString(),
      lotSize: mk.lotSize.toString(),
      maxQuantity: mk.maxQuantity.toString(),
      initialMarginPpm: mk.initialMarginPpm,
      maintenanceMarginPpm: mk.maintenanceMarginPpm,
      makerFeePpm: mk.makerFeePpm,
      takerFeePpm: mk.takerFeePpm,
      liquidationPenaltyPpm: mk.liquidationPenaltyPpm,
      indexPrice: index === null ? null : index.toString(),
      markPrice: isOption || index === null ? null : index.toString(),
      bestBid: book.bestBidTick === 0 ? null : (BigInt(book.bestBidTick) * mk.tickSize).toString(),
      bestAsk: book.bestAskTick === 0 ? null : (BigInt(book.bestAskTick) * mk.tickSize).toString(),
      funding,
      option,
    };
  }

  markets(): MarketView[] {
    const out: MarketView[] = [];
    for (let m = 0; m < MAX_MARKETS; m++) {
      const v = this.market(m);
      if (v !== null) out.push(v);
    }
    return out;
  }

  underlying(u: number): UnderlyingView | null {
    const d = decodeUnderlying(this.get(engineKeys.underlying(u, 0)));
    if (!d.registered) return null;
    const p = decodeOraclePrice(this.get(engineKeys.underlying(u, 1)));
    const index = this.indexPrice(u);
    return {
      underlying: u,
      oracleSigner: d.oracleSigner,
      maxPriceAgeSeconds: d.maxPriceAgeSeconds,
      indexPrice: index === null ? null : index.toString(),
      priceTimestamp: p.price === 0n ? null : p.timestamp.toString(),
    };
  }

  underlyings(): UnderlyingView[] {
    const seen = new Set<number>();
    for (const m of this.markets()) seen.add(m.underlying);
    for (let u = 0; u < UNDERLYING_SCAN; u++) seen.add(u);
    return [...seen]
      .sort((a, b) => a - b)
      .map((u) => this.underlying(u))
      .filter((v): v is UnderlyingView => v !== null);
  }

  optionsChain(u: number): OptionsChainView | null {
    const und = this.underlying(u);
    if (und === null) return null;
    const series: OptionSeriesView[] = this.markets()
      .filter((m) => m.kind === "option" && m.underlying === u && m.option !== null)
      .map((m) => ({
        market: m.market,
        isCall: m.option!.isCall,
        strike: m.option!.strike,
        expiry: m.option!.expiry,
        volatilityE8: m.option!.volatilityE8,
        markPrice: null,
        greeks: null,
        bestBid: m.bestBid,
        bestAsk: m.bestAsk,
      }))
      .sort((a, b) =>
        a.expiry !== b.expiry
          ? Number(BigInt(a.expiry) - BigInt(b.expiry))
          : a.strike !== b.strike
            ? Number(BigInt(a.strike) - BigInt(b.strike))
            : Number(b.isCall) - Number(a.isCall),
      );
    return { underlying: u, indexPrice: und.indexPrice, time: this.now().toString(), series };
  }

  book(m: number, depth: number, asOfSeq: string): BookView | null {
    const mk = decodeMarket(this.get(engineKeys.market(m, 0)), this.get(engineKeys.market(m, 1)));
    if (mk.kind === 0) return null;
    const side = (s: 0 | 1): BookLevelView[] => {
      const out: BookLevelView[] = [];
      const book = decodeBook(this.get(engineKeys.book(m)));
      const levels = bookTicks(
        this.get.bind(this),
        m,
        s,
        s === 0 ? book.bestBidTick : book.bestAskTick,
        depth,
      );
      for (const tick of levels) {
        const level = decodeLevel(this.get(engineKeys.level(m, s, tick)));
        let orders = 0;
        for (
          let id = level.head;
          id !== 0n && orders < 100_000;
          id = decodeOrder(this.get(engineKeys.order(m, id))).next
        )
          orders++;
        out.push({
          price: (BigInt(tick) * mk.tickSize).toString(),
          quantity: level.totalQuantity.toString(),
          orders,
        });
      }
      return out;
    };
    return { market: m, bids: side(0), asks: side(1), asOfSeq };
  }

  order(m: number, id: bigint): OrderView | null {
    if (m < 0 || m >= MAX_MARKETS || id <= 0n) return null;
    const o = decodeOrder(this.get(engineKeys.order(m, id)));
    if (o.quantity === 0n) return null;
    const mk = decodeMarket(this.get(engineKeys.market(m, 0)), this.get(engineKeys.market(m, 1)));
    const owner = this.names.of(this.state(), o.owner);
    return {
      market: m,
      orderId: id.toString(),
      owner: owner.owner,
      subaccount: owner.subaccount,
      side: o.side,
      price: (BigInt(o.tick) * mk.tickSize).toString(),
      quantity: o.quantity.toString(),
      status: "open",
    };
  }

  account(address: Hex, asOfSeq: string): AccountView {
    const subaccounts: SubaccountView[] = [];
    for (let s = 0; s < 256; s++) {
      const id = decodeAccountId(this.get(engineKeys.accountId(address, s)));
      if (id === 0) continue;
      subaccounts.push(this.subaccount(id, s));
    }
    return {
      address: address.toLowerCase() as Hex,
      nonce: this.nonce(address).toString(),
      subaccounts,
      asOfSeq,
    };
  }

  private subaccount(id: number, subaccount: number): SubaccountView {
    const acct = decodeAccount(this.get(engineKeys.account(id)));
    const positions: PositionView[] = [];
    const openOrders: OrderView[] = [];
    let equity = acct.collateral;
    let initial = 0n;
    let maintenance = 0n;
    let priced = true;
    for (let m = 0; m < MAX_MARKETS; m++) {
      if (((acct.marketMask >>> m) & 1) === 0) continue;
      const pos = decodePosition(this.get(engineKeys.position(id, m)));
      const mk = decodeMarket(this.get(engineKeys.market(m, 0)), this.get(engineKeys.market(m, 1)));
      for (let part = 0; part < MAX_OPEN_ORDERS / 4; part++)
        for (const oid of decodeOpenOrders(this.get(engineKeys.openOrders(id, m, part)))) {
          const o = this.order(m, oid);
          if (o !== null) openOrders.push(o);
        }
      const index = this.indexPrice(mk.underlying);
      let mark: bigint | null = null;
      const exposureInitial = max(abs(pos.base + pos.openBid), abs(pos.base - pos.openAsk));
      if (mk.kind === MarketKind.OPTION) {
        const settled = decodeSettlement(this.get(engineKeys.funding(m)));
        const o = decodeOptionSeries(this.get(engineKeys.market(m, 2)));
        if (settled.price !== 0n) {
          mark = o.isCall
            ? settled.price > o.strike
              ? settled.price - o.strike
              : 0n
            : o.strike > settled.price
              ? o.strike - settled.price
              : 0n;
          equity += pos.quote + positionValue(pos.base, mark);
        } else {
          equity += pos.quote;
          if (pos.base !== 0n) priced = false;
          if (index !== null) {
            const shortI = pos.openAsk - pos.base;
            const shortM = -pos.base;
            if (shortI > 0n)
              initial += ceilDiv(ceilDiv(shortI * index, QTY_SCALE) * BigInt(mk.initialMarginPpm), PPM);
            if (shortM > 0n)
              maintenance += ceilDiv(
                ceilDiv(shortM * index, QTY_SCALE) * BigInt(mk.maintenanceMarginPpm),
                PPM,
              );
          } else if (pos.base !== 0n || pos.openAsk !== 0n) priced = false;
        }
      } else if (index !== null) {
        mark = index;
        equity += pos.quote + positionValue(pos.base, index);
        initial += ceilDiv(ceilDiv(exposureInitial * index, QTY_SCALE) * BigInt(mk.initialMarginPpm), PPM);
        maintenance += ceilDiv(
          ceilDiv(abs(pos.base) * index, QTY_SCALE) * BigInt(mk.maintenanceMarginPpm),
          PPM,
        );
      } else {
        equity += pos.quote;
        if (pos.base !== 0n || pos.openBid !== 0n || pos.openAsk !== 0n) priced = false;
      }
      positions.push({
        market: m,
        base: pos.base.toString(),
        quote: pos.quote.toString(),
        openBid: pos.openBid.toString(),
        openAsk: pos.openAsk.toString(),
        markPrice: mark === null ? null : mark.toString(),
        unrealizedPnl: mark === null ? null : (pos.quote + positionValue(pos.base, mark)).toString(),
        liquidationPrice: null,
        greeks: null,
      });
    }
    // Liquidation price of each perpetual position, others fixed: the mark p where equity(p) =
    // maintenance(p); equity and requirement are linear in p for one position.
    if (priced)
      for (const p of positions) {
        const base = BigInt(p.base);
        if (base === 0n || p.markPrice === null) continue;
        const mk = decodeMarket(
          this.get(engineKeys.market(p.market, 0)),
          this.get(engineKeys.market(p.market, 1)),
        );
        if (mk.kind !== MarketKind.PERPETUAL) continue;
        const mark = BigInt(p.markPrice);
        const otherEq = equity - positionValue(base, mark);
        const otherReq =
          maintenance - ceilDiv(ceilDiv(abs(base) * mark, QTY_SCALE) * BigInt(mk.maintenanceMarginPpm), PPM);
        // otherEq + base*p/1e8 = otherReq + |base|*p*mmf/1e12  =>  p = (otherReq - otherEq) * 1e8 / (base - |base|*mmf/1e6)
        const denom = base * PPM - abs(base) * BigInt(mk.maintenanceMarginPpm);
        if (denom === 0n) continue;
        const price = ((otherReq - otherEq) * QTY_SCALE * PPM) / denom;
        (p as { liquidationPrice: string | null }).liquidationPrice = price > 0n ? price.toString() : null;
      }
    return {
      subaccount,
      accountId: id,
      collateral: acct.collateral.toString(),
      positions,
      openOrders,
      margin: {
        equity: equity.toString(),
        initialRequirement: initial.toString(),
        maintenanceRequirement: maintenance.toString(),
        freeCollateral: (equity - initial).toString(),
        liquidatable: priced && equity < maintenance,
        ...(priced ? {} : { optionsUnvalued: true }),
      },
      greeks: null,
    };
  }
}

/** The first `depth` occupied ticks of a side from `best`, through the tick bitmap. */
function bookTicks(
  get: (k: Uint8Array) => Uint8Array,
  m: number,
  side: 0 | 1,
  best: number,
  depth: number,
): number[] {
  const out: number[] = [];
  for (let t = best; t > 0 && out.length < depth; t = nextTick(get, m, side, 0, t, side === 1)) out.push(t);
  return out;
}

import { nextTick } from "../execution/engineReceipt.ts";
