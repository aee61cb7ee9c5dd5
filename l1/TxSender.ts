import { randomUUID } from "node:crypto";
import { DelayedError, type Job, UnrecoverableError, Worker } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import {
  type Address,
  type Hash,
  type Hex,
  keccak256,
  type LocalAccount,
  type PublicClient,
  TransactionNotFoundError,
  TransactionReceiptNotFoundError,
} from "viem";
import { classifyRpcError, type RpcErrorKind } from "./classifyRpcError.ts";
import { decodeRevert, revertDataOf } from "./decodeRevert.ts";
import { L1Error, L1RevertError, SignerLockLostError } from "./errors.ts";
import { bumpFees, checkFeeSchedule, type FeeMarket, type Fees, initialFees } from "./feeSchedule.ts";
import { IntentQueue } from "./IntentQueue.ts";
import type { Attempt, Intent, IntentJob, IntentKind, IntentProgress, IntentResult } from "./intent.ts";
import { type L1Logger, stderrLogger } from "./logger.ts";
import { type IntentObservation, nextIntentAction } from "./nextIntentAction.ts";
import { DEFAULT_TX_SENDER_CONFIG, type TxSenderConfig } from "./params.ts";
import { SignerLock } from "./signerLock.ts";

/** Whether L1 already has what an intent would do (e.g. "the inbox holds batch n"); run before every (re)send. */
export type AlreadyDone = (intent: Intent) => Promise<boolean>;

export interface TxSenderOptions {
  /** Redis (BullMQ's queue and the signer lock). */
  readonly redis: RedisOptions;
  /** Key prefix in Redis (BullMQ's prefix; the lock lives under it too). */
  readonly prefix: string;
  readonly publicClient: PublicClient;
  /** The signing key (a local account: the TxSender signs and assigns nonces itself). */
  readonly account: LocalAccount;
  readonly chainId: number;
  /** alreadyDone checks by intent kind; an intent of a kind without one is only guarded by its nonce. */
  readonly checks?: Partial<Record<IntentKind, AlreadyDone>>;
  readonly config?: Partial<TxSenderConfig>;
  readonly logger?: L1Logger;
  /**
   * Where the signer lock lives (default "optio", whatever the prefix): only for unrelated chains that share a chain
   * id and a Redis, e.g. tests with several devnets at once. Services of one chain must use the same namespace.
   */
  readonly lockNamespace?: string;
  /** A name for this process in the lock and the logs (default host-pid-random). */
  readonly instance?: string;
}

/** Counters for the service's metrics (docs/l1.md, "Metrics"). */
export interface TxSenderMetrics {
  nextNonce: number;
  inFlight: number;
  sent: number;
  bumps: number;
  rebroadcasts: number;
  reorgs: number;
  confirmed: number;
  alreadyDone: number;
  reverted: number;
  feePaidWei: bigint;
  errors: Partial<Record<RpcErrorKind | "feeCapReached" | "nonceReleased", number>>;
}

/** A place in the line of first sends: wait for `ready`, call `done` once the nonce is used (or never will be). */
interface Turn {
  readonly ready: Promise<void>;
  readonly done: () => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const last = <T>(xs: readonly T[]): T | undefined => xs[xs.length - 1];

/**
 * The transaction manager of one signing key (docs/l1.md). Every intent is a BullMQ job; the TxSender holding the
 * key's Redis lock is the only process that signs for it. It assigns nonces in the order intents are first sent,
 * keeps several in flight, replaces stuck ones on the fee schedule, waits for the confirmation depth, resends an
 * intent a reorg dropped, and checks alreadyDone before every first send so a re-run never sends twice.
 */
export class TxSender {
  readonly intents: IntentQueue;
  readonly signer: Address;
  readonly config: TxSenderConfig;
  private readonly opts: TxSenderOptions;
  private readonly client: PublicClient;
  private readonly log: L1Logger;
  private readonly redis: Redis;
  private readonly workerRedis: Redis;
  private lock: SignerLock | null = null;
  private readonly checks: Partial<Record<IntentKind, AlreadyDone>>;
  private worker: Worker<IntentJob, IntentResult> | null = null;
  private nextNonce = 0;
  private sendLine: Promise<void> = Promise.resolve();
  private stopping = false;
  private wake: () => void = () => {};
  // Resolves when stop() begins, so no intent sleeps through a shutdown (back-offs reach retryMaxMs).
  private readonly stopped = new Promise<void>((r) => {
    this.wake = r;
  });
  private readonly stats: TxSenderMetrics = {
    nextNonce: 0,
    inFlight: 0,
    sent: 0,
    bumps: 0,
    rebroadcasts: 0,
    reorgs: 0,
    confirmed: 0,
    alreadyDone: 0,
    reverted: 0,
    feePaidWei: 0n,
    errors: {},
  };

