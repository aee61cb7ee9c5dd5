/** The page: a header with the views and the live status, and the view the location's hash names. */
import { useEffect, useState } from "preact/hooks";
import type { Connections } from "./api.ts";
import { AccountPage } from "./views/AccountPage.tsx";
import { AssertionsPage } from "./views/AssertionsPage.tsx";
import { BatchesPage } from "./views/BatchesPage.tsx";
import { DisputesPage } from "./views/DisputesPage.tsx";
import { MarketsPage } from "./views/MarketsPage.tsx";

/** #/view/arg: hash routes, so the static server needs no rewrites and links work offline. */
export function parseRoute(hash: string): { view: string; arg?: string } {
  const [view, arg] = hash.replace(/^#\/?/, "").split("/");
  return { view: view === "" || view === undefined ? "markets" : view, arg: arg || undefined };
}

const VIEWS: { id: string; label: string }[] = [
  { id: "markets", label: "Markets" },
  { id: "account", label: "Account" },
  { id: "batches", label: "Batches" },
  { id: "assertions", label: "Assertions" },
  { id: "disputes", label: "Disputes" },
];

function useHashRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return parseRoute(hash);
}

/** "live" once the WebSocket is open; "reconnecting" after a drop until it is open again. */
function useLiveStatus(conn: Connections): string {
  const [status, setStatus] = useState("connecting");
  useEffect(() => {
    let seen = conn.subscriber.reconnects;
    let alive = true;
    void conn.subscriber.ready().then(() => alive && setStatus("live"));
    const t = setInterval(() => {
      if (conn.subscriber.reconnects !== seen) {
        seen = conn.subscriber.reconnects;
        setStatus("reconnecting");
        void conn.subscriber.ready().then(() => alive && setStatus("live"));
      }
    }, 250);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [conn]);
  return status;
}

export function App({ conn }: { conn: Connections }) {
  const route = useHashRoute();
  const live = useLiveStatus(conn);
  useEffect(() => {
    const label = VIEWS.find((v) => v.id === route.view)?.label ?? "Not found";
    document.title = `${label} · Optio explorer`;
  }, [route.view]);
  return (
    <>
      <button type="button" class="skip" onClick={() => document.getElementById("main")?.focus()}>
        Skip to content
      </button>
      <header>
        <span class="brand">Optio explorer</span>
        <nav aria-label="Views">
          <ul>
            {VIEWS.map((v) => (
              <li key={v.id}>
                <a href={`#/${v.id}`} aria-current={route.view === v.id ? "page" : undefined}>
                  {v.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class={`live live-${live}`} role="status" aria-label={`Sequencer connection: ${live}`}>
          {live}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {route.view === "markets" ? (
          <MarketsPage conn={conn} market={route.arg === undefined ? 0 : Number(route.arg)} />
        ) : route.view === "account" ? (
          <AccountPage conn={conn} address={route.arg} />
        ) : route.view === "batches" ? (
          <BatchesPage conn={conn} selected={route.arg === undefined ? undefined : Number(route.arg)} />
        ) : route.view === "assertions" ? (
          <AssertionsPage conn={conn} />
        ) : route.view === "disputes" ? (
          <DisputesPage conn={conn} gameId={route.arg} />
        ) : (
          <p role="alert">No view "{route.view}".</p>
        )}
      </main>
    </>
  );
}
