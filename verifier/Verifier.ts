import { join } from "node:path";
import { Queue, Worker } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { type Address, encodeFunctionData, type Hex, type LocalAccount, type PublicClient } from "viem";
import {
  challengeManagerAbi,
  DEFAULT_TX_SENDER_CONFIG,
  IntentQueue,
  intentKey,
  rollupAbi,
  SignerLockedError,
  TxSender,
  type TxSenderConfig,
} from "../l1/index.ts";
import type { DisputeHistory } from "../prover/index.ts";
import type { Logger, Registry } from "../service/index.ts";
import { GameAgent, type GameEntry, type VerifierMode } from "./dispute/GameAgent.ts";
import { TERMINAL_PHASES } from "./dispute/gameState.ts";
import { FaultInjector, type FaultSetting } from "./fault/FaultInjector.ts";
import { GAME_QUEUE, type GameJob, gameJobId } from "./jobs/queues.ts";
import { InactivityProposer } from "./propose/InactivityProposer.ts";
import type { AssertionRecord, ChallengeRecord } from "./records.ts";
import { checkAssertion } from "./replay/checkAssertion.ts";
import { Replayer, type ReplayWait } from "./replay/Replayer.ts";
import { verifierChecks } from "./txChecks.ts";
import type { VerifierDeployment } from "./VerifierDeployment.ts";
import { VerifierMetrics } from "./VerifierMetrics.ts";
import { VerifierStore } from "./VerifierStore.ts";
import { L1Follower } from "./watch/L1Follower.ts";

export interface VerifierOptions {
  readonly deployment: VerifierDeployment;
  readonly client: PublicClient;
  readonly dataDir: string;
  /** Blocks deep before an L1 event is taken (1: as soon as mined). */
  readonly confirmations: number;
  /** State roots the replay keeps readable (the dispute window, in batches). */
  readonly keepRoots: number;
  readonly mode: VerifierMode;
  /** The key that challenges, defends and confirms (absent: watch only). */
  readonly account?: LocalAccount;
  readonly redis: RedisOptions;
  /** Redis key prefix of the verifier's queues and its key's intents. */
  readonly prefix: string;
  readonly pollMs: number;
  /** Worker threads recovering the next batch's signers while one replays (default 1). */
  readonly recoveryThreads?: number;
  readonly txSender?: Partial<TxSenderConfig>;
  /**
   * Propose from our own replay once proposing is open to our key and the chain we agree with is idle this long
   * (`proposeWhenInactive`, verifier/propose); absent: never propose.
   */
  readonly propose?: { readonly idleSeconds: number; readonly maxBatches: number };
  /** Fault injection (devnets and tests only): play a dishonest party of this kind, seeded. */
  readonly fault?: { readonly setting: FaultSetting; readonly seed: number };
  readonly logger: Logger;
  readonly registry: Registry;
}

/**
 * The key's TxSender. A restart right after a crash finds the dead process's signer lock still held: it waits up to
 * the lock's lifetime for it to expire (and says so) instead of exiting; a live second writer is still refused.
 */
async function startSender(o: VerifierOptions): Promise<TxSender> {
  const account = o.account as LocalAccount;
  const ttl = o.txSender?.lockTtlMs ?? DEFAULT_TX_SENDER_CONFIG.lockTtlMs;
  const deadline = Date.now() + ttl + 2_000;
  const lockNamespace = await TxSender.chainNamespace(o.client);
  for (;;) {
    try {
      return await TxSender.start({
        redis: o.redis,
        prefix: o.prefix,
        lockNamespace,
        publicClient: o.client,
        account,
        chainId: o.deployment.chainId,
        checks: verifierChecks(o.client, o.deployment, account.address),
        config: o.txSender,
        logger: o.logger,
      });
    } catch (e) {
      if (!(e instanceof SignerLockedError) || Date.now() > deadline) throw e;
      o.logger.warn(
        { signer: account.address },
        "the key's signer lock is held (a crashed instance?): waiting for it to expire",
      );
      await new Promise((r) => setTimeout(r, Math.min(1_000, ttl / 3)));
    }
  }
}

