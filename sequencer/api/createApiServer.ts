/**
 * The trader API server: JSON-RPC 2.0 over HTTP POST and over WebSocket on one port (127.0.0.1 by
 * default). HTTP: one request or batch per POST to "/", the reply in the response body (204 when
 * only notifications were sent). WS: each text or binary message is a request or batch; replies
 * and subscription notifications are text messages. Oversized bodies are answered 413 without
 * being read; more than maxConnections get 503. The `ws` package serves WebSocket (node has a
 * client but no server).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { type ApiLimits, resolveLimits } from "./apiParams.ts";
import type { Connection } from "./Connection.ts";
import { Dispatcher, type InternalErrorHook, type RequestHook } from "./Dispatcher.ts";
import { rpcError } from "./errorCodes.ts";
import { errorResponse } from "./jsonRpc.ts";
import type { NodeApi } from "./NodeApi.ts";
import { type Subscription, SubscriptionHub } from "./SubscriptionHub.ts";
import { BucketMap, TokenBucket } from "./TokenBucket.ts";

export interface ApiServerOptions {
  readonly node: NodeApi;
  /** Default 127.0.0.1: exposing the API is an operator's explicit choice. */
  readonly host?: string;
  /** Default 0: a free port (read it from `port`). */
  readonly port?: number;
  readonly limits?: Partial<ApiLimits>;
  readonly onInternalError?: InternalErrorHook;
  /** Per answered request (method, error code or null, ms): for the operator's metrics. */
  readonly onRequest?: RequestHook;
  /** Tests move time; the server reads it for rate buckets and timers. */
  readonly now?: () => number;
}

export interface ApiServerStats {
  readonly connections: number;
  readonly wsConnections: number;
  readonly inFlight: number;
  readonly channels: number;
  /** Bytes of deltas kept for resync (at most maxReplayBytes). */
  readonly replayBytes: number;
  /** WS clients dropped for reading too slowly, since start. */
  readonly slowConsumersDropped: number;
  /** Node events or snapshots that could not be serialized (a node bug; they were dropped), since start. */
  readonly unserializableEvents: number;
}

export interface ApiServer {
  readonly host: string;
  readonly port: number;
  /** http://host:port/ and ws://host:port/ */
  readonly url: string;
  readonly wsUrl: string;
  readonly limits: ApiLimits;
  readonly epoch: string;
  stats(): ApiServerStats;
  /**
   * First step of an ordered shutdown: new transactions are answered NOT_READY ("shutting down"),
   * reads and subscriptions go on; resolves once no transaction is in flight (every one accepted
   * has its answer), or after `timeoutMs`.
   */
  drain(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Any origin may call: the API has no cookies or sessions to protect (every change is signed by
 * its trader), and the explorer and browser wallets run on other origins. WebSocket needs none.
 */
const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "content-type",
  "access-control-max-age": "86400",
};
const JSON_HEADERS = { "content-type": "application/json", "access-control-allow-origin": "*" };

export async function createApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const limits = resolveLimits(opts.limits);
  const now = opts.now ?? Date.now;
  const hub = new SubscriptionHub(opts.node, limits);
  const dispatcher = new Dispatcher(opts.node, limits, hub, opts.onInternalError, now, opts.onRequest);
  const sockets = new Map<Socket, Connection>();
  const wsConns = new Map<
    WebSocket,
    { conn: Connection; subs: Map<string, Subscription>; lastSeen: number }
  >();
  let nextConn = 1;
  let dropped = 0;

  const ipBuckets = new BucketMap(limits.ipRatePerSecond, limits.ipBurst, 10_000);
  const newConnection = (transport: "http" | "ws", ip: string, send?: (t: string) => void): Connection => ({
    id: nextConn++,
    transport,
    bucket: new TokenBucket(limits.connectionRatePerSecond, limits.connectionBurst, now()),
    ipBucket: ipBuckets.get(ip, now()),
    inFlight: 0,
    send,
    closed: false,
  });