  private constructor(opts: TxSenderOptions) {
    this.opts = opts;
    this.checks = { ...opts.checks };
    this.config = { ...DEFAULT_TX_SENDER_CONFIG, ...opts.config };
    checkFeeSchedule(this.config.fees);
    this.client = opts.publicClient;
    this.signer = opts.account.address;
    this.log = opts.logger ?? stderrLogger;
    this.redis = new Redis({ ...opts.redis, maxRetriesPerRequest: null, lazyConnect: false });
    this.workerRedis = new Redis({ ...opts.redis, maxRetriesPerRequest: null });
    this.intents = new IntentQueue(this.redis, {
      prefix: opts.prefix,
      chainId: opts.chainId,
      signer: this.signer,
    });
  }

  /**
   * The lock's Redis key for a signer on a chain. Not under the queue prefix: two services with different prefixes
   * on the same key would still share its nonces. `namespace` (default "optio") separates unrelated chains that
   * share a chain id and a Redis (tests running several devnets at once).
   */
  static lockKey(chainId: number, signer: Address, namespace = "optio"): string {
    return `${namespace}:l1lock:${chainId}:${signer.toLowerCase()}`;
  }

  /**
   * The lock namespace every service of one L1 chain uses (its genesis block's hash): a sequencer and a verifier
   * on the same key then share one lock, so only one of them ever assigns the key's nonces.
   */
  static async chainNamespace(client: PublicClient): Promise<string> {
    return `optio:${(await client.getBlock({ blockNumber: 0n })).hash}`;
  }

  /** Adds (or replaces) the alreadyDone check of a kind: services sharing a key register theirs on its TxSender. */
  registerCheck(kind: IntentKind, check: AlreadyDone): void {
    this.checks[kind] = check;
  }

  /**
   * Takes the key's lock (SignerLockedError if another TxSender holds it), finds the next nonce from L1 and the
   * intents Redis tracks, and starts sending.
   */
  static async start(opts: TxSenderOptions): Promise<TxSender> {
    const s = new TxSender(opts);
    try {
      const chainId = await s.client.getChainId().catch((e: unknown) => {
        throw new L1Error(
          `no L1 RPC answers (${classifyRpcError(e)}): ${String((e as Error)?.message ?? e).split("\n")[0]}`,
          "start the L1 node or fix the RPC URL; the service retries starting (nothing was sent)",
          {},
          { cause: e },
        );
      });
      if (chainId !== opts.chainId) {
        throw new L1Error(
          `the L1 RPC serves chain ${chainId}, not ${opts.chainId}`,
          "point the service at the deployment's chain",
        );
      }
      const key = TxSender.lockKey(opts.chainId, s.signer, opts.lockNamespace);
      s.lock = await SignerLock.acquire(s.redis, {
        key,
        signer: s.signer,
        instance: opts.instance ?? `${process.pid}-${randomUUID().slice(0, 8)}`,
        ttlMs: s.config.lockTtlMs,
        onLost: () => {
          const e = new SignerLockLostError(s.signer, key, s.lock?.token ?? 0n);
          s.log.error({ signer: s.signer, fix: e.fix }, e.message);
          void s.stop();
        },
      });
      await s.initNonce();
      s.startWorker();
      s.log.info(
        { signer: s.signer, nextNonce: s.nextNonce, fence: s.lock.token.toString(), queue: s.intents.name },
        "TxSender started",
      );
      return s;
    } catch (e) {
      await s.lock?.release().catch(() => {});
      await s.intents.close().catch(() => {});
      s.redis.disconnect();
      s.workerRedis.disconnect();
      throw e;
    }
  }

  /** Queue an intent (idempotent by key). */
  submit(intent: Intent): Promise<void> {
    return this.intents.submit(intent, this.config.keepFinishedMs);
  }

