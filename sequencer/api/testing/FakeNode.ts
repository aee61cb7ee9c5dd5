/**
 * TEST DOUBLE. An in-memory NodeApi for testing the API server on its own: it checks signatures
 * (the engine's EIP-712 digest, ecrecover) and nonces as the engine does, and runs a toy order
 * book (price-time, fills at the maker's price, GTC rests, IOC does not, CANCEL) so receipts,
 * fills, book deltas, account updates and batch stages flow. It is not the engine: no margin,
 * fees are flat ppm, no funding. The real node implements NodeApi in sequencer/ (the lead wires it).
 * Test hooks: fund, seal/advance batches, overload, not-ready, a gate that holds submits; WITHDRAW
 * appends to a toy outbox whose stages follow its batch's (confirmed: claimable), claimWithdrawal
 * and forgetRoots for the claimed and proof-unavailable cases.
 */
import { type Hex, toHex } from "viem";
import { decodeTx, type MalformedTxError, recoveryInput } from "../../../protocol/engine/index.ts";
import { Outcome, outcomeName } from "../../../protocol/engine/params.ts";
import { transactionHash } from "../../../protocol/index.ts";
import { ecrecover } from "../../../vm/index.ts";
import type {
  AccountView,
  BatchStage,
  BatchView,
  BookView,
  Fill,
  MarketView,
  NodeApi,
  NodeEvent,
  NodeEventListener,
  NodeStatus,
  OptionsChainView,
  OrderView,
  Receipt,
  Rejection,
  SubmitResult,
  TxStage,
  UnderlyingView,
  WithdrawalProofResult,
  WithdrawalStage,
  WithdrawalView,
} from "../NodeApi.ts";

interface RestingOrder {
  readonly id: bigint;
  readonly market: number;
  readonly owner: Hex;
  readonly subaccount: number;
  readonly side: 0 | 1;
  readonly price: bigint;
  quantity: bigint;
  readonly txHash: Hex;
}

const TAKER_FEE_PPM = 500n;
const MAKER_FEE_PPM = 100n;
const INDEX = 3_000_000_000n; // 3,000 quote units with 6 decimals

export class FakeNode implements NodeApi {
  readonly chainId: bigint;
  private readonly listeners = new Set<NodeEventListener>();
  private readonly nonces = new Map<Hex, bigint>();
  private readonly collateral = new Map<string, bigint>(); // `${address}:${sub}`
  private readonly positions = new Map<string, bigint>(); // `${address}:${sub}:${market}`
  private readonly orders = new Map<string, RestingOrder>(); // `${market}:${id}`
  private readonly lastOrderId = new Map<number, bigint>();
  private readonly receipts = new Map<Hex, Receipt>();
  private readonly batches: BatchView[] = [];
  private openTxs: Hex[] = [];
  private seq = -1n;
  private readonly outbox: { recipient: Hex; amount: bigint; txHash: Hex; seq: bigint; batch: number }[] = [];
  private readonly claims = new Set<number>();
  /** Test hook: proofs answer PROOF_UNAVAILABLE (the node no longer keeps the confirmed root). */
  rootsForgotten = false;
  /** The fake's Outbox address and the assertion its confirmed batches name. */
  static readonly OUTBOX: Hex = `0x${"0b".repeat(20)}`;
  static readonly ASSERTION: Hex = `0x${"a5".repeat(32)}`;
  /** L1 time the fake's asserted batches are confirmable from. */
  static readonly CONFIRMABLE_AT = "1700000300";
  /** Test hooks. */
  overloaded = false;
  ready = true;
  /** Submits wait on this while set (in-flight tests). */
  gate: Promise<void> | null = null;
  submitCalls = 0;
  readonly marketIds = [0, 1];

  constructor(chainId = 31337n) {
    this.chainId = chainId;
  }

