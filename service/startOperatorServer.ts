import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { Logger } from "./createLogger.ts";

/** What /readyz answers: ready, or the reason with what the operator should do. */
export type Readiness =
  | { readonly ready: true }
  | { readonly ready: false; readonly reason: string; readonly fix: string };

/** An admin action: POST /admin/<name> with `Authorization: Bearer <token>`; its answer is sent as JSON. */
export type AdminAction = (body: unknown) => Promise<unknown> | unknown;

export interface OperatorServerOptions {
  readonly host?: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly metrics: Registry;
  readonly logger: Logger;
  /** Whether the process is alive and not halted (default: always). */
  readonly health?: () => Readiness;
  /** Whether the service takes work now (e.g. replay finished). */
  readonly readiness: () => Readiness;
  readonly admin?: Readonly<Record<string, AdminAction>>;
  /** Admin actions are refused unless this is set (at least 16 characters); metrics and probes need none. */
  readonly adminToken?: string;
}

export interface OperatorServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Largest admin request body (bytes). */
const MAX_ADMIN_BODY = 64 * 1024;

function send(res: ServerResponse, status: number, body: unknown, type = "application/json"): void {
  const text = type === "application/json" ? JSON.stringify(body) : String(body);
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function tokenMatches(header: string | undefined, token: string): boolean {
  if (header === undefined || !header.startsWith("Bearer ")) return false;
  const given = Buffer.from(header.slice(7));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_ADMIN_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The operator's port (loopback by default): GET /healthz (alive), GET /readyz (taking work,
 * else 503 with the reason and the fix), GET /metrics (Prometheus text), POST /admin/<action>
 * (bearer token). Traders never talk to it; the trader API has its own port.
 */
export async function startOperatorServer(options: OperatorServerOptions): Promise<OperatorServer> {
  const { logger, metrics } = options;
  const host = options.host ?? "127.0.0.1";
  const health = options.health ?? (() => ({ ready: true }) as const);
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      logger.error({ err: e, path: req.url }, "operator request failed");
      if (!res.headersSent) send(res, 500, { error: "internal error" });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/healthz") {
      const h = health();
      send(
        res,
        h.ready ? 200 : 503,
        h.ready ? { status: "ok" } : { status: "down", reason: h.reason, fix: h.fix },
      );
      return;
    }
    if (req.method === "GET" && path === "/readyz") {
      const r = options.readiness();
      send(
        res,
        r.ready ? 200 : 503,
        r.ready ? { status: "ready" } : { status: "not ready", reason: r.reason, fix: r.fix },
      );
      return;
    }
    if (req.method === "GET" && path === "/metrics") {
      send(res, 200, await metrics.metrics(), metrics.contentType);
      return;
    }
    if (path.startsWith("/admin/")) {
      const name = path.slice(7);
      const action = options.admin?.[name];
      if (req.method !== "POST") return send(res, 405, { error: "admin actions are POST" });
      if (options.adminToken === undefined)
        return send(res, 403, {
          error: "admin actions are disabled",
          fix: "start the service with an admin token",
        });
      if (!tokenMatches(req.headers.authorization, options.adminToken)) {
        logger.warn({ action: name, remote: req.socket.remoteAddress }, "admin request refused: bad token");
        return send(res, 401, { error: "missing or wrong bearer token" });
      }
      if (action === undefined || !Object.hasOwn(options.admin!, name))
        return send(res, 404, {
          error: `unknown admin action ${JSON.stringify(name)}`,
          actions: Object.keys(options.admin ?? {}),
        });
      const text = await readBody(req);
      if (text === undefined) return send(res, 413, { error: `body over ${MAX_ADMIN_BODY} bytes` });
      let body: unknown = null;
      if (text.length > 0) {
        try {
          body = JSON.parse(text);
        } catch {
          return send(res, 400, { error: "body is not JSON" });
        }
      }
      logger.info({ action: name }, "admin action");
      send(res, 200, { result: (await action(body)) ?? null });
      return;
    }
    send(res, 404, { error: "not found", paths: ["/healthz", "/readyz", "/metrics", "/admin/<action>"] });
  }

  if (options.adminToken !== undefined && options.adminToken.length < 16)
    throw new Error("adminToken: expected at least 16 characters");
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ host, port }, "operator server listening");
  return {
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
