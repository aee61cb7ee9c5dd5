/**
 * Where the explorer's page finds its data: the sequencer's trader API (HTTP and WS, docs/api.md) and the
 * verifier's inspection API (explorer/verifierApi.ts). serve.ts answers it at /config.json; the page's query
 * string (?api=..&ws=..&verifier=..) overrides it, so one served page can look at another node.
 */
export interface ExplorerConfig {
  /** The trader API, e.g. http://127.0.0.1:8547. */
  readonly apiUrl: string;
  /** Its WebSocket, e.g. ws://127.0.0.1:8547/. */
  readonly wsUrl: string;
  /** The verifier's inspection API; null when no verifier runs (the assertion and dispute views say so). */
  readonly verifierUrl: string | null;
  /** Decimals of the collateral (quote) token: 6 for tUSD. */
  readonly quoteDecimals: number;
}

export const DEFAULT_CONFIG: ExplorerConfig = {
  apiUrl: "http://127.0.0.1:8547",
  wsUrl: "ws://127.0.0.1:8547/",
  verifierUrl: "http://127.0.0.1:8549/explorer",
  quoteDecimals: 6,
};

/** A configuration mistake, with what to do about it. */
export class ExplorerConfigError extends Error {
  override readonly name = "ExplorerConfigError";
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

function url(field: string, value: unknown, schemes: readonly string[]): string {
  if (typeof value !== "string")
    throw new ExplorerConfigError(`${field}: expected a URL string, got ${typeof value}`, `set ${field}`);
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ExplorerConfigError(
      `${field}: expected a URL, got "${value}"`,
      `e.g. ${schemes[0]}//127.0.0.1:8547`,
    );
  }
  if (!schemes.includes(u.protocol))
    throw new ExplorerConfigError(
      `${field}: expected a ${schemes.join(" or ")} URL, got "${value}"`,
      `use ${schemes[0]}//host:port`,
    );
  return value;
}

/** Checks a configuration read from JSON or the query string; throws ExplorerConfigError naming the field. */
export function parseExplorerConfig(raw: unknown): ExplorerConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new ExplorerConfigError("config: expected an object", "serve {apiUrl, wsUrl, verifierUrl}");
  const r = raw as Record<string, unknown>;
  const apiUrl = url("apiUrl", r.apiUrl, ["http:", "https:"]);
  const wsUrl =
    r.wsUrl === undefined ? apiUrl.replace(/^http/, "ws") : url("wsUrl", r.wsUrl, ["ws:", "wss:"]);
  const verifierUrl =
    r.verifierUrl === null || r.verifierUrl === undefined || r.verifierUrl === ""
      ? null
      : url("verifierUrl", r.verifierUrl, ["http:", "https:"]);
  const quoteDecimals = r.quoteDecimals === undefined ? 6 : r.quoteDecimals;
  if (
    typeof quoteDecimals !== "number" ||
    !Number.isInteger(quoteDecimals) ||
    quoteDecimals < 0 ||
    quoteDecimals > 30
  )
    throw new ExplorerConfigError(
      `quoteDecimals: expected an integer 0..30, got ${String(quoteDecimals)}`,
      "the collateral token's decimals (6 for tUSD)",
    );
  return { apiUrl, wsUrl, verifierUrl, quoteDecimals };
}

/** The served configuration with the page's query parameters (api, ws, verifier) on top. */
export function withQuery(base: ExplorerConfig, search: string): ExplorerConfig {
  const q = new URLSearchParams(search);
  const api = q.get("api");
  return parseExplorerConfig({
    ...base,
    ...(api !== null ? { apiUrl: api, wsUrl: q.get("ws") ?? api.replace(/^http/, "ws") } : {}),
    ...(q.get("ws") !== null ? { wsUrl: q.get("ws") } : {}),
    ...(q.has("verifier") ? { verifierUrl: q.get("verifier") } : {}),
  });
}
