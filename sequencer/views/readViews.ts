/**
 * The trader API's read-only views, read from the engine's state at the node's head with the
 * protocol/engine decoders (docs/engine.md, "State layout"). Prices of options and the Greeks come
 * from the engine's own integer math (engine/math), never a float copy. Margin figures follow
 * docs/engine.md "Margin" (the engine is authoritative: these are what it would compute at the
 * wall clock's time, without funding not yet settled).
 */
import type { Hex } from "viem";
import type { GreeksCalculator, SeriesGreeks } from "../../engine/math/createGreeksCalculator.ts";
import { optionSeriesInputs } from "../../engine/math/createGreeksCalculator.ts";
import { PERPETUAL_GREEKS, sumAccountGreeks } from "../../engine/math/sumAccountGreeks.ts";
import {
  bookLevels,
  decodeAccount,
  decodeAccountId,
  decodeBook,
  decodeFunding,
  decodeMarket,
  decodeNonce,
  decodeOpenOrders,
  decodeOptionSeries,
  decodeOraclePrice,
  decodeOrder,
  decodePosition,
  decodeReporter,
  decodeSettlement,
  decodeUnderlying,
  engineKeys,
  MAX_MARKETS,
  MAX_OPEN_ORDERS,
  type Market,
  MarketKind,
  PPM,
  QTY_SCALE,
} from "../../protocol/engine/index.ts";
import type {
  AccountView,
  BookView,
  Greeks,
  MarketView,
  OptionSeriesView,
  OptionsChainView,
  OrderView,
  PositionView,
  SubaccountView,
  UnderlyingView,
} from "../api/NodeApi.ts";

export type StateGet = (key: Uint8Array) => Uint8Array;

const MAX_SUBACCOUNTS = 256;
const MAX_UNDERLYINGS = 64;
const ZERO_ADDRESS = `0x${"00".repeat(20)}` as Hex;
const dec = (x: bigint | number) => x.toString();
const ceilDiv = (a: bigint, b: bigint) => (a <= 0n ? -(-a / b) : (a + b - 1n) / b);

export class Views {
  constructor(
    private readonly get: StateGet,
    private readonly greeks: GreeksCalculator | undefined,
    private readonly now: () => bigint = () => BigInt(Math.floor(Date.now() / 1000)),
  ) {}

  private market(m: number): Market | undefined {
    if (m < 0 || m >= MAX_MARKETS) return undefined;
    const mk = decodeMarket(this.get(engineKeys.market(m, 0)), this.get(engineKeys.market(m, 1)));
    return mk.kind === 0 ? undefined : mk;
  }

  /** The underlying's index, or null when there is none or it is stale. */
  index(u: number): bigint | null {
    const p = decodeOraclePrice(this.get(engineKeys.underlying(u, 1)));
    if (p.price === 0n) return null;
    return this.now() - p.timestamp > BigInt(p.maxPriceAgeSeconds) ? null : p.price;
  }

  /** Price (quote units per base unit) of an option series at spot, rounded as the engine rounds a long's value. */
  private optionMark(m: number, spot: bigint, short = false): bigint | null {
    const s = decodeOptionSeries(this.get(engineKeys.market(m, 2)));
    const settled = decodeSettlement(this.get(engineKeys.funding(m))).price;
    const now = this.now();
    if (now >= s.expiry) {
      const at = settled !== 0n ? settled : spot;
      return s.isCall ? (at > s.strike ? at - s.strike : 0n) : s.strike > at ? s.strike - at : 0n;
    }
    if (this.greeks === undefined) return null;
    return this.greeks.price(optionSeriesInputs(s, spot, now), short) ?? null;
  }

  /** Mark of market m: a perpetual's index plus its smoothed basis (bounded by the engine), an option's Black-Scholes. */
  mark(m: number, mk: Market): bigint | null {
    const index = this.index(mk.underlying);
    if (index === null) return null;
    if (mk.kind === MarketKind.OPTION) return this.optionMark(m, index);
    const basis = decodeFunding(this.get(engineKeys.funding(m))).basis;
    const b = (index * 10_000n) / PPM; // MARK_BASIS_MAX_PPM (docs/engine.md, "Mark price")
    const clamped = basis > b ? b : basis < -b ? -b : basis;
    const mark = index + clamped;
    return mark < 1n ? 1n : mark;
  }

