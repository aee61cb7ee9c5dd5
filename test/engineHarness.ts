/**
 * Runs engine transactions through the machine (tests and bench/engine.ts): the committed
 * engine/engine.wasm, the machine's host interface (vm/host/optioImports.ts) and either runner,
 * the metered JIT (fast path) or the interpreter. State is a plain map of tree keys to values;
 * roots come from the state tree's reference definition.
 *
 * Signatures: `signTx` (protocol/engine) makes real secp256k1 signatures (recovered by the host);
 * `presign` registers the recovery of a transaction's digest ahead of time, the way a
 * sequencer recovers signers in worker threads before execution, and the host's ecrecover
 * answers from that table (same gas, same memory effect). Inputs not in the table go to the
 * real ecrecover.
 */
import { readFileSync } from "node:fs";
import { type Hex, hexToBytes } from "viem";
import { type LocalAccount, privateKeyToAccount } from "viem/accounts";
import {
  type Account,
  type Book,
  decodeAccount,
  decodeAccountId,
  decodeBook,
  decodeLevel,
  decodeOrder,
  decodePosition,
  decodeTotals,
  encodeDeposit,
  encodeGenesis,
  encodeSignedTx,
  engineKeys,
  type Level,
  type Position,
  type RestingOrder,
  type SignedTypeName,
  signTx,
  type Totals,
  txDigest,
  type UnsignedTx,
} from "../protocol/engine/index.ts";
import { keccak256 } from "../protocol/keccak.ts";
import { referenceHash } from "../protocol/smt/reference.ts";
import type { BatchContext } from "../vm/host/BatchContext.ts";
import { type HostTransaction, optioImports } from "../vm/host/optioImports.ts";
import { Interpreter } from "../vm/Interpreter.ts";
import { JitRunner } from "../vm/JitRunner.ts";
import { loadModule } from "../vm/loadModule.ts";
import { GAS_ECRECOVER, GAS_HOST_CALL, TX_GAS_LIMIT } from "../vm/params.ts";
import { FlatTable } from "../vm/state/FlatTable.ts";
import { WriteBuffer } from "../vm/state/WriteBuffer.ts";

export const ENGINE_WASM: Uint8Array = readFileSync(new URL("../engine/engine.wasm", import.meta.url));

const ZERO32 = new Uint8Array(32);

/**
 * Signer recoveries known ahead: the 128-byte ecrecover input -> the 32-byte answer, in a
 * FlatTable (filed under the digest, checked against all 128 bytes, looked up in place in
 * the machine's memory: no string and no object per lookup).
 */
export class RecoveryTable {
  private readonly table = new FlatTable(128, 32);

  get size(): number {
    return this.table.size;
  }

  /** Record `answer` (32 bytes) for `input` (128 bytes); both copied. */
  set(input: Uint8Array, answer: Uint8Array): void {
    this.table.set(input, answer);
  }

  /** The entry of the 128 bytes at `bytes[at..at+128)` (for `answerInto`), or -1. */
  findAt(bytes: Uint8Array, at: number): number {
    return this.table.findAt(bytes, at);
  }

  /** Write entry `e`'s answer to `bytes[to..to+32)`. */
  answerInto(e: number, bytes: Uint8Array, to: number): void {
    this.table.copyValue(e, bytes, to);
  }

  clear(): void {
    this.table.clear();
  }

  /** [input, answer] copies. */
  [Symbol.iterator](): IterableIterator<[Uint8Array, Uint8Array]> {
    return this.table.entries();
  }
}

export interface TxRun {
  readonly outcome: "executed" | "reverted";
  readonly code: number;
  readonly trap?: string;
  readonly gasUsed: number;
  /** Writes that stand (executed only), in first-write order. */
  readonly writes: [Uint8Array, Uint8Array][];
}

export type RunnerKind = "jit" | "interpreter";