/**
 * The verifier service (docs/verifier.md): follows L1 into its own database, replays every batch, judges every
 * assertion, opens challenges on the wrong ones (mode challenge / all), plays its games to the end through
 * BullMQ game jobs and its key's TxSender, confirms assertions whose period passed, and withdraws its bonds.
 * Everything it knows comes from L1 and its data directory, so a restart resumes where it stood.
 */
export class Verifier {
  readonly store: VerifierStore;
  readonly replayer: Replayer;
  readonly follower: L1Follower;
  readonly agent: GameAgent;
  readonly metrics: VerifierMetrics;
  /** The dishonest party this verifier plays (fault injection), if any. */
  readonly faults?: FaultInjector;
  /** Our proposer of last resort (proposeWhenInactive), if on. */
  readonly proposer?: InactivityProposer;
  private sender?: TxSender;
  private intents?: IntentQueue;
  private readonly redis: Redis;
  private readonly queue: Queue<GameJob>;
  private worker?: Worker<GameJob>;
  private replayWait: ReplayWait = { kind: "upToDate" };
  private stopped = false;
  private ticking?: Promise<void>;
  /** Intent keys this process already submitted (a resubmit is a no-op in Redis; this spares the round trip). */
  private readonly submitted = new Set<string>();
  /** Set once the follower reached L1's head and the replay caught up with it (readiness). */
  caughtUp = false;

  private constructor(private readonly o: VerifierOptions) {
    this.metrics = new VerifierMetrics(o.registry);
    this.store = new VerifierStore(join(o.dataDir, "db"));
    this.replayer = new Replayer(this.store, {
      statePath: join(o.dataDir, "state"),
      keepRoots: o.keepRoots,
      engineWasm: o.deployment.engineWasm,
      txGasLimit: o.deployment.params.txGasLimit,
      genesisStateRoot: o.deployment.genesisStateRoot,
      recoveryThreads: o.recoveryThreads ?? 1,
      chainId: BigInt(o.deployment.chainId),
    });
    this.redis = new Redis({ ...o.redis, maxRetriesPerRequest: null });
    this.queue = new Queue<GameJob>(GAME_QUEUE, { connection: this.redis, prefix: o.prefix });
    this.follower = new L1Follower({
      client: o.client,
      deployment: o.deployment,
      store: this.store,
      confirmations: o.confirmations,
      logger: o.logger,
      onRange: async (news) => {
        for (const id of new Set(news.challenges)) await this.schedule(id, "event", 0, Date.now());
      },
      onRewind: (first) => {
        if (first !== undefined) this.replayer.undoFrom(first);
      },
    });
    if (o.fault !== undefined && o.account !== undefined)
      this.faults = new FaultInjector({
        ...o.fault,
        store: this.store,
        replayer: this.replayer,
        deployment: o.deployment,
        logger: o.logger,
        me: o.account.address,
        intents: () => this.intents,
        challenge: (assertion, proposer) => this.challenge(assertion, proposer, true),
        gameOver: (id) => {
          const e = this.agent.entry(id);
          return e !== undefined && TERMINAL_PHASES.includes(e.record.phase);
        },
      });
    const faults = this.faults;
    this.agent = new GameAgent({
      lie: faults === undefined ? undefined : (a, honest) => faults.history(a, honest),
      client: o.client,
      deployment: o.deployment,
      store: this.store,
      replayer: this.replayer,
      logger: o.logger,
      metrics: this.metrics,
      mode: o.mode,
      address: o.account?.address,
      intents: () => this.intents,
      schedule: (id, why, delayMs, tag) => this.schedule(id, why, delayMs, tag),
      pollMs: o.pollMs,
    });
    if (o.propose !== undefined && o.account !== undefined && o.mode !== "watch")
      this.proposer = new InactivityProposer({
        ...o.propose,
        client: o.client,
        deployment: o.deployment,
        store: this.store,
        replayer: this.replayer,
        me: o.account.address,
        intents: () => this.intents,
        withdrawBonds: () => this.agent.withdraw(),
        logger: o.logger,
      });
  }

