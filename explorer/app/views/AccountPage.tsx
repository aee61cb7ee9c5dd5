/**
 * An account, live over the `account` channel: per subaccount its collateral, margin (equity, requirements,
 * usage), positions with liquidation prices and Greeks, summed Greeks, and open orders.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { AccountView, Fill, Greeks, SubaccountView } from "../../../sequencer/api/NodeApi.ts";
import type { Connections } from "../api.ts";
import { fmtQty, fmtQuote, fmtUnits, shortHex } from "../format.ts";
import { useFrameRender } from "../hooks.ts";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function AccountPage({ conn, address }: { conn: Connections; address?: string }) {
  const [draft, setDraft] = useState(address ?? "");
  const [error, setError] = useState<string | null>(null);
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">Account</h1>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!ADDRESS.test(draft.trim())) return setError("expected a 0x address of 40 hex digits");
          setError(null);
          location.hash = `#/account/${draft.trim().toLowerCase()}`;
        }}
      >
        <label for="address">Account address</label>
        <input
          id="address"
          name="address"
          value={draft}
          size={46}
          spellcheck={false}
          placeholder="0x…"
          aria-invalid={error !== null}
          aria-describedby={error ? "address-error" : undefined}
          onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Show</button>
      </form>
      {error && (
        <p id="address-error" role="alert">
          {error}
        </p>
      )}
      {address !== undefined && ADDRESS.test(address) && <LiveAccount conn={conn} address={address} />}
    </section>
  );
}

function LiveAccount({ conn, address }: { conn: Connections; address: string }) {
  const view = useRef<AccountView | null>(null);
  const render = useFrameRender("account");
  useEffect(() => {
    view.current = null;
    const sub = conn.subscriber.subscribe<AccountView>(
      "account",
      { address: address as `0x${string}` },
      (m) => {
        view.current = m.data;
        render();
      },
    );
    return () => sub.unsubscribe();
  }, [conn, address, render]);
  const a = view.current;
  if (a === null) return <p aria-busy="true">Loading {shortHex(address)}…</p>;
  return (
    <div data-testid="account">
      <p>
        <code>{a.address}</code>, nonce {a.nonce}, as of transaction {a.asOfSeq}
      </p>
      {a.subaccounts.length === 0 && <p>No subaccounts: this address never received collateral.</p>}
      {a.subaccounts.map((s) => (
        <Subaccount key={s.subaccount} s={s} dec={conn.config.quoteDecimals} />
      ))}
      <FillHistory
        conn={conn}
        address={a.address.toLowerCase()}
        markets={[
          ...new Set(a.subaccounts.flatMap((s) => [...s.positions, ...s.openOrders].map((x) => x.market))),
        ].sort((x, y) => x - y)}
      />
    </div>
  );
}

/**
 * The account's fills in the markets it holds positions or orders in: the `trades` channel's snapshot (the
 * market's last 50 fills) and every fill since, kept when the account is maker or taker. The API has no
 * per-account history, so this is what the node still shows plus what happened since the page opened.
 */
