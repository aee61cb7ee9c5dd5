/**
 * WebSocket channels: per-channel sequence numbers, snapshot-then-delta, resync from a sequence
 * number (docs/api.md, "Subscriptions").
 *
 * A channel ("book:3", "trades:3", "account:0x..", "batches", "tx:0x..") numbers its deltas 1, 2,
 * 3, ... and keeps the last `replayPerChannel` of them. A subscriber gets either a snapshot (with
 * the channel seq it includes) and then every later delta, or, resyncing with `fromSeq` in the
 * same server epoch while the ring still holds what follows, those deltas replayed. A snapshot
 * is fetched from the node asynchronously: deltas published meanwhile are held for that
 * subscriber and those the snapshot already includes (node seq <= its asOfSeq) are skipped, so
 * the stream has no gap and no duplicate.
 *
 * Memory is bounded: deltas are kept serialized, each ring by replayPerChannel and all rings
 * together by maxReplayBytes (one FIFO across channels: past the budget the oldest deltas
 * anywhere go first, so a busy channel shortens idle ones' history, never its own live stream);
 * channels by maxChannels (idle account/tx channels go first; market channels are bounded by the
 * number of markets); a pending subscriber's held deltas by replayPerChannel (past that it
 * re-fetches its snapshot); what a client has not read by maxBufferedBytes (Connection.send
 * drops it). A delta is serialized once, whatever the number of its subscribers.
 */
import type { ApiLimits } from "./apiParams.ts";
import type { Connection } from "./Connection.ts";
import type { BatchView, Hex, NodeApi, NodeEvent, TxStage } from "./NodeApi.ts";

/** A delta as published on a channel. `txSeq`: the node seq it reflects (null: none, never skipped). */
interface Delta {
  readonly seq: number;
  readonly txSeq: bigint | null;
  /** The data, serialized once. */
  readonly json: string;
  readonly channel: Channel;
  /** In its ring, its bytes counted in the replay budget. */
  inRing: boolean;
}

type Snapshot = { readonly data: unknown; readonly asOfSeq: bigint | null };

class Channel {
  seq = 0;
  readonly ring: Delta[] = [];
  readonly subscribers = new Set<Subscription>();
  /** tx channels: the block the transaction was executed in, once known. */
  block: number | null = null;
  /** account channels: a re-read in progress / another one wanted after it. */
  fetching = false;
  dirty = false;

  constructor(
    readonly key: string,
    /** Market channels (trades, book, batches) are never evicted. */
    readonly durable: boolean,
  ) {}
}

export interface Subscription {
  readonly id: string;
  readonly conn: Connection;
  readonly channel: Channel;
  /** Its connection's subscriptions by id (so a failed one leaves it). */
  readonly ids: Map<string, Subscription>;
  /** Deltas held while the snapshot is fetched; null once live. */
  held: Delta[] | null;
  overflowed: boolean;
}

export interface SubscribeRequest {
  readonly channel: "trades" | "book" | "account" | "batches" | "tx";
  readonly market?: number;
  readonly address?: Hex;
  readonly txHash?: Hex;
  readonly depth?: number;
  readonly fromSeq?: bigint;
  readonly epoch?: string;
}

const TRADES_SNAPSHOT = 50;

