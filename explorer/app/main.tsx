import { render } from "preact";
import { DEFAULT_CONFIG, type ExplorerConfig, parseExplorerConfig, withQuery } from "../explorerConfig.ts";
import { App } from "./App.tsx";
import { connect } from "./api.ts";
import "./style.css";

/** The served /config.json (serve.ts) with the query string on top; the defaults when none is served. */
async function loadConfig(): Promise<ExplorerConfig> {
  let base = DEFAULT_CONFIG;
  try {
    const res = await fetch("./config.json");
    if (res.ok) base = parseExplorerConfig(await res.json());
  } catch {
    // opened without serve.ts: the defaults (devnet ports)
  }
  return withQuery(base, location.search);
}

const root = document.getElementById("root") as HTMLElement;
loadConfig().then(
  (config) => render(<App conn={connect(config)} />, root),
  (e: Error & { fix?: string }) =>
    render(
      <main>
        <h1>Optio explorer</h1>
        <p role="alert">
          Configuration error: {e.message}
          {e.fix === undefined ? "" : ` (fix: ${e.fix})`}
        </p>
      </main>,
      root,
    ),
);