  /** The key's balance (wei): the metric to alert on before sends fail for funds. */
  balance(): Promise<bigint> {
    return this.client.getBalance({ address: this.signer });
  }

  metrics(): TxSenderMetrics {
    return { ...this.stats, nextNonce: this.nextNonce, errors: { ...this.stats.errors } };
  }

  /** Stops sending: intents in flight go back to the queue as they are (their nonce and attempts kept). */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake();
    await this.worker?.close().catch(() => {});
    await this.lock?.release().catch(() => {});
    await this.intents.close().catch(() => {});
    this.redis.disconnect();
    this.workerRedis.disconnect();
    this.log.info({ signer: this.signer }, "TxSender stopped");
  }

  // The next nonce: past L1's count and every nonce an unfinished intent holds. Pending transactions no intent
  // tracks (Redis flushed while they were in flight) may post something twice if sent around: wait for them.
  private async initNonce(): Promise<void> {
    const jobs = await this.intents.queue.getJobs(["active", "waiting", "delayed", "prioritized"]);
    let tracked = -1;
    for (const j of jobs)
      if (j?.data.progress.nonce != null) tracked = Math.max(tracked, j.data.progress.nonce);
    const deadline = Date.now() + this.config.untrackedWaitMs;
    for (;;) {
      const mined = await this.client.getTransactionCount({ address: this.signer, blockTag: "latest" });
      const pending = await this.client.getTransactionCount({ address: this.signer, blockTag: "pending" });
      this.nextNonce = Math.max(mined, tracked + 1);
      if (pending <= this.nextNonce) return;
      if (Date.now() > deadline) {
        throw new L1Error(
          `the node holds ${pending - this.nextNonce} pending transactions of ${this.signer} (nonces ${this.nextNonce}..${pending - 1}) that no intent in Redis tracks`,
          "Redis lost the intents that sent them: wait until they are mined (or replace them by hand), then start again",
          { mined, pending, tracked },
        );
      }
      this.log.warn(
        { signer: this.signer, mined, pending, tracked },
        "waiting for untracked pending transactions",
      );
      await this.pause(this.config.pollMs);
    }
  }

