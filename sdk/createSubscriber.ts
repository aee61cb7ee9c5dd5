/**
 * WebSocket subscriptions that survive the connection: reconnect with backoff, resubscribe every
 * channel, and resync each from its last sequence number (the server replays what was missed, or
 * sends a fresh snapshot when it cannot: docs/api.md, "Subscriptions"). A gap in a channel's
 * sequence numbers triggers the same resync. Uses the platform's WebSocket (Node >= 22, browsers).
 */
import type { ChannelName } from "../sequencer/api/index.ts";
import { OptioTransportError, rpcErrorFrom } from "./errors.ts";

/** What a subscription's handler receives: a full snapshot (replaces local state) or the next delta. */
export interface ChannelMessage<T = unknown> {
  readonly type: "snapshot" | "delta";
  readonly seq: number;
  readonly data: T;
  /** Set on the first message after a resync. */
  readonly resync?: boolean;
}

export interface SubscribeParams {
  readonly market?: number;
  readonly address?: `0x${string}`;
  readonly txHash?: `0x${string}`;
  readonly depth?: number;
}

export interface Subscription {
  unsubscribe(): void;
}

export interface Subscriber {
  subscribe<T = unknown>(
    channel: ChannelName,
    params: SubscribeParams,
    onMessage: (m: ChannelMessage<T>) => void,
  ): Subscription;
  /** Resolves when the connection is open (the first time, or again after a reconnect). */
  ready(): Promise<void>;
  /** Drops the connection now; it reconnects and resyncs as after any drop (e.g. after a network change). */
  reconnect(): void;
  close(): void;
  /** Reconnections since creation (for tests and status lines). */
  readonly reconnects: number;
}

export interface SubscriberOptions {
  /** First reconnect delay, doubled per failure up to maxBackoffMs; defaults 100 and 5,000 ms. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** App-level ping period (the server closes idle connections); default 15,000 ms. */
  readonly pingMs?: number;
  readonly onError?: (e: Error) => void;
}

interface Notification {
  readonly subscription: string;
  readonly seq: number;
  readonly type: string;
  readonly data: unknown;
  readonly resync?: boolean;
}

/** Notifications held for not-yet-registered subscription ids, at most. */
const MAX_EARLY = 10_000;

interface Entry {
  readonly channel: ChannelName;
  readonly params: SubscribeParams;
  readonly onMessage: (m: ChannelMessage<never>) => void;
  /** The server's id for the current connection's subscription. */
  serverId?: string;
  epoch?: string;
  /** Last seq delivered; undefined before the first snapshot. */
  seq?: number;
  closed: boolean;
}