  // Short header/request timeouts: a client trickling bytes (slowloris) holds a socket for seconds, not minutes.
  const server = createServer(
    { keepAliveTimeout: 30_000, headersTimeout: 10_000, requestTimeout: 30_000 },
    (req, res) => onHttp(req, res),
  );
  server.on("connection", (socket: Socket) => {
    if (sockets.size + wsConns.size >= limits.maxConnections) {
      const body = JSON.stringify(
        errorResponse(null, rpcError("OVERLOADED", { scope: "connections", limit: limits.maxConnections })),
      );
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    sockets.set(socket, newConnection("http", socket.remoteAddress ?? ""));
    socket.on("close", () => sockets.delete(socket));
  });
  // A malformed HTTP request line or headers: answer 400 with a JSON-RPC body, then close.
  server.on("clientError", (_err, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const body = JSON.stringify(errorResponse(null, rpcError("PARSE_ERROR", {}, "malformed HTTP request")));
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  function reply(res: ServerResponse, status: number, body: string | undefined, close = false): void {
    if (res.headersSent) return;
    const headers: Record<string, string> =
      body === undefined ? { "access-control-allow-origin": "*" } : { ...JSON_HEADERS };
    if (close) headers.connection = "close";
    res.writeHead(body === undefined ? 204 : status, headers);
    res.end(body);
  }

  function onHttp(req: IncomingMessage, res: ServerResponse): void {
    const conn = sockets.get(req.socket) ?? newConnection("http", req.socket.remoteAddress ?? "");
    if (req.method === "OPTIONS") {
      req.resume();
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return;
    }
    if (req.method !== "POST") {
      req.resume();
      const e = rpcError("INVALID_REQUEST", { httpMethod: req.method }, "use POST (or a WebSocket upgrade)");
      reply(res, 405, JSON.stringify(errorResponse(null, e)));
      return;
    }
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/") {
      req.resume();
      reply(
        res,
        404,
        JSON.stringify(
          errorResponse(null, rpcError("METHOD_NOT_FOUND", { path: path.slice(0, 64) }, "POST to /")),
        ),
      );
      return;
    }
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limits.maxRequestBytes) {
      // Not read: the connection closes after the answer.
      reply(res, 413, JSON.stringify(dispatcher.tooLarge(declared)), true);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limits.maxRequestBytes) {
        over = true;
        chunks.length = 0;
        reply(res, 413, JSON.stringify(dispatcher.tooLarge(size)), true);
        req.socket.destroySoon();
        return;
      }
      chunks.push(c);
    });
    req.on("error", () => {});
    req.on("end", () => {
      if (over) return;
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      dispatcher.handle(conn, body).then(
        (text) => reply(res, 200, text),
        (e) => {
          opts.onInternalError?.("http", e);
          reply(res, 200, JSON.stringify(errorResponse(null, rpcError("INTERNAL_ERROR", {}))));
        },
      );
    });
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    // Text frames are decoded by the dispatcher (fatal UTF-8): bad UTF-8 gets a PARSE_ERROR reply
    // and the connection stays, instead of ws closing it with 1007, and the bytes are read once.
    skipUTF8Validation: true,
  });
  server.on("upgrade", (req, socket, head) => {
    const path = (req.url ?? "/").split("?")[0];
    // The socket was counted against maxConnections when it connected.
    if (path !== "/") {
      socket.end("HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onWs(ws, socket as Socket));
  });

  function onWs(ws: WebSocket, socket: Socket): void {
    sockets.delete(socket); // counted as a WS connection from now on
    const subs = new Map<string, Subscription>();
    const conn = newConnection("ws", socket.remoteAddress ?? "", (text) => sendWs(ws, conn, subs, text));
    const state = { conn, subs, lastSeen: now() };
    wsConns.set(ws, state);
    ws.on("message", (data: Buffer) => {
      state.lastSeen = now();
      if (conn.closed) return;
      dispatcher.handle(conn, data, subs).then(
        (text) => {
          if (text !== undefined) conn.send?.(text);
        },
        (e) => {
          opts.onInternalError?.("ws", e);
          conn.send?.(JSON.stringify(errorResponse(null, rpcError("INTERNAL_ERROR", {}))));
        },
      );
    });
    ws.on("error", () => {});
    ws.on("close", () => {
      conn.closed = true;
      for (const s of subs.values()) hub.unsubscribe(s);
      subs.clear();
      wsConns.delete(ws);
    });
  }

  /** Queues a message, or tells a client that cannot keep up and drops it (bounded server memory). */
  function sendWs(ws: WebSocket, conn: Connection, subs: Map<string, Subscription>, text: string): void {
    if (conn.closed || ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount + text.length > limits.maxBufferedBytes) {
      conn.closed = true;
      dropped++;
      for (const s of subs.values()) hub.unsubscribe(s);
      subs.clear();
      ws.send(
        JSON.stringify({
          jsonrpc: "2.0",
          method: "optio_dropped",
          params: {
            reason: "SLOW_CONSUMER",
            bufferedBytes: ws.bufferedAmount,
            limit: limits.maxBufferedBytes,
          },
        }),
      );
      ws.close(4008, "slow consumer");
      setTimeout(() => ws.terminate(), 1_000).unref();
      return;
    }
    ws.send(text);
  }

  const idleTimer = setInterval(
    () => {
      const t = now();
      for (const [ws, s] of wsConns) {
        if (t - s.lastSeen > limits.idleTimeoutMs) {
          s.conn.closed = true;
          ws.close(4000, "idle: send optio_ping at least every idleTimeoutMs");
          setTimeout(() => ws.terminate(), 1_000).unref();
        }
      }
    },
    Math.max(100, Math.floor(limits.idleTimeoutMs / 4)),
  );
  idleTimer.unref();

  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    host,
    port,
    url: `http://${host}:${port}/`,
    wsUrl: `ws://${host}:${port}/`,
    limits,
    epoch: hub.epoch,
    stats: () => ({
      connections: sockets.size + wsConns.size,
      wsConnections: wsConns.size,
      inFlight: dispatcher.admission.inFlight,
      channels: hub.channelCount,
      replayBytes: hub.replayBytesHeld,
      slowConsumersDropped: dropped,
      unserializableEvents: hub.unserializable,
    }),
    drain: async (timeoutMs = 10_000) => {
      dispatcher.admission.draining = true;
      const end = Date.now() + timeoutMs;
      while (dispatcher.admission.inFlight > 0 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 5));
    },
    close: async () => {
      clearInterval(idleTimer);
      for (const ws of wsConns.keys()) ws.terminate();
      hub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