  private seriesGreeks(m: number, mk: Market): SeriesGreeks | undefined {
    if (mk.kind === MarketKind.PERPETUAL) return PERPETUAL_GREEKS;
    const index = this.index(mk.underlying);
    if (index === null || this.greeks === undefined) return undefined;
    const s = decodeOptionSeries(this.get(engineKeys.market(m, 2)));
    return this.greeks.greeks(optionSeriesInputs(s, index, this.now()));
  }

  nonce(address: Hex): bigint {
    return decodeNonce(this.get(engineKeys.nonce(address)));
  }

  private orderView(m: number, id: bigint, owner: Hex, subaccount: number): OrderView | null {
    const o = decodeOrder(this.get(engineKeys.order(m, id)));
    const mk = this.market(m);
    if (o.quantity === 0n || mk === undefined) return null;
    return {
      market: m,
      orderId: dec(id),
      owner,
      subaccount,
      side: o.side,
      price: dec(BigInt(o.tick) * mk.tickSize),
      quantity: dec(o.quantity),
      status: "open",
    };
  }

  account(address: Hex, asOfSeq: string): AccountView {
    const subs: SubaccountView[] = [];
    for (let sub = 0; sub < MAX_SUBACCOUNTS; sub++) {
      const id = decodeAccountId(this.get(engineKeys.accountId(address, sub)));
      if (id !== 0) subs.push(this.subaccount(address, sub, id));
    }
    return { address, nonce: dec(this.nonce(address)), subaccounts: subs, asOfSeq };
  }

  private subaccount(address: Hex, sub: number, id: number): SubaccountView {
    const a = decodeAccount(this.get(engineKeys.account(id)));
    const positions: PositionView[] = [];
    const openOrders: OrderView[] = [];
    const greekPositions = [];
    let equity = a.collateral;
    let initial = 0n;
    let maintenance = 0n;
    let priced = true;
    const rows: { m: number; base: bigint; value: bigint; mark: bigint; mm: bigint; mk: Market }[] = [];
    for (let m = 0; m < MAX_MARKETS; m++) {
      if (((a.marketMask >>> m) & 1) === 0) continue;
      const mk = this.market(m);
      if (mk === undefined) continue;
      const p = decodePosition(this.get(engineKeys.position(id, m)));
      for (let part = 0; part < MAX_OPEN_ORDERS / 4; part++)
        for (const oid of decodeOpenOrders(this.get(engineKeys.openOrders(id, m, part)))) {
          const o = this.orderView(m, oid, address, sub);
          if (o !== null) openOrders.push(o);
        }
      const mark = this.mark(m, mk);
      const g = p.base === 0n ? undefined : this.seriesGreeks(m, mk);
      if (g !== undefined)
        greekPositions.push({ underlying: BigInt(mk.underlying), qtyE8: p.base, greeks: g });
      let value: bigint | null = null;
      if (mark === null) priced = false;
      else {
        // Longs valued down, shorts' liability up: the account looks poorer (docs/engine.md, "Margin").
        value = p.quote + (p.base >= 0n ? (p.base * mark) / QTY_SCALE : -ceilDiv(-p.base * mark, QTY_SCALE));
        equity += value;
        const exposure = (abs(p.base) * mark + QTY_SCALE - 1n) / QTY_SCALE;
        const worst = max(abs(p.base + BigInt(p.openBid)), abs(p.base - BigInt(p.openAsk)));
        const mm = ceilDiv(exposure * BigInt(mk.maintenanceMarginPpm), PPM);
        maintenance += mm;
        initial += ceilDiv(ceilDiv(worst * mark, QTY_SCALE) * BigInt(mk.initialMarginPpm), PPM);
        rows.push({ m, base: p.base, value, mark, mm, mk });
      }
      positions.push({
        market: m,
        base: dec(p.base),
        quote: dec(p.quote),
        openBid: dec(p.openBid),
        openAsk: dec(p.openAsk),
        markPrice: mark === null ? null : dec(mark),
        unrealizedPnl: value === null ? null : dec(value),
        liquidationPrice: null,
        greeks: g === undefined || p.base === 0n ? null : toGreeks(sumOne(mk.underlying, p.base, g)),
      });
    }
    // Liquidation price of a perpetual position, other prices fixed: the mark P where equity(P) = maintenance(P).
    if (priced)
      for (const r of rows) {
        if (r.mk.kind !== MarketKind.PERPETUAL || r.base === 0n) continue;
        const rest = equity - r.value - (maintenance - r.mm);
        const slope = r.base * QTY_SCALE * PPM - abs(r.base) * QTY_SCALE * BigInt(r.mk.maintenanceMarginPpm); // per 1e8*1e6
        const quote = r.value - (r.base * r.mark) / QTY_SCALE;
        if (slope === 0n) continue;
        const num = -(rest + quote) * QTY_SCALE * QTY_SCALE * PPM;
        const price = num / slope;
        const pos = positions.find((p) => p.market === r.m);
        if (pos !== undefined && price > 0n)
          (pos as { liquidationPrice: string | null }).liquidationPrice = dec(price);
      }
    const byU = sumAccountGreeks(greekPositions);
    return {
      subaccount: sub,
      accountId: id,
      collateral: dec(a.collateral),
      positions,
      openOrders,
      margin: {
        equity: dec(equity),
        initialRequirement: dec(initial),
        maintenanceRequirement: dec(maintenance),
        freeCollateral: dec(equity - initial),
        liquidatable: priced && equity < maintenance,
      },
      greeks: byU.size === 1 ? toGreeks([...byU.values()][0]) : null,
      greeksByUnderlying: [...byU.entries()].map(([u, g]) => ({ underlying: Number(u), ...toGreeks(g) })),
    };
  }

