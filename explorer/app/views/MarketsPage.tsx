/**
 * A market: its book (live, rendered once per frame whatever the delta rate), recent trades (live), index
 * and mark over time and funding history (sampled from optio_getMarkets while the page is open: the API
 * keeps no price history), and for options the chain with mark, implied volatility and Greeks per series.
 */
import { useEffect, useMemo, useRef } from "preact/hooks";
import type { BookView, Fill, MarketView, OptionsChainView } from "../../../sequencer/api/NodeApi.ts";
import type { Connections } from "../api.ts";
import { LineChart } from "../components/LineChart.tsx";
import { fmtPpm, fmtQty, fmtQuote, fmtTime, fmtUnits, shortHex } from "../format.ts";
import { useFrameRender, usePoll } from "../hooks.ts";
import { BookState, type LevelDelta } from "../live/bookState.ts";
import { stats } from "../stats.ts";

const DEPTH = 20;
const TRADES = 30;
const SAMPLES = 600;

export function MarketsPage({ conn, market }: { conn: Connections; market: number }) {
  const samples = useRef(new Map<number, { t: number; index: number | null; mark: number | null }[]>());
  const funding = useRef(new Map<number, { lastTime: string; cumulative: string }[]>());
  const dec = conn.config.quoteDecimals;
  // Each poll samples index, mark and funding before it renders (the API keeps no price history: the chart
  // fills from when the page opened).
  const markets = usePoll(
    async () => {
      const all = await conn.reads.markets();
      const num = (v: string | null) => (v === null ? null : Number(BigInt(v)) / 10 ** dec);
      for (const m of all) {
        const s = samples.current.get(m.market) ?? [];
        s.push({ t: Date.now() / 1000, index: num(m.indexPrice), mark: num(m.markPrice) });
        if (s.length > SAMPLES) s.shift();
        samples.current.set(m.market, s);
        if (m.funding !== null) {
          const f = funding.current.get(m.market) ?? [];
          if (f.at(-1)?.lastTime !== m.funding.lastTime) f.push({ ...m.funding });
          if (f.length > 100) f.shift();
          funding.current.set(m.market, f);
        }
      }
      return all;
    },
    1000,
    [],
  );
  const m = markets.value?.find((x) => x.market === market);
  return (
    <section aria-labelledby="market-title">
      <div class="row">
        <h1 id="market-title">Market {market}</h1>
        <label>
          Market{" "}
          <select
            value={String(market)}
            onChange={(e) => {
              location.hash = `#/markets/${(e.target as HTMLSelectElement).value}`;
            }}
          >
            {(markets.value ?? [{ market } as MarketView]).map((x) => (
              <option key={x.market} value={String(x.market)}>
                {x.market} {x.kind ?? ""} {x.option ? (x.option.isCall ? "call" : "put") : ""}
              </option>
            ))}
          </select>
        </label>
      </div>
      {markets.error && <p role="alert">Sequencer API: {markets.error}</p>}
      {m && <MarketSummary m={m} dec={dec} />}
      <div class="grid2">
        <Book conn={conn} market={market} />
        <Trades conn={conn} market={market} />
      </div>
      <LineChart
        title="Index and mark price"
        series={[
          {
            name: "index",
            cls: "s-index",
            points: (samples.current.get(market) ?? []).flatMap((p) =>
              p.index === null ? [] : [{ t: p.t, v: p.index }],
            ),
          },
          {
            name: "mark",
            cls: "s-mark",
            points: (samples.current.get(market) ?? []).flatMap((p) =>
              p.mark === null ? [] : [{ t: p.t, v: p.mark }],
            ),
          },
        ]}
      />
      {m?.kind === "perpetual" && <FundingHistory rows={funding.current.get(market) ?? []} dec={dec} />}
      {m && <OptionChain conn={conn} underlying={m.underlying} />}
    </section>
  );
}

