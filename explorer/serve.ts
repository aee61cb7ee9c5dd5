/**
 * The explorer's static server: the built page (buildExplorer) and /config.json, on 127.0.0.1. Every
 * response carries a Content-Security-Policy that lets the page load only from this server and talk only to
 * the configured APIs and loopback, so nothing at page time comes from the internet (a check, not a hope).
 */
import { readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { type ExplorerConfig, parseExplorerConfig } from "./explorerConfig.ts";

export interface ExplorerServerOptions {
  /** The built page's directory (index.html and assets/). */
  readonly root: string;
  readonly config: ExplorerConfig;
  /** Default 127.0.0.1; 0 for any free port. */
  readonly host?: string;
  readonly port?: number;
}

export interface ExplorerServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** Origins the page may connect to: the configured APIs, and loopback (query overrides point there). */
export function contentSecurityPolicy(config: ExplorerConfig): string {
  const origins = new Set<string>();
  for (const u of [config.apiUrl, config.wsUrl, config.verifierUrl])
    if (u !== null) origins.add(new URL(u).origin);
  const connect = [
    "'self'",
    ...origins,
    "http://127.0.0.1:*",
    "ws://127.0.0.1:*",
    "http://localhost:*",
    "ws://localhost:*",
  ];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect.join(" ")}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export async function createExplorerServer(options: ExplorerServerOptions): Promise<ExplorerServer> {
  const config = parseExplorerConfig(options.config);
  const root = resolve(options.root);
  await stat(join(root, "index.html")).catch(() => {
    throw new Error(`explorer: no built page at ${root}/index.html (run buildExplorer first)`);
  });
  const csp = contentSecurityPolicy(config);
  const configJson = JSON.stringify(config);

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, {
        "content-type": type,
        "content-security-policy": csp,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cache-control": status === 200 && type.startsWith("text/html") ? "no-cache" : "public, max-age=60",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain", "GET only\n");
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      return send(400, "text/plain", "bad path\n");
    }
    if (path === "/config.json") return send(200, "application/json", configJson);
    if (path === "/") path = "/index.html";
    // Resolve inside root only: "..", encoded or not, and NUL never leave it.
    const file = normalize(join(root, path));
    if (path.includes("\0") || (file !== root && !file.startsWith(root + sep)))
      return send(404, "text/plain", "not found\n");
    try {
      const body = await readFile(file);
      return send(200, TYPES[extname(file)] ?? "application/octet-stream", body);
    } catch {
      return send(404, "text/plain", "not found\n");
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => ok());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : 0;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}/`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