  order(m: number, id: bigint): OrderView | null {
    const o = decodeOrder(this.get(engineKeys.order(m, id)));
    if (o.quantity === 0n) return null;
    const owner = decodeAccount(this.get(engineKeys.account(o.owner))).owner;
    let sub = 0;
    for (; sub < MAX_SUBACCOUNTS; sub++)
      if (decodeAccountId(this.get(engineKeys.accountId(owner, sub))) === o.owner) break;
    return this.orderView(m, id, owner, sub);
  }

  book(m: number, depth: number, asOfSeq: string): BookView | null {
    const mk = this.market(m);
    if (mk === undefined) return null;
    const side = (s: 0 | 1) =>
      bookLevels(this.get, m, s, depth).map((l) => ({
        price: dec(BigInt(l.tick) * mk.tickSize),
        quantity: dec(l.totalQuantity),
        orders: l.orders,
      }));
    return { market: m, bids: side(0), asks: side(1), asOfSeq };
  }

  private best(m: number, mk: Market): { bid: string | null; ask: string | null } {
    const b = decodeBook(this.get(engineKeys.book(m)));
    return {
      bid: b.bestBidTick === 0 ? null : dec(BigInt(b.bestBidTick) * mk.tickSize),
      ask: b.bestAskTick === 0 ? null : dec(BigInt(b.bestAskTick) * mk.tickSize),
    };
  }

  markets(): MarketView[] {
    const out: MarketView[] = [];
    for (let m = 0; m < MAX_MARKETS; m++) {
      const mk = this.market(m);
      if (mk === undefined) continue;
      const best = this.best(m, mk);
      const isOption = mk.kind === MarketKind.OPTION;
      const f = decodeFunding(this.get(engineKeys.funding(m)));
      const s = isOption ? decodeOptionSeries(this.get(engineKeys.market(m, 2))) : undefined;
      const mark = this.mark(m, mk);
      const index = this.index(mk.underlying);
      out.push({
        market: m,
        kind: isOption ? "option" : "perpetual",
        active: mk.active,
        underlying: mk.underlying,
        tickSize: dec(mk.tickSize),
        lotSize: dec(mk.lotSize),
        maxQuantity: dec(mk.maxQuantity),
        initialMarginPpm: mk.initialMarginPpm,
        maintenanceMarginPpm: mk.maintenanceMarginPpm,
        makerFeePpm: mk.makerFeePpm,
        takerFeePpm: mk.takerFeePpm,
        liquidationPenaltyPpm: mk.liquidationPenaltyPpm,
        indexPrice: index === null ? null : dec(index),
        markPrice: mark === null ? null : dec(mark),
        bestBid: best.bid,
        bestAsk: best.ask,
        funding: isOption ? null : { cumulative: dec(f.cumulative), lastTime: dec(f.lastTime) },
        option:
          s === undefined
            ? null
            : {
                isCall: s.isCall,
                strike: dec(s.strike),
                expiry: dec(s.expiry),
                volatilityE8: dec(s.volatilityE8),
                settlementPrice: (() => {
                  const p = decodeSettlement(this.get(engineKeys.funding(m))).price;
                  return p === 0n ? null : dec(p);
                })(),
              },
      });
    }
    return out;
  }

