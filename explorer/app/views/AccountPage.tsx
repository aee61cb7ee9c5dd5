/**
 * An account, live over the `account` channel: per subaccount its collateral, margin (equity, requirements,
 * usage), positions with liquidation prices and Greeks, summed Greeks, and open orders.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { AccountView, Greeks, SubaccountView } from "../../../sequencer/api/NodeApi.ts";
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
    </div>
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
            {["Market", "Order", "Side", "Price", "Remaining", "Placed by"].map((h) => (
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
