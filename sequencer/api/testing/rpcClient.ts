/**
 * Minimal JSON-RPC clients for tests and the load generator: HTTP POST (node's fetch) and a
 * WebSocket client that matches replies by id and collects notifications.
 */
import WebSocket from "ws";

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/** POSTs a body (object, or raw string/bytes) and reads the reply. */
export async function httpPost(url: string, body: unknown, raw = false): Promise<Reply> {
  const payload = raw ? (body as string | Uint8Array) : JSON.stringify(body);
  const res = await fetch(url, {
    method: "POST",
    body: payload as BodyInit,
    headers: { "content-type": "application/json" },
  });
  const text = await res.text();
  return { status: res.status, text, body: text === "" ? undefined : JSON.parse(text) };
}

let ids = 1;

/** One JSON-RPC call over HTTP; returns the response object. */
export async function httpCall(
  url: string,
  method: string,
  params?: unknown,
): Promise<Record<string, unknown>> {
  const r = await httpPost(url, { jsonrpc: "2.0", id: ids++, method, params });
  return r.body as Record<string, unknown>;
}

export interface Notification {
  readonly method: string;
  readonly params: Record<string, unknown>;
}

export class WsClient {
  private readonly pending = new Map<number | string, (r: Record<string, unknown>) => void>();
  readonly notifications: Notification[] = [];
  /** Replies with no matching pending call (null ids, batches). */
  readonly other: unknown[] = [];
  private waiters: (() => void)[] = [];
  closeCode: number | null = null;
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      const msg = JSON.parse(data.toString("utf8"));
      if (!Array.isArray(msg) && msg.method !== undefined && msg.id === undefined)
        this.notifications.push(msg);
      else if (!Array.isArray(msg) && msg.id !== null && this.pending.has(msg.id)) {
        const f = this.pending.get(msg.id) as (r: Record<string, unknown>) => void;
        this.pending.delete(msg.id);
        f(msg);
      } else this.other.push(msg);
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    });
    ws.on("close", (code) => {
      this.closeCode = code;
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    });
  }

  static async connect(url: string): Promise<WsClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return new WsClient(ws);
  }

  call(method: string, params?: unknown): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  sendRaw(data: string | Uint8Array): void {
    this.ws.send(data);
  }

  /** Resolves once `pred` holds (checked on every message), or rejects after `ms`. */
  async until(pred: () => boolean, ms = 5_000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error("timed out waiting for a message");
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Notifications of one subscription. */
  of(subscription: string): Record<string, unknown>[] {
    return this.notifications.filter((n) => n.params.subscription === subscription).map((n) => n.params);
  }

  close(): void {
    this.ws.close();
  }
}