  underlyings(): UnderlyingView[] {
    const out: UnderlyingView[] = [];
    for (let u = 0; u < MAX_UNDERLYINGS; u++) {
      const c = decodeUnderlying(this.get(engineKeys.underlying(u, 0)));
      if (!c.registered) continue;
      const p = decodeOraclePrice(this.get(engineKeys.underlying(u, 1)));
      const first = [0, 1, 2, 3, 4].find((i) => ((c.reporterMask >>> i) & 1) === 1);
      out.push({
        underlying: u,
        oracleSigner:
          first === undefined
            ? ZERO_ADDRESS
            : decodeReporter(this.get(engineKeys.reporter(u, first))).address,
        maxPriceAgeSeconds: c.maxPriceAgeSeconds,
        indexPrice: this.index(u) === null ? null : dec(p.price),
        priceTimestamp: p.price === 0n ? null : dec(p.timestamp),
      });
    }
    return out;
  }

  optionsChain(u: number): OptionsChainView | null {
    const c = decodeUnderlying(this.get(engineKeys.underlying(u, 0)));
    if (!c.registered) return null;
    const series: (OptionSeriesView & { sortKey: [bigint, bigint, number] })[] = [];
    for (let m = 0; m < MAX_MARKETS; m++) {
      const mk = this.market(m);
      if (mk === undefined || mk.kind !== MarketKind.OPTION || mk.underlying !== u) continue;
      const s = decodeOptionSeries(this.get(engineKeys.market(m, 2)));
      const g = this.seriesGreeks(m, mk);
      const mark = this.mark(m, mk);
      const best = this.best(m, mk);
      series.push({
        market: m,
        isCall: s.isCall,
        strike: dec(s.strike),
        expiry: dec(s.expiry),
        volatilityE8: dec(s.volatilityE8),
        markPrice: mark === null ? null : dec(mark),
        greeks: g === undefined ? null : toGreeks(g),
        bestBid: best.bid,
        bestAsk: best.ask,
        sortKey: [s.expiry, s.strike, s.isCall ? 0 : 1],
      });
    }
    series.sort((a, b) =>
      a.sortKey[0] !== b.sortKey[0]
        ? Number(a.sortKey[0] - b.sortKey[0])
        : a.sortKey[1] !== b.sortKey[1]
          ? Number(a.sortKey[1] - b.sortKey[1])
          : a.sortKey[2] - b.sortKey[2],
    );
    const index = this.index(u);
    return {
      underlying: u,
      indexPrice: index === null ? null : dec(index),
      time: dec(this.now()),
      series: series.map(({ sortKey: _, ...s }) => s),
    };
  }
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}
function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function sumOne(u: number, qty: bigint, g: SeriesGreeks) {
  return [...sumAccountGreeks([{ underlying: BigInt(u), qtyE8: qty, greeks: g }]).values()][0];
}

function toGreeks(g: {
  deltaE8: bigint;
  gammaE18: bigint | undefined;
  vegaPerPoint: bigint;
  thetaPerDay: bigint;
}): Greeks {
  return {
    delta: dec(g.deltaE8),
    gamma: g.gammaE18 === undefined ? null : dec(g.gammaE18),
    vega: dec(g.vegaPerPoint),
    theta: dec(g.thetaPerDay),
  };
}