function isZero(v: Uint8Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

export class EngineHarness {
  /** Tree key -> value (values nonzero), flat: a host read costs an index probe and one entry's cache line. */
  readonly state = new FlatTable(32, 32);
  context: BatchContext = { timestamp: 1_000_000n, l2Block: 1n, origin: 0n };
  /** The context of the transaction in progress (this.context with its origin), rebuilt only when either changes. */
  private txContext: BatchContext = this.context;
  readonly recovered = new RecoveryTable();
  private current: HostTransaction | undefined;
  /** The transaction in progress' writes, in first-write order. */
  private readonly written = new WriteBuffer();
  /** The host's view of the transaction in progress (one object, reused: no closure per host call). */
  private readonly hostState = {
    read: (key: Uint8Array): Uint8Array => this.written.getAt(key, 0) ?? this.state.get(key) ?? ZERO32,
    readInto: (bytes: Uint8Array, at: number): void => {
      const w = this.written.getAt(bytes, at);
      if (w !== undefined) bytes.set(w, at + 32);
      else if (!this.state.copyValueAt(bytes, at, bytes, at + 32)) bytes.fill(0, at + 32, at + 64);
    },
    write: (key: Uint8Array, value: Uint8Array): void => this.written.write(key, value),
    writeAt: (bytes: Uint8Array, at: number): void => this.written.writeAt(bytes, at),
  };
  private readonly jit: JitRunner;
  private flat: ReturnType<typeof loadModule> | undefined;
  private readonly imports: Record<string, ReturnType<typeof optioImports>[string]>;

  constructor(readonly kind: RunnerKind = "jit") {
    const imports = optioImports(() => this.current);
    const real = imports["optio.ecrecover"];
    imports["optio.ecrecover"] = (args, ctx) => {
      const ptr = (args[0] as number) >>> 0;
      const mem = ctx.memory;
      if (ptr % 128 === 0 && ptr + 128 <= mem.length) {
        const hit = this.recovered.findAt(mem, ptr);
        if (hit >= 0) {
          if (!ctx.useGas(GAS_ECRECOVER)) return { trap: "out of gas" };
          this.recovered.answerInto(hit, mem, ptr);
          ctx.wrote(ptr, 32);
          return [1];
        }
      }
      return real(args, ctx);
    };
    this.imports = imports;
    const r = JitRunner.instantiate(ENGINE_WASM, imports);
    if (!r.ok) throw new Error(`engine instantiation trapped: ${r.trap}`);
    this.jit = r.instance;
    this.jit.saveInitialState();
  }

  /** Runs one transaction and applies its writes if it executed. */
  run(input: Uint8Array, origin = 0n): TxRun {
    this.written.clear();
    if (
      this.txContext.origin !== origin ||
      this.txContext.timestamp !== this.context.timestamp ||
      this.txContext.l2Block !== this.context.l2Block
    )
      this.txContext = { ...this.context, origin };
    this.current = { input, context: this.txContext, state: this.hostState };
    let ok: boolean;
    let code = 0;
    let trap: string | undefined;
    let gasLeft: number;
    try {
      if (this.kind === "jit") {
        this.jit.resetToInitialState();
        const r = this.jit.invoke("main", [], TX_GAS_LIMIT);
        ok = r.ok;
        gasLeft = r.gasLeft;
        if (r.ok) code = Number(r.values[0]) >>> 0;
        else trap = r.trap;
      } else {
        this.flat ??= loadModule(ENGINE_WASM);
        const inst = Interpreter.instantiate(this.flat, this.imports);
        if (!inst.ok) throw new Error(`engine instantiation trapped: ${inst.trap}`);
        const r = inst.instance.invoke("main", [], TX_GAS_LIMIT);
        ok = r.ok;
        gasLeft = r.gasLeft;
        this.lastSteps = r.steps;
        if (r.ok) code = Number(r.values[0]) >>> 0;
        else trap = r.trap;
      }
    } finally {
      this.current = undefined;
    }
    const writes = ok ? this.written.take() : [];
    this.written.clear();
    for (let i = 0; i < writes.length; i++) {
      const w = writes[i];
      if (isZero(w[1])) this.state.delete(w[0]);
      else this.state.set(w[0], w[1]);
    }
    return { outcome: ok ? "executed" : "reverted", code, trap, gasUsed: TX_GAS_LIMIT - gasLeft, writes };
  }

  /**
   * Back to a new harness's state and context, keeping the compiled engine (warm in V8) and the
   * recovery table: a benchmark replays on one harness the way a long-running sequencer would.
   */
  reset(): void {
    this.state.clear();
    this.context = { timestamp: 1_000_000n, l2Block: 1n, origin: 0n };
  }

  /** Interpreter steps of the last transaction (interpreter runs only). */
  lastSteps = 0;

  get(key: Uint8Array): Uint8Array {
    return this.state.get(key) ?? ZERO32;
  }

  /** The state root (the state tree's reference definition: slow, for tests). */
  root(): Uint8Array {
    return referenceHash([...this.state.entries()].map(([key, value]) => ({ key, value })));
  }

  /** Encodes a signed transaction with a placeholder signature whose recovery is registered ahead of time. */
  presign<N extends SignedTypeName>(chainId: bigint, tx: UnsignedTx<N>): Uint8Array {
    const digest = txDigest(chainId, tx);
    const sig = new Uint8Array(65);
    // r: any 32 bytes unique to (digest, signer) (the digest alone does not name the signer); the table, not the curve, answers
    const rs = new Uint8Array(52);
    rs.set(digest, 0);
    rs.set(hexToBytes(tx.signer), 32);
    sig.set(keccak256(rs), 0);
    sig[63] = 1; // s = 1
    sig[64] = 27;
    const input = new Uint8Array(128);
    input.set(digest, 0);
    input[63] = 27;
    input.set(sig.subarray(0, 64), 64);
    const addr = new Uint8Array(32);
    addr.set(hexToBytes(tx.signer), 12);
    this.recovered.set(input, addr);
    return encodeSignedTx(tx, sig);
  }
}

/** Gas the host charges per call, for reading gas figures. */
export const HOST_CALL_GAS = GAS_HOST_CALL;

/** Deterministic test accounts. */
export function testAccount(i: number): LocalAccount {
  const k = new Uint8Array(32);
  k[31] = (i % 255) + 1;
  k[30] = Math.floor(i / 255) + 1;
  return privateKeyToAccount(`0x${Buffer.from(k).toString("hex")}` as Hex);
}

export { encodeDeposit, encodeGenesis, signTx };

const NO_REPORTER: Hex = "0x0000000000000000000000000000000000000000";

/**
 * A SET_UNDERLYING body with `oracle` as the only reporter (quorum 1), a 100% move bound, a
 * 30-minute settlement window and no impact quantity, overridden by `p`.
 */
export function underlyingBody(
  underlying: bigint,
  oracle: Hex,
  maxAge = 3600n,
  p: Partial<UnsignedTx<"SET_UNDERLYING">["body"]> = {},
): UnsignedTx<"SET_UNDERLYING">["body"] {
  return {
    underlying,
    reporter0: oracle,
    reporter1: NO_REPORTER,
    reporter2: NO_REPORTER,
    reporter3: NO_REPORTER,
    reporter4: NO_REPORTER,
    quorum: 1n,
    maxPriceAgeSeconds: maxAge,
    maxMovePpm: 1_000_000n,
    settlementWindowSeconds: 1_800n,
    impactQuantity: 0n,
    ...p,
  };
}

/** A configured exchange in a harness: admin, one oracle, markets and funded traders, with nonce tracking. */
export class TestExchange {
  readonly chainId = 31337n;
  readonly admin = testAccount(0);
  readonly oracle = testAccount(1);
  private readonly nonces = new Map<string, bigint>();

  constructor(readonly h: EngineHarness) {}

  nextNonce(addr: Hex): bigint {
    const n = this.nonces.get(addr) ?? 0n;
    this.nonces.set(addr, n + 1n);
    return n;
  }

  /** Runs a presigned transaction of `signer`, consuming its next nonce. */
  send<N extends SignedTypeName>(signer: Hex, type: N, body: UnsignedTx<N>["body"]): TxRun {
    const tx = { type, signer, nonce: this.nextNonce(signer), body } as UnsignedTx<N>;
    return this.h.run(this.h.presign(this.chainId, tx));
  }

  genesis(): TxRun {
    return this.h.run(encodeGenesis(this.admin.address, this.chainId));
  }

  deposit(to: Hex, amount: bigint, subaccount = 0): TxRun {
    return this.h.run(encodeDeposit(to, subaccount, amount), 1n);
  }

  /** Underlying `underlying` with this exchange's oracle as its only reporter (quorum 1), unless `p` says otherwise. */
  setUnderlying(
    underlying: bigint,
    maxAge = 3600n,
    p: Partial<UnsignedTx<"SET_UNDERLYING">["body"]> = {},
  ): TxRun {
    return this.send(
      this.admin.address,
      "SET_UNDERLYING",
      underlyingBody(underlying, this.oracle.address, maxAge, p),
    );
  }

  setPrice(underlying: bigint, price: bigint, timestamp = this.h.context.timestamp): TxRun {
    return this.send(this.oracle.address, "PRICE", { underlying, price, timestamp });
  }

  setMarket(market: bigint, p: Partial<UnsignedTx<"SET_MARKET">["body"]> = {}): TxRun {
    return this.send(this.admin.address, "SET_MARKET", {
      market,
      underlying: 0n,
      tickSize: 10_000n, // 0.01 quote (6 decimals)
      lotSize: 100_000n, // 0.001 base
      maxQuantity: 1_000_000_000_000n, // 10,000 base
      initialMarginPpm: 100_000n, // 10%
      maintenanceMarginPpm: 50_000n, // 5%
      makerFeePpm: 200n,
      takerFeePpm: 500n,
      liquidationPenaltyPpm: 10_000n,
      priceBandPpm: 1_000_000n, // orders within 0..2x the index
      ...p,
    });
  }

  /** A call (or put) series on underlying 0 in market `market`, expiring in `ttl` seconds. */
  setOption(market: bigint, p: Partial<UnsignedTx<"SET_OPTION">["body"]> = {}, ttl = 86_400n): TxRun {
    return this.send(this.admin.address, "SET_OPTION", {
      market,
      underlying: 0n,
      isCall: true,
      strike: 100_000_000n,
      expiry: this.h.context.timestamp + ttl,
      volatilityE8: 80_000_000n, // 80%
      tickSize: 1_000n,
      lotSize: 100_000n,
      maxQuantity: 1_000_000_000_000n,
      initialMarginPpm: 150_000n, // 15% of the underlying's notional, shorts only
      maintenanceMarginPpm: 100_000n,
      makerFeePpm: 0n,
      takerFeePpm: 0n,
      liquidationPenaltyPpm: 10_000n,
      priceBandPpm: 1_000_000n, // premiums within the mark +- the underlying's index
      ...p,
    });
  }

  /** Genesis, underlying 0 at `price`, market 0. */
  setup(price = 100_000_000n): void {
    const rs = [this.genesis(), this.setUnderlying(0n), this.setPrice(0n, price), this.setMarket(0n)];
    for (const r of rs)
      if (r.outcome !== "executed" || r.code !== 0) throw new Error(`setup failed: ${JSON.stringify(r)}`);
  }

  order(
    signer: Hex,
    side: number,
    price: bigint,
    quantity: bigint,
    o: { tif?: number; reduceOnly?: boolean; market?: bigint; subaccount?: bigint } = {},
  ): TxRun {
    return this.send(signer, "ORDER", {
      market: o.market ?? 0n,
      subaccount: o.subaccount ?? 0n,
      side: BigInt(side),
      timeInForce: BigInt(o.tif ?? 0),
      reduceOnly: o.reduceOnly ?? false,
      price,
      quantity,
    });
  }

  accountId(addr: Hex, subaccount = 0): number {
    return decodeAccountId(this.h.get(engineKeys.accountId(addr, subaccount)));
  }

  account(addr: Hex, subaccount = 0): Account {
    return decodeAccount(this.h.get(engineKeys.account(this.accountId(addr, subaccount))));
  }

  position(addr: Hex, market = 0, subaccount = 0): Position {
    return decodePosition(this.h.get(engineKeys.position(this.accountId(addr, subaccount), market)));
  }

  book(market = 0): Book {
    return decodeBook(this.h.get(engineKeys.book(market)));
  }

  level(side: number, tick: number, market = 0): Level {
    return decodeLevel(this.h.get(engineKeys.level(market, side, tick)));
  }

  restingOrder(id: bigint, market = 0): RestingOrder {
    return decodeOrder(this.h.get(engineKeys.order(market, id)));
  }

  totals(): Totals {
    return decodeTotals(this.h.get(engineKeys.totals()));
  }
}