function MarketSummary({ m, dec }: { m: MarketView; dec: number }) {
  const cells: [string, string][] = [
    ["Kind", m.kind + (m.active ? "" : " (inactive)")],
    ["Index", fmtQuote(m.indexPrice, dec)],
    ["Mark", fmtQuote(m.markPrice, dec)],
    ["Best bid", fmtQuote(m.bestBid, dec)],
    ["Best ask", fmtQuote(m.bestAsk, dec)],
    ["Initial / maintenance margin", `${fmtPpm(m.initialMarginPpm)} / ${fmtPpm(m.maintenanceMarginPpm)}`],
    ["Maker / taker fee", `${fmtPpm(m.makerFeePpm)} / ${fmtPpm(m.takerFeePpm)}`],
  ];
  if (m.option)
    cells.push(
      ["Option", `${m.option.isCall ? "call" : "put"} ${fmtQuote(m.option.strike, dec)}`],
      ["Expiry", fmtTime(m.option.expiry)],
    );
  return (
    <dl class="summary">
      {cells.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Book({ conn, market }: { conn: Connections; market: number }) {
  const book = useMemo(() => new BookState(), [market]);
  const render = useFrameRender("book");
  const seq = useRef(0);
  useEffect(() => {
    const sub = conn.subscriber.subscribe<BookView | LevelDelta>("book", { market, depth: 50 }, (msg) => {
      if (msg.type === "snapshot") book.snapshot(msg.data as BookView);
      else {
        book.apply(msg.data as LevelDelta);
        stats.deltas.book = (stats.deltas.book ?? 0) + 1;
      }
      seq.current = msg.seq;
      render();
    });
    return () => sub.unsubscribe();
  }, [conn, market, book, render]);
  const dec = conn.config.quoteDecimals;
  const bids = book.levels(0, DEPTH);
  const asks = book.levels(1, DEPTH);
  const max = [...bids, ...asks].reduce((a, l) => (BigInt(l.quantity) > a ? BigInt(l.quantity) : a), 1n);
  const row = (side: string) => (l: { price: string; quantity: string; orders: number }) => (
    <tr key={l.price}>
      <td class="num">{fmtQuote(l.price, dec)}</td>
      <td class="num depth">
        <span class={`bar ${side}`} style={{ width: `${Number((BigInt(l.quantity) * 100n) / max)}%` }} />
        {fmtQty(l.quantity)}
      </td>
      <td class="num">{l.orders}</td>
    </tr>
  );
  return (
    <div class="book" data-testid="book" data-seq={seq.current}>
      <h2>Book</h2>
      <div class="grid2 tight">
        {[
          ["Bids", "bid", bids],
          ["Asks", "ask", asks],
        ].map(([caption, side, levels]) => (
          <table key={caption as string} class={`levels ${side}`}>
            <caption>
              {caption as string} ({(levels as unknown[]).length} levels)
            </caption>
            <thead>
              <tr>
                <th scope="col">Price</th>
                <th scope="col">Quantity</th>
                <th scope="col">Orders</th>
              </tr>
            </thead>
            <tbody>
              {(levels as { price: string; quantity: string; orders: number }[]).map(row(side as string))}
            </tbody>
          </table>
        ))}
      </div>
    </div>
  );
}

function Trades({ conn, market }: { conn: Connections; market: number }) {
  const trades = useRef<(Fill & { txHash?: string })[]>([]);
  const render = useFrameRender("trades");
  useEffect(() => {
    trades.current = [];
    const sub = conn.subscriber.subscribe<{ fills: Fill[] } | (Fill & { txHash: string })>(
      "trades",
      { market },
      (msg) => {
        if (msg.type === "snapshot") trades.current = [...(msg.data as { fills: Fill[] }).fills].reverse();
        else trades.current = [msg.data as Fill, ...trades.current].slice(0, TRADES);
        render();
      },
    );
    return () => sub.unsubscribe();
  }, [conn, market, render]);
  const dec = conn.config.quoteDecimals;
  return (
    <div>
      <h2>Recent trades</h2>
      <table data-testid="trades">
        <caption>Last {TRADES} fills, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Side</th>
            <th scope="col">Price</th>
            <th scope="col">Quantity</th>
            <th scope="col">Taker</th>
          </tr>
        </thead>
        <tbody>
          {trades.current.slice(0, TRADES).map((f, i) => (
            <tr key={`${f.takerOrderId}-${f.makerOrderId}-${i}`}>
              <td class={f.takerSide === 0 ? "buy" : "sell"}>{f.takerSide === 0 ? "buy" : "sell"}</td>
              <td class="num">{fmtQuote(f.price, dec)}</td>
              <td class="num">{fmtQty(f.quantity)}</td>
              <td>
                <a href={`#/account/${f.taker}`}>{shortHex(f.taker, 4)}</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FundingHistory({ rows, dec }: { rows: { lastTime: string; cumulative: string }[]; dec: number }) {
  return (
    <div>
      <h2>Funding history</h2>
      <table>
        <caption>Cumulative funding at each application seen since this page opened</caption>
        <thead>
          <tr>
            <th scope="col">Applied at</th>
            <th scope="col">Cumulative (quote units)</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {rows
            .map((r, i) => (
              <tr key={r.lastTime}>
                <td>{fmtTime(r.lastTime)}</td>
                <td class="num">{fmtUnits(r.cumulative, dec, 6)}</td>
                <td class="num">
                  {i === 0 ? "—" : fmtUnits(BigInt(r.cumulative) - BigInt(rows[i - 1].cumulative), dec, 6)}
                </td>
              </tr>
            ))
            .reverse()}
        </tbody>
      </table>
    </div>
  );
}

function OptionChain({ conn, underlying }: { conn: Connections; underlying: number }) {
  const chain = usePoll(() => conn.reads.optionsChain(underlying), 2000, [underlying]);
  const c: OptionsChainView | null | undefined = chain.value;
  if (c === undefined || c === null || c.series.length === 0) return null;
  const dec = conn.config.quoteDecimals;
  return (
    <div>
      <h2>Option chain, underlying {underlying}</h2>
      <table data-testid="option-chain">
        <caption>
          Index {fmtQuote(c.indexPrice, dec)}, marks at {fmtTime(c.time)}; Greeks per contract (delta in base
          units, vega per volatility point, theta per day)
        </caption>
        <thead>
          <tr>
            {[
              "Market",
              "Expiry",
              "Strike",
              "Type",
              "Mark",
              "IV",
              "Delta",
              "Gamma",
              "Vega",
              "Theta",
              "Bid",
              "Ask",
            ].map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {c.series.map((s) => (
            <tr key={s.market}>
              <td>
                <a href={`#/markets/${s.market}`}>{s.market}</a>
              </td>
              <td>{fmtTime(s.expiry).slice(0, 10)}</td>
              <td class="num">{fmtQuote(s.strike, dec)}</td>
              <td>{s.isCall ? "call" : "put"}</td>
              <td class="num">{fmtQuote(s.markPrice, dec)}</td>
              <td class="num">{fmtUnits(s.volatilityE8, 6, 2)}%</td>
              <td class="num">{fmtUnits(s.greeks?.delta, 8, 4)}</td>
              <td class="num">{fmtUnits(s.greeks?.gamma, 18, 8)}</td>
              <td class="num">{fmtQuote(s.greeks?.vega, dec)}</td>
              <td class="num">{fmtQuote(s.greeks?.theta, dec)}</td>
              <td class="num">{fmtQuote(s.bestBid, dec)}</td>
              <td class="num">{fmtQuote(s.bestAsk, dec)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