export function createSubscriber(url: string, options: SubscriberOptions = {}): Subscriber {
  const backoff0 = options.backoffMs ?? 100;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  const onError = options.onError ?? (() => {});
  const entries = new Set<Entry>();
  const byServerId = new Map<string, Entry>();
  /**
   * Notifications for a subscription id whose subscribe answer is still being handled: the platform
   * WebSocket may dispatch the answer and the replay that follows it before the answer's await
   * resumes. Kept until the id is registered (bounded; cleared on reconnect).
   */
  const early = new Map<string, Notification[]>();
  let earlyCount = 0;
  const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let ws: WebSocket | undefined;
  let open = false;
  let closed = false;
  let nextId = 0;
  let delay = backoff0;
  let reconnects = 0;
  let waiters: (() => void)[] = [];
  const ping = setInterval(() => {
    if (open) void call("optio_ping", []).catch(() => {});
  }, options.pingMs ?? 15_000);
  ping.unref?.();

  function call(method: string, params: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (!open || ws === undefined) return reject(new OptioTransportError(url, `${method}: not connected`));
      const id = ++nextId;
      calls.set(id, { resolve, reject });
      ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  async function start(e: Entry): Promise<void> {
    const resume = e.seq !== undefined && e.epoch !== undefined ? { fromSeq: e.seq, epoch: e.epoch } : {};
    try {
      const r = (await call("optio_subscribe", { channel: e.channel, ...e.params, ...resume })) as {
        subscription: string;
        epoch: string;
      };
      if (e.closed) return void call("optio_unsubscribe", { subscription: r.subscription }).catch(() => {});
      e.serverId = r.subscription;
      e.epoch = r.epoch;
      byServerId.set(r.subscription, e);
      const held = early.get(r.subscription) ?? [];
      early.delete(r.subscription);
      earlyCount -= held.length;
      for (const n of held) deliver(e, n);
    } catch (err) {
      onError(err as Error);
    }
  }

  /** A gap or a server-side error on one channel: subscribe it again from its last seq. */
  function resync(e: Entry): void {
    if (e.serverId !== undefined) {
      byServerId.delete(e.serverId);
      void call("optio_unsubscribe", { subscription: e.serverId }).catch(() => {});
      e.serverId = undefined;
    }
    void start(e);
  }

  function onMessage(text: string): void {
    let m: {
      id?: number;
      result?: unknown;
      error?: { code: number; message: string; data?: unknown };
      method?: string;
      params?: Notification;
    };
    try {
      m = JSON.parse(text);
    } catch {
      onError(new OptioTransportError(url, "a frame that is not JSON"));
      return;
    }
    if (m.id !== undefined) {
      const c = calls.get(m.id);
      if (c === undefined) return;
      calls.delete(m.id);
      if (m.error !== undefined) c.reject(rpcErrorFrom("ws", m.error));
      else c.resolve(m.result);
      return;
    }
    if (m.method !== "optio_subscription" || m.params === undefined) return;
    const p = m.params;
    const e = byServerId.get(p.subscription);
    if (e !== undefined) deliver(e, p);
    else if (earlyCount < MAX_EARLY) {
      early.set(p.subscription, [...(early.get(p.subscription) ?? []), p]);
      earlyCount++;
    }
  }

  function deliver(e: Entry, p: Notification): void {
    if (e.closed) return;
    if (p.type === "snapshot") {
      e.seq = p.seq;
      e.onMessage({ type: "snapshot", seq: p.seq, data: p.data as never, resync: p.resync });
    } else if (p.type === "delta") {
      if (e.seq !== undefined && p.seq !== e.seq + 1) {
        resync(e);
        return;
      }
      e.seq = p.seq;
      e.onMessage({ type: "delta", seq: p.seq, data: p.data as never, resync: p.resync });
    } else resync(e);
  }

  function connect(): void {
    if (closed) return;
    const sock = new WebSocket(url);
    ws = sock;
    sock.onopen = () => {
      open = true;
      delay = backoff0;
      for (const e of entries) void start(e);
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    };
    sock.onmessage = (ev) => onMessage(String(ev.data));
    sock.onclose = () => {
      if (ws !== sock) return;
      open = false;
      byServerId.clear();
      early.clear();
      earlyCount = 0;
      for (const e of entries) e.serverId = undefined;
      for (const c of calls.values()) c.reject(new OptioTransportError(url, "connection closed"));
      calls.clear();
      if (closed) return;
      reconnects++;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, maxBackoff);
    };
    sock.onerror = () => {}; // onclose follows and reconnects
  }
  connect();

  return {
    subscribe(channel, params, handler) {
      const e: Entry = { channel, params, onMessage: handler as Entry["onMessage"], closed: false };
      entries.add(e);
      if (open) void start(e);
      return {
        unsubscribe() {
          e.closed = true;
          entries.delete(e);
          if (e.serverId !== undefined) {
            byServerId.delete(e.serverId);
            void call("optio_unsubscribe", { subscription: e.serverId }).catch(() => {});
          }
        },
      };
    },
    ready: () => (open ? Promise.resolve() : new Promise((r) => waiters.push(r))),
    reconnect() {
      ws?.close();
    },
    close() {
      closed = true;
      clearInterval(ping);
      ws?.close();
    },
    get reconnects() {
      return reconnects;
    },
  };
}