  private startWorker(): void {
    const { retryMinMs, retryMaxMs } = this.config;
    this.worker = new Worker<IntentJob, IntentResult>(
      this.intents.name,
      (job, token) => this.run(job, token),
      {
        connection: this.workerRedis,
        prefix: this.opts.prefix,
        concurrency: this.config.maxInFlight,
        lockDuration: this.config.jobLockMs,
        stalledInterval: Math.max(500, Math.floor(this.config.jobLockMs / 2)),
        // A crashed sender's intents must come back, however often it crashes.
        maxStalledCount: 1_000_000,
        settings: { backoffStrategy: (n) => Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(n, 20)) },
      },
    );
    this.worker.on("error", (e) => this.log.error({ signer: this.signer, err: String(e) }, "worker error"));
  }

  /** Waits `ms`, or less if the sender stops meanwhile. */
  private pause(ms: number): Promise<void> {
    return Promise.race([sleep(ms), this.stopped]);
  }

  private count(kind: keyof TxSenderMetrics["errors"]): void {
    this.stats.errors[kind] = (this.stats.errors[kind] ?? 0) + 1;
  }

  private async run(job: Job<IntentJob, IntentResult>, token?: string): Promise<IntentResult> {
    this.stats.inFlight++;
    // Taken synchronously, before any await: the order of turns is the order BullMQ hands out jobs.
    const turn: { current: Turn | null } = {
      current: job.data.progress.nonce === null ? this.takeTurn() : null,
    };
    try {
      return await this.drive(job, token, turn);
    } finally {
      turn.current?.done();
      this.stats.inFlight--;
    }
  }

  /** One intent from its current progress to its end: a loop of observe, decide (pure), act, record. */
  private async drive(
    job: Job<IntentJob, IntentResult>,
    token: string | undefined,
    turn: { current: Turn | null },
  ): Promise<IntentResult> {
    const intent = job.data.intent;
    let progress = job.data.progress;
    const ids = { key: intent.key, kind: intent.kind, signer: this.signer };
    const save = async (next: IntentProgress) => {
      if (next.state !== progress.state) {
        this.log.info(
          { ...ids, from: progress.state, to: next.state, nonce: next.nonce },
          "intent transition",
        );
      }
      progress = next;
      await job.updateData({ intent, progress });
    };
    let failures = 0;
    for (;;) {
      if (this.stopping) {
        // Back to the queue unchanged: the next TxSender resumes it from its recorded nonce and attempts.
        if (token) await job.moveToDelayed(Date.now() + 10, token);
        throw new DelayedError();
      }
      if (!(await this.lock?.held())) {
        throw new SignerLockLostError(this.signer, this.lock?.key ?? "", this.lock?.token ?? 0n);
      }
      let obs: IntentObservation;
      try {
        obs = await this.observe(intent, progress);
      } catch (e) {
        const kind = classifyRpcError(e);
        this.count(kind);
        failures++;
        this.log.warn({ ...ids, kind, err: String(e).slice(0, 300) }, "L1 unreadable; retrying");
        await this.pause(
          Math.min(this.config.retryMaxMs, this.config.retryMinMs * 2 ** Math.min(failures, 6)),
        );
        continue;
      }
      failures = 0;
      // A mined transaction that is no longer on the canonical chain: a reorg dropped it; the intent goes back.
      if (progress.mined && (!obs.receipt || obs.receipt.hash !== progress.mined.hash)) {
        this.stats.reorgs++;
        this.log.warn(
          { ...ids, hash: progress.mined.hash, block: progress.mined.blockNumber },
          "reorg dropped the transaction",
        );
        await save({ ...progress, state: "pending", mined: null, reorgs: progress.reorgs + 1 });
      }
      const action = nextIntentAction(progress, obs, {
        confirmations: this.config.confirmations,
        bumpAfterMs: this.config.fees.bumpAfterMs,
      });
      // Acting keeps the intent's place in the line of first sends whatever fails: an RPC or Redis failure here is
      // retried from a fresh observation, never by giving the job back (a later intent would take its nonce).
      try {
        switch (action.do) {
          case "checkDone":
            // observe() asks alreadyDone whenever the intent holds no nonce, so this is unreachable.
            throw new Error("TxSender: observation without alreadyDone");
          case "finishAlreadyDone":
            this.stats.alreadyDone++;
            await save({ ...progress, state: "alreadyDone" });
            return this.resultOf(intent, progress, "alreadyDone", null);
          case "send":
            turn.current ??= this.takeTurn();
            await turn.current.ready;
            // The earlier intents' sends may have taken a while: ask again right before taking a nonce.
            if (await this.alreadyDone(intent)) {
              this.stats.alreadyDone++;
              await save({ ...progress, state: "alreadyDone" });
              return this.resultOf(intent, progress, "alreadyDone", null);
            }
            if (intent.after !== undefined) {
              const before = await this.intents.status(intent.after);
              if (before?.jobState === "failed") {
                await save({
                  ...progress,
                  state: "failed",
                  lastError: {
                    kind: "predecessorFailed",
                    message: `intent ${intent.after} failed; not sent`,
                  },
                });
                throw new UnrecoverableError(`intent ${intent.after}, which must be sent first, failed`);
              }
              if (before && before.progress.nonce === null && before.jobState !== "completed") {
                // Not sent yet (queued again behind this one): give the turn back and queue behind it.
                turn.current.done();
                turn.current = null;
                await this.pause(this.config.pollMs);
                break;
              }
            }
            progress = await this.firstSend(intent, progress, save);
            if (progress.nonce !== null) {
              turn.current.done();
              turn.current = null;
            }
            break;
          case "rebroadcast":
            progress = await this.resend(intent, progress, save, false);
            break;
          case "bump":
            progress = await this.resend(intent, progress, save, true);
            break;
          case "releaseNonce":
            this.count("nonceReleased");
            this.log.warn(
              { ...ids, nonce: progress.nonce },
              "nonce used by another transaction; the intent takes a new one",
            );
            await save({ ...progress, state: "queued", nonce: null });
            break;
          case "waitConfirmations": {
            const r = obs.receipt!;
            if (!progress.mined || progress.mined.hash !== r.hash) {
              const blockHash = (await this.client.getTransactionReceipt({ hash: r.hash })).blockHash;
              await save({
                ...progress,
                state: "mined",
                mined: { hash: r.hash, blockNumber: r.blockNumber.toString(), blockHash },
              });
            }
            await this.pause(this.config.pollMs);
            break;
          }
          case "finishConfirmed": {
            const receipt = await this.client.getTransactionReceipt({ hash: obs.receipt!.hash });
            const fee = receipt.gasUsed * receipt.effectiveGasPrice;
            this.stats.confirmed++;
            this.stats.feePaidWei += fee;
            await save({
              ...progress,
              state: "confirmed",
              mined: {
                hash: receipt.transactionHash,
                blockNumber: receipt.blockNumber.toString(),
                blockHash: receipt.blockHash,
              },
            });
            return this.resultOf(intent, progress, "confirmed", {
              hash: receipt.transactionHash,
              blockNumber: receipt.blockNumber,
              gasUsed: receipt.gasUsed,
              fee,
            });
          }
          case "finishReverted": {
            // A revert after someone else did the work (two posters, a reorg replay) is the work being done.
            if (await this.alreadyDone(intent)) {
              this.stats.alreadyDone++;
              await save({ ...progress, state: "alreadyDone" });
              return this.resultOf(intent, progress, "alreadyDone", null);
            }
            const err = await this.revertReason(intent, obs.receipt!.blockNumber);
            this.stats.reverted++;
            await save({ ...progress, state: "reverted", lastError: this.errorRecord("reverted", err) });
            throw new UnrecoverableError(err.message);
          }
          case "wait":
            await this.pause(Math.max(10, Math.min(this.config.pollMs, action.until - Date.now())));
            break;
        }
      } catch (e) {
        if (e instanceof UnrecoverableError || e instanceof DelayedError || e instanceof SignerLockLostError)
          throw e;
        const kind = classifyRpcError(e);
        this.count(kind);
        failures++;
        this.log.warn(
          { ...ids, kind, err: String(e).slice(0, 300) },
          "acting on the intent failed; retrying",
        );
        await this.pause(
          Math.min(this.config.retryMaxMs, this.config.retryMinMs * 2 ** Math.min(failures, 6)),
        );
      }
    }
  }

  private async alreadyDone(intent: Intent): Promise<boolean> {
    const check = this.checks[intent.kind];
    return check ? check(intent) : false;
  }

  private async observe(intent: Intent, progress: IntentProgress): Promise<IntentObservation> {
    const [head, minedNonce] = await Promise.all([
      this.client.getBlockNumber({ cacheTime: 0 }),
      this.client.getTransactionCount({ address: this.signer, blockTag: "latest" }),
    ]);
    let receipt: IntentObservation["receipt"] = null;
    let pooled = false;
    for (const a of progress.attempts) {
      if (a.nonce !== progress.nonce && progress.nonce !== null) continue;
      try {
        const r = await this.client.getTransactionReceipt({ hash: a.hash });
        receipt = { hash: a.hash, blockNumber: r.blockNumber, status: r.status };
        break;
      } catch (e) {
        if (!(e instanceof TransactionReceiptNotFoundError)) throw e;
      }
      if (!pooled) {
        try {
          await this.client.getTransaction({ hash: a.hash });
          pooled = true;
        } catch (e) {
          if (!(e instanceof TransactionNotFoundError)) throw e;
        }
      }
    }
    const obs: IntentObservation = { now: Date.now(), head, minedNonce, receipt, pooled };
    if (!receipt && progress.nonce === null) return { ...obs, alreadyDone: await this.alreadyDone(intent) };
    return obs;
  }

  private async market(): Promise<FeeMarket> {
    const [block, tip] = await Promise.all([
      this.client.getBlock({ blockTag: "latest" }),
      this.client.estimateMaxPriorityFeePerGas().catch(() => 0n),
    ]);
    // The next block's base fee can be 12.5% above this one's (EIP-1559's largest step).
    const base = block.baseFeePerGas ?? 0n;
    return { baseFee: (base * 1125n + 999n) / 1000n, suggestedTip: tip };
  }

  private sign(intent: Intent, nonce: number, fees: Fees, gas: bigint): Promise<Hex> {
    return this.opts.account.signTransaction({
      type: "eip1559",
      chainId: this.opts.chainId,
      nonce,
      to: intent.to,
      data: intent.data,
      value: BigInt(intent.value ?? "0"),
      gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
  }

  private errorRecord(kind: string, e: unknown): IntentProgress["lastError"] {
    if (e instanceof L1RevertError) {
      return {
        kind,
        message: e.message,
        errorName: e.errorName,
        args: e.args.map((a) => (typeof a === "bigint" ? a.toString() : String(a))),
      };
    }
    return { kind, message: String((e as Error)?.message ?? e).slice(0, 500) };
  }

  /**
   * A place in the line of first sends. Taken when the processor starts (BullMQ starts jobs in queue order), so
   * intents get their nonces in the order they were queued, whatever their checks and estimates cost.
   */
  private takeTurn(): Turn {
    let done!: () => void;
    const mine = new Promise<void>((r) => {
      done = r;
    });
    const ready = this.sendLine;
    this.sendLine = ready.then(() => mine);
    return { ready, done };
  }

  /**
   * The first send: estimate (a revert here is a typed error and costs no nonce), take the next nonce, record the
   * attempt in the job, then send. A definite refusal gives the nonce back; an unclear failure (no answer) keeps it,
   * and the intent rebroadcasts, so no nonce is ever skipped.
   */
  private async firstSend(
    intent: Intent,
    progress: IntentProgress,
    save: (p: IntentProgress) => Promise<void>,
  ): Promise<IntentProgress> {
    let gas: bigint;
    try {
      gas =
        intent.gas !== undefined
          ? BigInt(intent.gas)
          : ((await this.client.estimateGas({
              account: this.signer,
              to: intent.to,
              data: intent.data,
              value: BigInt(intent.value ?? "0"),
            })) *
              BigInt(100 + this.config.gasMarginPercent)) /
            100n;
    } catch (e) {
      const kind = classifyRpcError(e);
      this.count(kind);
      if (kind === "reverted") {
        const data = revertDataOf(e);
        const err = data ? decodeRevert(data, e) : new L1RevertError("unknown", [], "0x", e);
        this.stats.reverted++;
        await save({ ...progress, state: "reverted", lastError: this.errorRecord("reverted", err) });
        this.log.warn({ key: intent.key, errorName: err.errorName }, "intent reverts; not sent");
        throw new UnrecoverableError(err.message);
      }
      await save({ ...progress, lastError: this.errorRecord(kind, e) });
      await this.pause(this.config.retryMinMs);
      return progress;
    }
    const fees = initialFees(await this.market(), this.config.fees);
    const nonce = this.nextNonce;
    const raw = await this.sign(intent, nonce, fees, gas);
    const attempt = this.attemptOf(raw, nonce, fees, gas);
    // Recorded before it is sent: a crash after the send still knows the transaction.
    const sending: IntentProgress = {
      ...progress,
      state: "sending",
      nonce,
      attempts: [...progress.attempts, attempt],
    };
    await save(sending);
    const kind = await this.broadcast(raw);
    if (kind === null || kind === "alreadyKnown" || kind === "unavailable" || kind === "unknown") {
      this.stats.sent++;
      const next: IntentProgress = { ...sending, state: "pending", lastError: null };
      await save(next);
      this.log.info({ key: intent.key, nonce, hash: attempt.hash, ...this.feeFields(fees) }, "sent");
      this.nextNonce = nonce + 1;
      return next;
    }
    // Refused for sure: the nonce stays free for the next intent.
    const next: IntentProgress = {
      ...sending,
      state: "queued",
      nonce: null,
      lastError: { kind, message: `send refused: ${kind}` },
    };
    await save(next);
    if (kind === "nonceTooLow" || kind === "replacementUnderpriced") {
      // Someone used this nonce (or holds it in the pool): move past it.
      this.nextNonce = Math.max(
        this.nextNonce,
        await this.client.getTransactionCount({ address: this.signer, blockTag: "pending" }),
      );
    } else {
      await this.pause(this.config.retryMinMs);
    }
    return next;
  }

  /** Sends again with the intent's nonce: the same transaction (rebroadcast) or one with bumped fees. */
  private async resend(
    intent: Intent,
    progress: IntentProgress,
    save: (p: IntentProgress) => Promise<void>,
    bump: boolean,
  ): Promise<IntentProgress> {
    const prev = last(progress.attempts.filter((a) => a.nonce === progress.nonce))!;
    const prevFees: Fees = {
      maxFeePerGas: BigInt(prev.maxFeePerGas),
      maxPriorityFeePerGas: BigInt(prev.maxPriorityFeePerGas),
    };
    let fees = prevFees;
    if (bump) {
      const b = bumpFees(prevFees, await this.market(), this.config.fees);
      if (b.capped) {
        this.count("feeCapReached");
        this.log.warn(
          { key: intent.key, nonce: prev.nonce, ...this.feeFields(prevFees) },
          "fee cap reached; not bumping",
        );
        // Count the wait from now, so the cap is not hit again at once.
        const held = { ...prev, sentAt: Date.now() };
        const next = {
          ...progress,
          attempts: [...progress.attempts.slice(0, -1), held],
          lastError: { kind: "feeCapReached", message: "max fee at the cap" },
        };
        await save(next);
        return next;
      }
      fees = b.fees;
    }
    const raw = await this.sign(intent, prev.nonce, fees, BigInt(prev.gas));
    const attempt = this.attemptOf(raw, prev.nonce, fees, BigInt(prev.gas));
    const next: IntentProgress = {
      ...progress,
      state: "pending",
      attempts: bump
        ? [...progress.attempts, attempt]
        : [...progress.attempts.slice(0, -1), { ...prev, sentAt: Date.now() }],
      bumps: progress.bumps + (bump ? 1 : 0),
    };
    await save(next);
    const kind = await this.broadcast(raw);
    if (bump) this.stats.bumps++;
    else this.stats.rebroadcasts++;
    this.log.info(
      { key: intent.key, nonce: prev.nonce, hash: attempt.hash, bump, kind, ...this.feeFields(fees) },
      bump ? "bumped" : "rebroadcast",
    );
    if (kind === "replacementUnderpriced" || kind === "feeTooLow") {
      // Make the next poll bump again at once.
      const again = {
        ...next,
        attempts: next.attempts.map((a, i) => (i === next.attempts.length - 1 ? { ...a, sentAt: 0 } : a)),
        lastError: { kind, message: `${bump ? "replacement" : "rebroadcast"} refused: ${kind}` },
      };
      await save(again);
      return again;
    }
    if (kind !== null && kind !== "alreadyKnown") {
      // Shown to the operator (IntentQueue.list); the next poll decides again from what L1 shows.
      const noted = {
        ...next,
        lastError: { kind, message: `${bump ? "replacement" : "rebroadcast"} failed: ${kind}` },
      };
      await save(noted);
      return noted;
    }
    return next;
  }

  private attemptOf(raw: Hex, nonce: number, fees: Fees, gas: bigint): Attempt {
    return {
      hash: keccak256(raw) as Hash,
      nonce,
      maxFeePerGas: fees.maxFeePerGas.toString(),
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
      gas: gas.toString(),
      sentAt: Date.now(),
    };
  }

  private feeFields(f: Fees) {
    return {
      maxFeePerGas: f.maxFeePerGas.toString(),
      maxPriorityFeePerGas: f.maxPriorityFeePerGas.toString(),
    };
  }

  /** eth_sendRawTransaction; null when accepted, else the kind of refusal. */
  private async broadcast(raw: Hex): Promise<RpcErrorKind | null> {
    try {
      await this.client.sendRawTransaction({ serializedTransaction: raw });
      return null;
    } catch (e) {
      const kind = classifyRpcError(e);
      if (kind !== "alreadyKnown") this.count(kind);
      return kind;
    }
  }

  /** The custom error a mined transaction reverted with, by replaying the call on the state before its block. */
  private async revertReason(intent: Intent, block: bigint): Promise<L1RevertError> {
    try {
      await this.client.call({
        account: this.signer,
        to: intent.to,
        data: intent.data,
        value: BigInt(intent.value ?? "0"),
        blockNumber: block > 0n ? block - 1n : 0n,
      });
      return new L1RevertError("unknown", [], "0x");
    } catch (e) {
      const data = revertDataOf(e);
      return data ? decodeRevert(data, e) : new L1RevertError("unknown", [], "0x", e);
    }
  }

  private resultOf(
    intent: Intent,
    progress: IntentProgress,
    outcome: IntentResult["outcome"],
    mined: { hash: Hash; blockNumber: bigint; gasUsed: bigint; fee: bigint } | null,
  ): IntentResult {
    return {
      key: intent.key,
      outcome,
      hash: mined?.hash ?? null,
      nonce: mined ? progress.nonce : null,
      blockNumber: mined?.blockNumber.toString() ?? null,
      gasUsed: mined?.gasUsed.toString() ?? null,
      feePaid: mined?.fee.toString() ?? null,
      bumps: progress.bumps,
    };
  }
}