function FillHistory({ conn, address, markets }: { conn: Connections; address: string; markets: number[] }) {
  const fills = useRef(new Map<string, Fill & { txHash?: string }>());
  const render = useFrameRender("fills");
  const key = markets.join(",");
  useEffect(() => {
    const mine = (f: Fill) => f.maker.toLowerCase() === address || f.taker.toLowerCase() === address;
    const add = (f: Fill) => {
      if (!mine(f)) return;
      fills.current.set(`${f.market}:${f.takerOrderId}:${f.makerOrderId}`, f);
      render();
    };
    const subs = markets.map((market) =>
      conn.subscriber.subscribe<{ fills: Fill[] } | Fill>("trades", { market }, (m) => {
        if (m.type === "snapshot") for (const f of (m.data as { fills: Fill[] }).fills) add(f);
        else add(m.data as Fill);
      }),
    );
    return () => {
      for (const s of subs) s.unsubscribe();
    };
    // `key` (the markets joined) restarts it: a new array each render must not.
  }, [conn, address, key, render]);
  const dec = conn.config.quoteDecimals;
  const rows = [...fills.current.values()].reverse().slice(0, 50);
  return (
    <table data-testid="fills">
      <caption>
        Fills (the node's recent fills in this account's markets, and every one since this page opened)
      </caption>
      <thead>
        <tr>
          {["Market", "Role", "Side", "Price", "Quantity", "Fee"].map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={6}>none</td>
          </tr>
        )}
        {rows.map((f) => {
          const taker = f.taker.toLowerCase() === address;
          const side = taker ? f.takerSide : 1 - f.takerSide;
          return (
            <tr key={`${f.market}:${f.takerOrderId}:${f.makerOrderId}`}>
              <td>{f.market}</td>
              <td>{taker ? "taker" : "maker"}</td>
              <td class={side === 0 ? "buy" : "sell"}>{side === 0 ? "buy" : "sell"}</td>
              <td class="num">{fmtQuote(f.price, dec)}</td>
              <td class="num">{fmtQty(f.quantity)}</td>
              <td class="num">{fmtQuote(taker ? f.takerFee : f.makerFee, dec)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const greekCells = (g: Greeks | null | undefined, dec: number) => [
  fmtUnits(g?.delta, 8, 4),
  fmtUnits(g?.gamma, 18, 8),
  fmtQuote(g?.vega, dec),
  fmtQuote(g?.theta, dec),
];

function Subaccount({ s, dec }: { s: SubaccountView; dec: number }) {
  const equity = BigInt(s.margin.equity);
  const maint = BigInt(s.margin.maintenanceRequirement);
  // Margin usage: maintenance requirement over equity (100% = liquidatable).
  const usage =
    equity <= 0n ? (maint > 0n ? 100 : 0) : Math.min(100, Number((maint * 10_000n) / equity) / 100);
  return (
    <article aria-labelledby={`sub-${s.subaccount}`} class="card">
      <h2 id={`sub-${s.subaccount}`}>
        Subaccount {s.subaccount} (account id {s.accountId})
      </h2>
      <dl class="summary">
        {[
          ["Collateral", fmtQuote(s.collateral, dec)],
          ["Equity", fmtQuote(s.margin.equity, dec)],
          ["Initial requirement", fmtQuote(s.margin.initialRequirement, dec)],
          ["Maintenance requirement", fmtQuote(s.margin.maintenanceRequirement, dec)],
          ["Free collateral", fmtQuote(s.margin.freeCollateral, dec)],
          ["Liquidatable", s.margin.liquidatable ? "YES" : "no"],
        ].map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <div class="meter-row">
        <span id={`usage-${s.subaccount}`}>Margin usage</span>
        <meter
          aria-labelledby={`usage-${s.subaccount}`}
          min={0}
          max={100}
          low={50}
          high={80}
          optimum={0}
          value={usage}
        />
        <span>{usage.toFixed(1)}%</span>
      </div>
      <table>
        <caption>Positions</caption>
        <thead>
          <tr>
            {[
              "Market",
              "Size",
              "Mark",
              "Unrealized PnL",
              "Liquidation price",
              "Delta",
              "Gamma",
              "Vega",
              "Theta",
            ].map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {s.positions.length === 0 && (
            <tr>
              <td colSpan={9}>none</td>
            </tr>
          )}
          {s.positions.map((p) => (
            <tr key={p.market}>
              <td>
                <a href={`#/markets/${p.market}`}>{p.market}</a>
              </td>
              <td class="num">{fmtQty(p.base)}</td>
              <td class="num">{fmtQuote(p.markPrice, dec)}</td>
              <td class="num">{fmtQuote(p.unrealizedPnl, dec)}</td>
              <td class="num">{fmtQuote(p.liquidationPrice, dec)}</td>
              {greekCells(p.greeks, dec).map((v, i) => (
                <td key={i} class="num">
                  {v}
                </td>
              ))}
            </tr>
          ))}
          {s.greeks && (
            <tr class="total">
              <th scope="row" colSpan={5}>
                Summed Greeks
              </th>
              {greekCells(s.greeks, dec).map((v, i) => (
                <td key={i} class="num">
                  {v}
                </td>
              ))}
            </tr>
          )}
        </tbody>
      </table>
      <table data-testid="open-orders">
        <caption>Open orders</caption>
        <thead>
          <tr>
            {["Market", "Order", "Side", "Price", "Remaining", "Placed in"].map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {s.openOrders.length === 0 && (
            <tr>
              <td colSpan={6}>none</td>
            </tr>
          )}
          {s.openOrders.map((o) => (
            <tr key={`${o.market}:${o.orderId}`}>
              <td>{o.market}</td>
              <td>{o.orderId}</td>
              <td class={o.side === 0 ? "buy" : "sell"}>{o.side === 0 ? "buy" : "sell"}</td>
              <td class="num">{fmtQuote(o.price, dec)}</td>
              <td class="num">{fmtQty(o.quantity)}</td>
              <td>
                <code>{shortHex(o.txHash)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}