  /** Opens the data directory, starts the key's TxSender (unless watching) and the game worker. */
  static async start(o: VerifierOptions): Promise<Verifier> {
    const v = new Verifier(o);
    if (o.account !== undefined && o.mode !== "watch") {
      try {
        v.sender = await startSender(o);
      } catch (e) {
        if (!(e instanceof SignerLockedError)) throw e;
        // Another live verifier sends for this key: this one shares the game jobs and submits intents to the key's
        // queue (any process may; only the lock holder sends), so the work splits and no move is made twice.
        o.logger.warn(
          { signer: o.account.address },
          "another verifier sends for this key: this one plays game jobs and submits intents without sending",
        );
      }
      v.intents = new IntentQueue(v.redis, {
        prefix: o.prefix,
        chainId: o.deployment.chainId,
        signer: o.account.address,
      });
    }
    v.worker = new Worker<GameJob>(
      GAME_QUEUE,
      async (job) => {
        await v.agent.play(job.data.id);
      },
      { connection: new Redis({ ...o.redis, maxRetriesPerRequest: null }), prefix: o.prefix, concurrency: 1 },
    );
    v.worker.on("failed", (job, err) =>
      o.logger.error({ challenge: job?.data.id, err: err.message }, "game job failed (retried)"),
    );
    // A restart: every game of ours not over gets a job (the record and L1 say where it stands).
    for (const c of v.store.allChallenges()) {
      const e = v.agent.entry(c.id);
      if (e === undefined || !TERMINAL_PHASES.includes(e.record.phase))
        await v.schedule(c.id, "start", 0, Date.now());
    }
    return v;
  }