  subscribe(listener: NodeEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Emits an event (the double uses it internally; tests may inject events). */
  emit(e: NodeEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Test hook: credit collateral (as a deposit from L1 would). */
  fund(address: Hex, subaccount: number, amount: bigint): void {
    const a = address.toLowerCase() as Hex;
    const k = `${a}:${subaccount}`;
    this.collateral.set(k, (this.collateral.get(k) ?? 0n) + amount);
    this.emit({ kind: "account", seq: this.seq.toString(), address: a });
  }

  /** A digest of every piece of state: equal before and after means nothing changed. */
  stateDigest(): string {
    const sorted = (m: Map<string, unknown>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    return JSON.stringify(
      [sorted(this.nonces), sorted(this.collateral), sorted(this.positions), sorted(this.orders), this.seq],
      (_k, v) => (typeof v === "bigint" ? v.toString() : v),
    );
  }

  async submit(tx: Uint8Array): Promise<SubmitResult> {
    this.submitCalls++;
    if (this.gate !== null) await this.gate;
    return this.execute(tx);
  }

  async submitMany(txs: readonly Uint8Array[]): Promise<SubmitResult[]> {
    this.submitCalls++;
    if (this.gate !== null) await this.gate;
    return txs.map((t) => this.execute(t));
  }

  private reject(rejection: Rejection): SubmitResult {
    return { ok: false, rejection };
  }

  private execute(tx: Uint8Array): SubmitResult {
    if (!this.ready) return this.reject({ reason: "NOT_READY", message: "replaying the log" });
    if (this.overloaded) return this.reject({ reason: "OVERLOADED", queueDepth: 1000, limit: 1000 });
    let d: ReturnType<typeof decodeTx>;
    let input: Uint8Array | undefined;
    try {
      d = decodeTx(tx);
      input = recoveryInput(this.chainId, tx);
    } catch (e) {
      return this.reject({ reason: "BAD_ENCODING", message: (e as MalformedTxError).message });
    }
    if (d.type === "GENESIS" || d.type === "DEPOSIT")
      return this.reject({ reason: "TYPE_NOT_ALLOWED", type: d.type });
    const txHash = toHex(transactionHash(tx));
    let signer: Hex | null = null;
    let nonce: bigint | null = null;
    if (input !== undefined && "signer" in d) {
      signer = d.signer.toLowerCase() as Hex;
      const rec = ecrecover(input);
      const recovered = rec === undefined ? null : (toHex(rec.subarray(12)) as Hex);
      if (recovered !== signer) {
        return this.reject({
          reason: "BAD_SIGNATURE",
          signer,
          recovered,
          expectedDigest: toHex(input.subarray(0, 32)),
        });
      }
      const expected = this.nonces.get(signer) ?? 0n;
      if (d.nonce !== expected) {
        const known = this.receipts.has(txHash);
        return this.reject({
          reason: "BAD_NONCE",
          signer,
          expected: expected.toString(),
          got: d.nonce.toString(),
          ...(known ? { knownTxHash: txHash } : {}),
        });
      }
      nonce = d.nonce;
      this.nonces.set(signer, expected + 1n);
    }
    this.emit({ kind: "accepted", txHash });
    this.seq++;
    const seq = this.seq;
    let outcome: number = Outcome.OK;
    let orderId: bigint | null = null;
    let market: number | null = null;
    let fills: Fill[] = [];
    let resting = false;
    const touched = new Set<Hex>();
    if (signer !== null) touched.add(signer);
    if (d.type === "ORDER") {
      const b = d.body as {
        market: bigint;
        subaccount: bigint;
        side: bigint;
        timeInForce: bigint;
        price: bigint;
        quantity: bigint;
      };
      market = Number(b.market);
      const sub = Number(b.subaccount);
      if (!this.marketIds.includes(market)) outcome = Outcome.UNKNOWN_MARKET;
      else if (!this.collateral.has(`${signer}:${sub}`)) outcome = Outcome.UNKNOWN_ACCOUNT;
      else if (b.quantity === 0n || b.price === 0n) outcome = Outcome.BAD_AMOUNT;
      else {
        const r = this.match(
          signer as Hex,
          sub,
          market,
          Number(b.side) as 0 | 1,
          b.price,
          b.quantity,
          Number(b.timeInForce),
          txHash,
          seq,
        );
        orderId = r.orderId;
        fills = r.fills;
        resting = r.resting;
        for (const f of fills) touched.add(f.maker);
      }
    } else if (d.type === "CANCEL") {
      const b = d.body as { market: bigint; orderId: bigint };
      market = Number(b.market);
      const o = this.orders.get(`${market}:${b.orderId}`);
      if (o === undefined || o.owner !== signer) outcome = Outcome.ORDER_NOT_FOUND;
      else {
        this.orders.delete(`${market}:${b.orderId}`);
        this.emitLevel(seq, market, o.side, o.price);
      }
    } else if (d.type === "WITHDRAW") {
      const b = d.body as { subaccount: bigint; amount: bigint };
      const k = `${signer}:${b.subaccount}`;
      const have = this.collateral.get(k);
      if (have === undefined) outcome = Outcome.UNKNOWN_ACCOUNT;
      else if (b.amount === 0n) outcome = Outcome.BAD_AMOUNT;
      else if (have < b.amount) outcome = Outcome.INSUFFICIENT_COLLATERAL;
      else {
        this.collateral.set(k, have - b.amount);
        this.outbox.push({
          recipient: signer as Hex,
          amount: b.amount,
          txHash,
          seq,
          batch: this.batches.length,
        });
      }
    }
    const receipt: Receipt = {
      txHash,
      seq: seq.toString(),
      block: this.batches.length,
      index: this.openTxs.length,
      type: d.type,
      signer,
      nonce: nonce === null ? null : nonce.toString(),
      outcome,
      outcomeName: outcomeName(outcome) ?? "UNKNOWN",
      orderId: orderId === null ? null : orderId.toString(),
      market,
      fills,
      resting,
      gasUsed: "1000",
    };
    this.receipts.set(txHash, receipt);
    this.openTxs.push(txHash);
    for (const f of fills) this.emit({ kind: "fill", seq: seq.toString(), txHash, fill: f });
    for (const a of touched) this.emit({ kind: "account", seq: seq.toString(), address: a });
    this.emit({ kind: "executed", seq: seq.toString(), receipt });
    return { ok: true, receipt };
  }

  private match(
    taker: Hex,
    sub: number,
    market: number,
    side: 0 | 1,
    price: bigint,
    quantity: bigint,
    tif: number,
    txHash: Hex,
    seq: bigint,
  ): { orderId: bigint; fills: Fill[]; resting: boolean } {
    const orderId = (this.lastOrderId.get(market) ?? 0n) + 1n;
    this.lastOrderId.set(market, orderId);
    const fills: Fill[] = [];
    let left = quantity;
    const changed = new Set<bigint>();
    for (const o of this.bookOrders(market, side === 0 ? 1 : 0)) {
      if (left === 0n) break;
      if (side === 0 ? o.price > price : o.price < price) break;
      // biome-ignore lint/complexity/useMathMinMax: bigints (Math.min takes numbers)
      const q = left < o.quantity ? left : o.quantity;
      const notional = (q * o.price) / 100_000_000n;
      fills.push({
        market,
        makerOrderId: o.id.toString(),
        takerOrderId: orderId.toString(),
        maker: o.owner,
        makerSubaccount: o.subaccount,
        taker,
        takerSubaccount: sub,
        takerSide: side,
        price: o.price.toString(),
        quantity: q.toString(),
        makerFee: ((notional * MAKER_FEE_PPM) / 1_000_000n).toString(),
        takerFee: ((notional * TAKER_FEE_PPM) / 1_000_000n).toString(),
      });
      this.addPosition(o.owner, o.subaccount, market, o.side === 0 ? q : -q);
      this.addPosition(taker, sub, market, side === 0 ? q : -q);
      o.quantity -= q;
      left -= q;
      changed.add(o.price);
      if (o.quantity === 0n) this.orders.delete(`${market}:${o.id}`);
    }
    for (const p of changed) this.emitLevel(seq, market, side === 0 ? 1 : 0, p);
    const rests = left > 0n && (tif === 0 || tif === 3);
    if (rests) {
      this.orders.set(`${market}:${orderId}`, {
        id: orderId,
        market,
        owner: taker,
        subaccount: sub,
        side,
        price,
        quantity: left,
        txHash,
      });
      this.emitLevel(seq, market, side, price);
    }
    return { orderId, fills, resting: rests };
  }

  private addPosition(a: Hex, sub: number, market: number, q: bigint): void {
    const k = `${a}:${sub}:${market}`;
    this.positions.set(k, (this.positions.get(k) ?? 0n) + q);
  }

  /** Resting orders of a side, best first, then oldest first. */
  private bookOrders(market: number, side: 0 | 1): RestingOrder[] {
    return [...this.orders.values()]
      .filter((o) => o.market === market && o.side === side)
      .sort((a, b) =>
        a.price === b.price
          ? Number(a.id - b.id)
          : side === 0
            ? Number(b.price - a.price)
            : Number(a.price - b.price),
      );
  }

  private levels(market: number, side: 0 | 1): { price: string; quantity: string; orders: number }[] {
    const out: { price: string; quantity: string; orders: number }[] = [];
    for (const o of this.bookOrders(market, side)) {
      const last = out[out.length - 1];
      if (last !== undefined && last.price === o.price.toString()) {
        last.quantity = (BigInt(last.quantity) + o.quantity).toString();
        last.orders++;
      } else out.push({ price: o.price.toString(), quantity: o.quantity.toString(), orders: 1 });
    }
    return out;
  }

  private emitLevel(seq: bigint, market: number, side: 0 | 1, price: bigint): void {
    const l = this.levels(market, side).find((x) => x.price === price.toString());
    this.emit({
      kind: "level",
      seq: seq.toString(),
      market,
      side,
      price: price.toString(),
      quantity: l?.quantity ?? "0",
      orders: l?.orders ?? 0,
    });
  }

  /** Test hook: seals the open batch (even empty) and returns its number. */
  seal(): number {
    const prev = this.batches[this.batches.length - 1];
    const b: BatchView = {
      number: this.batches.length,
      stage: "sealed",
      timestamp: "1700000000",
      txCount: this.openTxs.length,
      txHashes: this.openTxs,
      delayedMessages: { from: "0", to: "0" },
      prevStateRoot: prev?.stateRoot ?? `0x${"00".repeat(32)}`,
      stateRoot: `0x${(this.batches.length + 1).toString(16).padStart(64, "0")}`,
      l1TxHash: null,
      l1Block: null,
    };
    this.batches.push(b);
    this.openTxs = [];
    this.emit({ kind: "batch", seq: this.seq.toString(), batch: b });
    return b.number;
  }

  /** Test hook: moves a sealed batch to a later stage. */
  advance(number: number, stage: Exclude<BatchStage, "open" | "sealed">): void {
    const b = this.batches[number];
    const next: BatchView =
      stage === "posted"
        ? { ...b, stage, l1TxHash: `0x${"ab".repeat(32)}`, l1Block: "100" }
        : { ...b, stage };
    this.batches[number] = next;
    this.emit({ kind: "batch", seq: this.seq.toString(), batch: next });
  }

  async nonce(address: Hex): Promise<string> {
    return (this.nonces.get(address.toLowerCase() as Hex) ?? 0n).toString();
  }

  async account(address: Hex): Promise<AccountView> {
    const a = address.toLowerCase() as Hex;
    const subaccounts = [...this.collateral.entries()]
      .filter(([k]) => k.startsWith(`${a}:`))
      .map(([k, c]) => {
        const sub = Number(k.split(":")[1]);
        const positions = this.marketIds
          .map((m) => ({ m, base: this.positions.get(`${a}:${sub}:${m}`) ?? 0n }))
          .filter((p) => p.base !== 0n)
          .map((p) => ({
            market: p.m,
            base: p.base.toString(),
            quote: "0",
            openBid: "0",
            openAsk: "0",
            markPrice: INDEX.toString(),
            unrealizedPnl: "0",
            liquidationPrice: null,
            greeks: null,
          }));
        const openOrders = [...this.orders.values()]
          .filter((o) => o.owner === a && o.subaccount === sub)
          .map((o) => this.orderView(o));
        return {
          subaccount: sub,
          accountId: 1,
          collateral: c.toString(),
          positions,
          openOrders,
          margin: {
            equity: c.toString(),
            initialRequirement: "0",
            maintenanceRequirement: "0",
            freeCollateral: c.toString(),
            liquidatable: false,
          },
          greeks: null,
        };
      });
    return { address: a, nonce: await this.nonce(a), subaccounts, asOfSeq: this.seq.toString() };
  }

  private orderView(o: RestingOrder): OrderView {
    return {
      market: o.market,
      orderId: o.id.toString(),
      owner: o.owner,
      subaccount: o.subaccount,
      side: o.side,
      price: o.price.toString(),
      quantity: o.quantity.toString(),
      status: "open",
      txHash: o.txHash,
    };
  }

  async order(market: number, orderId: bigint): Promise<OrderView | null> {
    const o = this.orders.get(`${market}:${orderId}`);
    return o === undefined ? null : this.orderView(o);
  }

  async book(market: number, depth: number): Promise<BookView | null> {
    if (!this.marketIds.includes(market)) return null;
    return {
      market,
      bids: this.levels(market, 0).slice(0, depth),
      asks: this.levels(market, 1).slice(0, depth),
      asOfSeq: this.seq.toString(),
    };
  }

  async markets(): Promise<MarketView[]> {
    return this.marketIds.map((m) => {
      const bids = this.levels(m, 0);
      const asks = this.levels(m, 1);
      return {
        market: m,
        kind: m === 1 ? "option" : "perpetual",
        active: true,
        underlying: 0,
        tickSize: "10000",
        lotSize: "100000",
        maxQuantity: "100000000000",
        initialMarginPpm: 100_000,
        maintenanceMarginPpm: 50_000,
        makerFeePpm: Number(MAKER_FEE_PPM),
        takerFeePpm: Number(TAKER_FEE_PPM),
        liquidationPenaltyPpm: 20_000,
        indexPrice: INDEX.toString(),
        markPrice: m === 1 ? "150000000" : INDEX.toString(),
        bestBid: bids[0]?.price ?? null,
        bestAsk: asks[0]?.price ?? null,
        funding: m === 1 ? null : { cumulative: "0", lastTime: "1700000000" },
        option:
          m === 1
            ? {
                isCall: true,
                strike: "3000000000",
                expiry: "1702592000",
                volatilityE8: "60000000",
                settlementPrice: null,
              }
            : null,
      };
    });
  }

  async underlyings(): Promise<UnderlyingView[]> {
    return [
      {
        underlying: 0,
        oracleSigner: `0x${"11".repeat(20)}`,
        maxPriceAgeSeconds: 60,
        indexPrice: INDEX.toString(),
        priceTimestamp: "1700000000",
      },
    ];
  }

  async optionsChain(underlying: number): Promise<OptionsChainView | null> {
    if (underlying !== 0) return null;
    return {
      underlying: 0,
      indexPrice: INDEX.toString(),
      time: "1700000000",
      series: [
        {
          market: 1,
          isCall: true,
          strike: "3000000000",
          expiry: "1702592000",
          volatilityE8: "60000000",
          markPrice: "150000000",
          greeks: null,
          bestBid: null,
          bestAsk: null,
        },
      ],
    };
  }

  async receipt(txHash: Hex): Promise<Receipt | null> {
    return this.receipts.get(txHash.toLowerCase() as Hex) ?? null;
  }

  async batch(number: number): Promise<BatchView | null> {
    if (number < this.batches.length) return this.batches[number];
    if (number > this.batches.length) return null;
    return {
      number,
      stage: "open",
      timestamp: "1700000000",
      txCount: this.openTxs.length,
      txHashes: [...this.openTxs],
      delayedMessages: { from: "0", to: "0" },
      prevStateRoot: this.batches[number - 1]?.stateRoot ?? `0x${"00".repeat(32)}`,
      stateRoot: null,
      l1TxHash: null,
      l1Block: null,
    };
  }

  async txStage(txHash: Hex): Promise<{ stage: TxStage; block: number | null } | null> {
    const r = this.receipts.get(txHash.toLowerCase() as Hex);
    if (r === undefined) return null;
    const b = this.batches[r.block];
    return { stage: b === undefined ? "executed" : (b.stage as TxStage), block: r.block };
  }

  /** Test hook: Outbox.claim paid withdrawal `index` on L1. */
  claimWithdrawal(index: number): void {
    this.claims.add(index);
  }

  private withdrawalStage(index: number): { stage: WithdrawalStage; batch: BatchView | undefined } {
    const batch = this.batches[this.outbox[index].batch];
    if (this.claims.has(index)) return { stage: "claimed", batch };
    const stage: WithdrawalStage =
      batch === undefined || batch.stage === "sealed"
        ? "pending"
        : batch.stage === "confirmed"
          ? "claimable"
          : batch.stage === "asserted"
            ? "asserted"
            : "posted";
    return { stage, batch };
  }

  async withdrawals(address: Hex): Promise<WithdrawalView[]> {
    const a = address.toLowerCase();
    return this.outbox.flatMap((w, i) => {
      if (w.recipient !== a) return [];
      const { stage, batch } = this.withdrawalStage(i);
      return [
        {
          index: i.toString(),
          recipient: w.recipient,
          amount: w.amount.toString(),
          txHash: w.txHash,
          seq: w.seq.toString(),
          batch: w.batch,
          stage,
          batchL1TxHash: batch?.l1TxHash ?? null,
          assertion:
            stage === "asserted" || stage === "claimable" || stage === "claimed" ? FakeNode.ASSERTION : null,
          confirmableAt: stage === "asserted" ? FakeNode.CONFIRMABLE_AT : null,
          claimL1TxHash: stage === "claimed" ? (`0x${"c1".repeat(32)}` as Hex) : null,
        },
      ];
    });
  }

  async withdrawalProof(index: bigint): Promise<WithdrawalProofResult> {
    const id = index.toString();
    if (index >= BigInt(this.outbox.length))
      return {
        ok: false,
        refusal: { reason: "UNKNOWN_WITHDRAWAL", index: id, count: this.outbox.length.toString() },
      };
    const w = this.outbox[Number(index)];
    const { stage } = this.withdrawalStage(Number(index));
    if (stage !== "claimable" && stage !== "claimed")
      return {
        ok: false,
        refusal: {
          reason: "NOT_CLAIMABLE",
          index: id,
          stage,
          assertion: stage === "asserted" ? FakeNode.ASSERTION : null,
          confirmableAt: stage === "asserted" ? FakeNode.CONFIRMABLE_AT : null,
          message: `the fake's withdrawal is ${stage}`,
        },
      };
    if (this.rootsForgotten)
      return {
        ok: false,
        refusal: {
          reason: "PROOF_UNAVAILABLE",
          index: id,
          assertion: FakeNode.ASSERTION,
          message: "the fake forgot its roots",
        },
      };
    return {
      ok: true,
      proof: {
        index: id,
        recipient: w.recipient,
        amount: w.amount.toString(),
        assertion: FakeNode.ASSERTION,
        stateRoot: this.batches[w.batch].stateRoot as Hex,
        batchEnd: w.batch + 1,
        proof: "0x00",
        outbox: FakeNode.OUTBOX,
        claimed: stage === "claimed",
      },
    };
  }

  async status(): Promise<NodeStatus> {
    const last = (s: BatchStage[]) => {
      for (let i = this.batches.length - 1; i >= 0; i--) if (s.includes(this.batches[i].stage)) return i;
      return null;
    };
    return {
      chainId: this.chainId.toString(),
      ready: this.ready,
      headSeq: this.seq < 0n ? null : this.seq.toString(),
      headBlock: this.batches.length,
      stateRoot: this.batches[this.batches.length - 1]?.stateRoot ?? `0x${"00".repeat(32)}`,
      lastSealedBatch: this.batches.length === 0 ? null : this.batches.length - 1,
      lastPostedBatch: last(["posted", "asserted", "confirmed"]),
      lastAssertedBatch: last(["asserted", "confirmed"]),
      lastConfirmedBatch: last(["confirmed"]),
      queues: { intake: 0 },
    };
  }
}