export class SubscriptionHub {
  private readonly channels = new Map<string, Channel>();
  /** Every delta in some ring, oldest first (from `head`), and their bytes: the replay budget. */
  private fifo: Delta[] = [];
  private head = 0;
  private replayBytes = 0;
  private nextId = 1;
  /** Events whose data could not be serialized (a node bug), since start. */
  unserializable = 0;
  private readonly unsubscribeNode: () => void;
  /** Changes on every server start: sequence numbers of an older epoch mean nothing here. */
  readonly epoch = `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;

  constructor(
    private readonly node: NodeApi,
    private readonly limits: ApiLimits,
  ) {
    this.unsubscribeNode = node.subscribe((e) => this.onEvent(e));
  }

  close(): void {
    this.unsubscribeNode();
    this.channels.clear();
  }

  get channelCount(): number {
    return this.channels.size;
  }

  /** Starts a subscription; the snapshot or replay follows as notifications. */
  subscribe(conn: Connection, req: SubscribeRequest, ids: Map<string, Subscription>) {
    const key = channelKey(req);
    const ch = this.channel(
      key,
      req.channel === "trades" || req.channel === "book" || req.channel === "batches",
    );
    const sub: Subscription = {
      id: `0x${(this.nextId++).toString(16)}`,
      conn,
      channel: ch,
      ids,
      held: [],
      overflowed: false,
    };
    ch.subscribers.add(sub);
    ids.set(sub.id, sub);
    this.touch(ch);
    const result = { subscription: sub.id, channel: key, epoch: this.epoch, seq: ch.seq };

    // Everything for the subscriber starts on the next turn, after the subscribe reply is sent,
    // so no notification arrives before the client knows its subscription id. Deltas published
    // until then are held (sub.held) like during a snapshot fetch.
    const from = req.fromSeq;
    const replay = from !== undefined && req.epoch === this.epoch && this.ringCovers(ch, from);
    setImmediate(() => {
      if (sub.held === null || !ch.subscribers.has(sub)) return;
      if (replay && this.ringCovers(ch, from as bigint)) {
        // Resync: the ring holds every delta after fromSeq (held ones included); replay them.
        sub.held = null;
        for (const d of ch.ring) if (BigInt(d.seq) > (from as bigint)) this.sendDelta(sub, d);
        return;
      }
      this.snapshot(sub, req, from !== undefined);
    });
    return { ...result, replayed: replay };
  }

  /** Whether the ring still holds every delta after `from` (and `from` is not ahead of the channel). */
  private ringCovers(ch: Channel, from: bigint): boolean {
    const oldest = ch.ring.length > 0 ? ch.ring[0].seq : ch.seq + 1;
    return from <= BigInt(ch.seq) && from + 1n >= BigInt(oldest);
  }

  unsubscribe(sub: Subscription): void {
    sub.ids.delete(sub.id);
    sub.channel.subscribers.delete(sub);
    this.touch(sub.channel);
    sub.held = null;
  }

  private snapshot(sub: Subscription, req: SubscribeRequest, resync: boolean): void {
    const ch = sub.channel;
    if (req.channel === "trades") {
      // The channel's own ring is the recent trades (held deltas included): consistent with its seq.
      sub.held = null;
      const recent = ch.ring.slice(-TRADES_SNAPSHOT).map((d) => d.json);
      this.notify(sub, "snapshot", ch.seq, `{"market":${req.market},"fills":[${recent.join(",")}]}`, resync);
      return;
    }
    const startSeq = ch.seq;
    this.fetchSnapshot(req).then(
      (snap) => this.deliverSnapshot(sub, req, snap, startSeq, resync),
      () => {
        if (sub.held === null) return;
        this.notify(sub, "error", ch.seq, '{"reason":"SNAPSHOT_FAILED"}', resync);
        this.unsubscribe(sub);
      },
    );
  }

  private deliverSnapshot(
    sub: Subscription,
    req: SubscribeRequest,
    snap: Snapshot,
    startSeq: number,
    resync: boolean,
  ) {
    if (sub.held === null || !sub.channel.subscribers.has(sub)) return; // unsubscribed meanwhile
    if (sub.overflowed) {
      // Too many deltas while fetching: the held list was dropped; fetch a newer snapshot.
      sub.held = [];
      sub.overflowed = false;
      this.snapshot(sub, req, resync);
      return;
    }
    const held = sub.held;
    // Skip the held deltas the snapshot includes: those published before it was asked for, and
    // those of transactions at or before its asOfSeq. The snapshot's seq is the last one skipped.
    let seq = startSeq;
    let i = 0;
    const asOf = snap.asOfSeq;
    for (; i < held.length; i++) {
      const d = held[i];
      const included = d.seq <= startSeq || (asOf !== null && d.txSeq !== null && d.txSeq <= asOf);
      if (!included) break;
      if (d.seq > seq) seq = d.seq;
    }
    sub.held = null;
    let json: string;
    try {
      json = JSON.stringify(snap.data);
    } catch {
      this.unserializable++;
      this.notify(sub, "error", seq, '{"reason":"SNAPSHOT_FAILED"}', resync);
      this.unsubscribe(sub);
      return;
    }
    this.notify(sub, "snapshot", seq, json, resync);
    for (; i < held.length; i++) this.sendDelta(sub, held[i]);
  }

  private async fetchSnapshot(req: SubscribeRequest): Promise<Snapshot> {
    switch (req.channel) {
      case "book": {
        const b = await this.node.book(req.market as number, req.depth ?? 50);
        return { data: b, asOfSeq: b === null ? null : BigInt(b.asOfSeq) };
      }
      case "account": {
        const a = await this.node.account(req.address as Hex);
        return { data: a, asOfSeq: BigInt(a.asOfSeq) };
      }
      case "batches": {
        const s = await this.node.status();
        return { data: s, asOfSeq: s.headSeq === null ? null : BigInt(s.headSeq) };
      }
      case "tx": {
        const h = req.txHash as Hex;
        const st = await this.node.txStage(h);
        const receipt = st === null ? null : await this.node.receipt(h);
        const ch = this.channels.get(channelKey(req));
        if (ch !== undefined && st?.block !== null && st?.block !== undefined) ch.block = st.block;
        return {
          data: { txHash: h, stage: st?.stage ?? null, block: st?.block ?? null, receipt },
          asOfSeq: receipt === null ? null : BigInt(receipt.seq),
        };
      }
      default:
        throw new Error(`no snapshot for ${req.channel}`);
    }
  }

  private channel(key: string, durable: boolean): Channel {
    let ch = this.channels.get(key);
    if (ch === undefined) {
      ch = new Channel(key, durable);
      this.channels.set(key, ch);
      if (this.channels.size > this.limits.maxChannels) this.evict(ch);
    }
    return ch;
  }

  /** Drops the least recently active channels without subscribers until under the cap. */
  private evict(keep: Channel): void {
    // The map is in order of last (un)subscription (touch re-inserts), so the first idle ones are
    // the least recently used: no sort of every channel on each creation at the cap.
    for (const c of this.channels.values()) {
      if (this.channels.size <= this.limits.maxChannels) break;
      if (c.subscribers.size > 0 || c.durable || c === keep) continue;
      this.channels.delete(c.key);
      for (const d of c.ring) this.forget(d);
      c.ring.length = 0;
    }
  }

  /** Moves a channel to the recent end of the eviction order. */
  private touch(ch: Channel): void {
    if (this.channels.get(ch.key) === ch) {
      this.channels.delete(ch.key);
      this.channels.set(ch.key, ch);
    }
  }

  /** Appends a delta to a channel and sends it to live subscribers (held for pending ones). */
  private publish(ch: Channel, txSeq: bigint | null, data: unknown): void {
    let json: string;
    try {
      json = JSON.stringify(data);
    } catch {
      this.unserializable++; // a node bug (a bigint in an event): the delta is not published
      return;
    }
    const d: Delta = { seq: ++ch.seq, txSeq, json, channel: ch, inRing: true };
    ch.ring.push(d);
    if (ch.ring.length > this.limits.replayPerChannel) this.forget(ch.ring.shift() as Delta);
    this.fifo.push(d);
    this.replayBytes += d.json.length;
    while (this.replayBytes > this.limits.maxReplayBytes && this.head < this.fifo.length) {
      const old = this.fifo[this.head++];
      // Still in its ring: it is that ring's oldest, since the FIFO and every ring are in
      // publication order. (Held lists may still reference it: they are bounded on their own.)
      if (old.inRing) {
        if (old.channel.ring[0] === old) old.channel.ring.shift();
        this.forget(old);
      }
    }
    if (this.head > 4096 && this.head * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.head);
      this.head = 0;
    }
    for (const sub of ch.subscribers) {
      if (sub.held === null) this.sendDelta(sub, d);
      else if (!sub.overflowed) {
        sub.held.push(d);
        if (sub.held.length > this.limits.replayPerChannel) {
          sub.held = [];
          sub.overflowed = true;
        }
      }
    }
  }

  /** A delta left its ring: its bytes leave the budget (its FIFO entry, if any, then counts nothing). */
  private forget(d: Delta): void {
    if (!d.inRing) return;
    d.inRing = false;
    this.replayBytes -= d.json.length;
  }

  /** Bytes of serialized deltas held for replay (bounded by maxReplayBytes). */
  get replayBytesHeld(): number {
    return this.replayBytes;
  }

  private onEvent(e: NodeEvent): void {
    switch (e.kind) {
      case "fill": {
        const ch = this.channel(`trades:${e.fill.market}`, true);
        this.publish(ch, BigInt(e.seq), { ...e.fill, txHash: e.txHash });
        return;
      }
      case "level": {
        const ch = this.channel(`book:${e.market}`, true);
        this.publish(ch, BigInt(e.seq), {
          side: e.side,
          price: e.price,
          quantity: e.quantity,
          orders: e.orders,
        });
        return;
      }
      case "account": {
        const ch = this.channels.get(`account:${e.address.toLowerCase()}`);
        if (ch !== undefined) this.reread(ch, e.address.toLowerCase() as Hex);
        return;
      }
      case "accepted": {
        const ch = this.channels.get(`tx:${e.txHash.toLowerCase()}`);
        if (ch !== undefined) this.publish(ch, null, { txHash: e.txHash, stage: "accepted" as TxStage });
        return;
      }
      case "executed": {
        const ch = this.channels.get(`tx:${e.receipt.txHash.toLowerCase()}`);
        if (ch !== undefined) {
          ch.block = e.receipt.block;
          this.publish(ch, BigInt(e.seq), {
            txHash: e.receipt.txHash,
            stage: "executed" as TxStage,
            block: e.receipt.block,
            receipt: e.receipt,
          });
        }
        return;
      }
      case "batch":
        this.onBatch(BigInt(e.seq), e.batch);
        return;
    }
  }

  private onBatch(seq: bigint, batch: BatchView): void {
    this.publish(this.channel("batches", true), seq, batch);
    if (batch.stage === "open") return;
    for (const ch of this.channels.values()) {
      if (ch.block === batch.number && ch.key.startsWith("tx:")) {
        // null txSeq: a stage after execution is never part of a tx snapshot taken before it.
        this.publish(ch, null, { txHash: ch.key.slice(3), stage: batch.stage, block: batch.number });
      }
    }
  }

  /** Re-reads an account after a change; changes during a read coalesce into one more read. */
  private reread(ch: Channel, address: Hex): void {
    if (ch.fetching) {
      ch.dirty = true;
      return;
    }
    ch.fetching = true;
    ch.dirty = false;
    this.node.account(address).then(
      (view) => {
        ch.fetching = false;
        this.publish(ch, BigInt(view.asOfSeq), view);
        if (ch.dirty) this.reread(ch, address);
      },
      () => {
        ch.fetching = false;
      },
    );
  }

  private sendDelta(sub: Subscription, d: Delta): void {
    this.notify(sub, "delta", d.seq, d.json, false);
  }

  /** Sends a notification; `data` is already JSON. */
  private notify(sub: Subscription, type: string, seq: number, data: string, resync: boolean): void {
    if (sub.conn.closed || sub.conn.send === undefined) return;
    sub.conn.send(
      `{"jsonrpc":"2.0","method":"optio_subscription","params":{"subscription":"${sub.id}","channel":${JSON.stringify(sub.channel.key)},"seq":${seq},"type":"${type}"${resync ? ',"resync":true' : ""},"data":${data}}}`,
    );
  }
}

function channelKey(req: SubscribeRequest): string {
  switch (req.channel) {
    case "trades":
    case "book":
      return `${req.channel}:${req.market}`;
    case "account":
      return `account:${(req.address as string).toLowerCase()}`;
    case "tx":
      return `tx:${(req.txHash as string).toLowerCase()}`;
    case "batches":
      return "batches";
  }
}