  async schedule(id: number, why: GameJob["why"], delayMs: number, tag: string | number): Promise<void> {
    if (this.stopped) return;
    await this.queue.add(
      "play",
      { id, why },
      {
        jobId: gameJobId(id, why, tag),
        delay: Math.max(0, Math.round(delayMs)),
        attempts: 1_000,
        backoff: { type: "exponential", delay: 500 },
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }

  /** One pass: read L1 (a few ranges), replay what came, judge assertions and act on them, confirm. */
  async tick(): Promise<void> {
    for (let i = 0; i < 16 && (await this.follower.poll()); i++) {}
    for (;;) {
      const r = await this.replayer.step();
      if (r.kind !== "replayed") {
        if (r.kind === "blocked" && this.replayWait.kind !== "blocked")
          this.o.logger.warn(
            { batch: r.batch, finding: r.finding },
            "replay waits at a batch it cannot read",
          );
        this.replayWait = r;
        break;
      }
      this.o.logger.debug({ batch: r.record.number, root: r.record.rootAfter }, "batch replayed");
    }
    await this.judge();
    // Proposing before confirming: a confirmation resets the rollup's inactivity clock, so while proposing is open
    // by time alone, our assertion (which opens it for good) goes first and confirmations wait for it.
    const hold =
      this.proposer === undefined || this.intents === undefined
        ? false
        : (await this.proposer.tick()).holdConfirms;
    if (!hold) await this.confirm();
    this.updateMetrics();
    if (!this.caughtUp) {
      const head = await this.o.client.getBlockNumber();
      this.caughtUp =
        this.follower.block + BigInt(this.o.confirmations) >= head && this.replayWait.kind !== "blocked";
    }
  }

  /** Loops tick() every pollMs until stop(). */
  run(): void {
    const loop = async () => {
      while (!this.stopped) {
        try {
          await this.tick();
        } catch (e) {
          this.o.logger.warn({ err: (e as Error).message }, "verifier tick failed; retrying");
        }
        await new Promise((r) => setTimeout(r, this.o.pollMs));
      }
    };
    this.ticking = loop();
  }

  /** Our history over an assertion's range (as the game agent builds it), undefined until replayed. */
  historyOf(a: AssertionRecord): DisputeHistory | undefined {
    const parent = this.parentOf(a);
    return parent === undefined ? undefined : this.replayer.history(parent.batchEnd, a.batchEnd);
  }

  get deployment(): VerifierDeployment {
    return this.o.deployment;
  }

  get client(): PublicClient {
    return this.o.client;
  }

  private parentOf(a: AssertionRecord): { batchEnd: number; txEnd: number } | undefined {
    if (a.parent === this.o.deployment.genesisAssertion) return { batchEnd: 0, txEnd: 0 };
    return this.store.assertions.get(a.parent);
  }

  /**
   * checkAssertion on every pending assertion not yet judged; challenges the wrong ones in our mode. A
   * fault-injecting verifier challenges none of them: it lies about the right ones instead (verifier/fault).
   */
  private async judge(): Promise<void> {
    for (const a of this.store.allAssertions()) {
      if (a.status !== "pending") continue;
      if (a.verdict?.kind === "agree") {
        const faults = this.faults;
        if (faults !== undefined && a.proposer.toLowerCase() !== this.o.account?.address.toLowerCase()) {
          const parent = this.parentOf(a);
          if (parent !== undefined)
            await faults.onHonestAssertion(a, () => this.replayer.history(parent.batchEnd, a.batchEnd));
        }
        continue;
      }
      if (a.verdict?.kind !== "disagree") {
        const parent = this.parentOf(a);
        const last = this.store.replays.get(a.batchEnd - 1);
        const verdict = checkAssertion({
          assertion: a,
          parentTxEnd: parent?.txEnd,
          lastBatch:
            last === undefined ? undefined : { rootAfter: last.rootAfter, txEnd: last.txsBefore + last.txs },
          blocked: this.replayWait.kind === "blocked" && this.replayWait.batch < a.batchEnd,
        });
        if (verdict.kind !== a.verdict?.kind) {
          this.o.logger.info({ assertion: a.id, proposer: a.proposer, verdict }, "assertion judged");
          await this.store.assertions.put(a.id, { ...a, verdict });
        }
        if (verdict.kind !== "disagree") continue;
      }
      if (this.faults === undefined) await this.challenge(a.id, a.proposer);
    }
  }

  /** Opens a challenge on a wrong assertion with the bond (mode challenge or all; not our own). */
  async challenge(assertion: Hex, proposer: Address, force = false): Promise<string | undefined> {
    const me = this.o.account?.address;
    if (this.intents === undefined || me === undefined) return undefined;
    if (!force && this.o.mode !== "challenge" && this.o.mode !== "all") return undefined;
    if (proposer.toLowerCase() === me.toLowerCase()) return undefined;
    const key = `startChallenge/${assertion}`;
    if (this.submitted.has(key)) return key;
    this.submitted.add(key);
    await this.intents.submit({
      key,
      kind: "call",
      to: this.o.deployment.contracts.challengeManager.address,
      data: encodeFunctionData({
        abi: challengeManagerAbi,
        functionName: "startChallenge",
        args: [assertion],
      }),
      value: this.o.deployment.params.challengeBond.toString(),
    });
    return key;
  }

  /**
   * Confirms assertions we agree with whose challenge period passed and whose parent is the latest confirmed, and
   * rejects dead ones (a sibling confirmed or the parent rejected: they can never be confirmed) once no challenge
   * on them is open, which returns their bond to their proposer (docs/protocol.md, "Assertions").
   */
  private async confirm(): Promise<void> {
    if (this.intents === undefined) return;
    await this.rejectDead();
    const pending = this.store
      .allAssertions()
      .filter((a) => a.status === "pending" && a.verdict?.kind === "agree");
    if (pending.length === 0) return;
    const rollup = this.o.deployment.contracts.rollup.address;
    const now = Number((await this.o.client.getBlock({ blockTag: "latest" })).timestamp);
    const latest = await this.o.client.readContract({
      address: rollup,
      abi: rollupAbi,
      functionName: "latestConfirmed",
    });
    for (const a of pending) {
      if (a.parent !== latest || now < a.deadline) continue;
      const onL1 = await this.o.client.readContract({
        address: rollup,
        abi: rollupAbi,
        functionName: "getAssertion",
        args: [a.id],
      });
      if (onL1.openChallenges > 0) continue;
      await this.intents.submit({
        key: intentKey.confirmAssertion(a.id),
        kind: "confirmAssertion",
        to: rollup,
        data: encodeFunctionData({ abi: rollupAbi, functionName: "confirm", args: [a.id] }),
      });
    }
  }

  /**
   * Dead assertions, found from the records the follower keeps (a confirmed sibling or a rejected parent), then
   * checked on L1: a tick reads L1 for the few candidates, not for every pending assertion (a long challenge period
   * keeps hundreds pending, and reading each every tick would slow the loop that detects wrong ones).
   */
  private async rejectDead(): Promise<void> {
    const intents = this.intents;
    if (intents === undefined) return;
    const rollup = this.o.deployment.contracts.rollup.address;
    const all = this.store.allAssertions();
    const confirmedChildOf = new Set(all.filter((a) => a.status === "confirmed").map((a) => a.parent));
    const rejected = new Set(all.filter((a) => a.status === "rejected").map((a) => a.id));
    for (const a of all) {
      if (a.status !== "pending" || !(confirmedChildOf.has(a.parent) || rejected.has(a.parent))) continue;
      const standing = await this.o.client.readContract({
        address: rollup,
        abi: rollupAbi,
        functionName: "isStanding",
        args: [a.id],
      });
      if (standing) continue;
      const onL1 = await this.o.client.readContract({
        address: rollup,
        abi: rollupAbi,
        functionName: "getAssertion",
        args: [a.id],
      });
      if (Number(onL1.status) !== 1 || onL1.openChallenges > 0) continue;
      await intents.submit({
        key: `rejectAssertion/${a.id}`,
        kind: "call",
        to: rollup,
        data: encodeFunctionData({ abi: rollupAbi, functionName: "reject", args: [a.id] }),
      });
    }
  }

  private updateMetrics(): void {
    const m = this.metrics;
    m.assertions.reset();
    for (const a of this.store.allAssertions())
      m.assertions.inc({ verdict: a.verdict?.kind ?? "unknown", status: a.status });
    m.games.reset();
    let atStake = 0n;
    for (const g of this.games()) {
      m.games.inc({ phase: g.entry.record.phase });
      if (g.entry.record.role === "challenger" && !TERMINAL_PHASES.includes(g.entry.record.phase))
        atStake += this.o.deployment.params.challengeBond;
    }
    m.bondsAtStake.set(Number(atStake));
    const batches = this.store.batchCount();
    const replayed = this.store.replayedCount();
    m.replayLagBatches.set(batches - replayed);
    const oldest = this.store.batches.get(replayed);
    const newest = this.store.batches.get(batches - 1);
    m.replayLagSeconds.set(oldest && newest ? newest.header.timestamp - oldest.header.timestamp : 0);
  }

  /** Our games with their records (the API's view). */
  games(): { challenge: ChallengeRecord; entry: GameEntry }[] {
    const out: { challenge: ChallengeRecord; entry: GameEntry }[] = [];
    for (const c of this.store.allChallenges()) {
      const entry = this.agent.entry(c.id);
      if (entry) out.push({ challenge: c, entry });
    }
    return out;
  }

  status() {
    return {
      mode: this.o.mode,
      address: this.o.account?.address ?? null,
      l1Block: this.follower.block.toString(),
      batches: this.store.batchCount(),
      replayed: this.store.replayedCount(),
      delayed: this.store.delayedCount(),
      replay: this.replayWait,
      caughtUp: this.caughtUp,
      txSender: this.sender?.metrics() ?? null,
      fault: this.faults?.kind ?? null,
      proposal:
        this.proposer === undefined ? null : (this.proposer.lastDecision ?? { kind: "notYetDecided" }),
    };
  }

  get intentQueue(): IntentQueue | undefined {
    return this.intents;
  }

  /** Stops the loop, the worker, the TxSender, then closes the database. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.ticking;
    await this.worker?.close();
    await this.sender?.stop();
    await this.intents?.close();
    await this.queue.close();
    this.redis.disconnect();
    await this.replayer.close();
    await this.store.close();
  }
}
