import { type Address, encodeFunctionData, type Hex, hexToBytes, type PublicClient } from "viem";
import {
  challengeManagerAbi,
  type IntentQueue,
  type IntentStatus,
  intentKey,
  rollupAbi,
} from "../../l1/index.ts";
import type { DisputeHistory } from "../../prover/index.ts";
import type { Logger } from "../../service/index.ts";
import type { AssertionRecord } from "../records.ts";
import type { Replayer } from "../replay/Replayer.ts";
import type { VerifierDeployment } from "../VerifierDeployment.ts";
import type { VerifierMetrics } from "../VerifierMetrics.ts";
import type { VerifierStore } from "../VerifierStore.ts";
import { chooseMove, type Move } from "./chooseMove.ts";
import {
  ChallengeStatus,
  clocks,
  type GameView,
  gameViewOf,
  type History,
  Level,
  type Role,
  type Segment,
  type StepRoots,
} from "./game.ts";
import {
  type GameEvent,
  type GameRecord,
  gameFromJson,
  newGame,
  postedMismatch,
  postedSegment,
  TERMINAL_PHASES,
  transition,
} from "./gameState.ts";
import { moveCall } from "./moveCall.ts";

/** Failures of one move at one position after which it is not sent again. */
const REFUSED_LIMIT = 3;

/** Which games we play (docs/verifier.md, "Modes"). */
export type VerifierMode = "watch" | "challenge" | "defend" | "all";

/** One game as the verifier stores it: the record (gameState.ts) and what the agent needs to resume. */
export interface GameEntry {
  record: GameRecord;
  /** L1's Bisected and LevelSwitched events of the challenge already fed to the record. */
  seen: number;
  /** Our move handed to the transaction manager and not yet seen on L1. */
  pending?: { key: string; kind: Move["kind"]; level: Level; position?: string };
  /** The position our moves keep failing at and how often (after REFUSED_LIMIT we stop resending it). */
  refused?: { position: string; count: number; error?: string };
  /** Moves of ours that reverted (a resent move gets a new key). */
  retries: number;
  /** The last thing chooseMove said, for the API and the logs. */
  last?: { kind: Move["kind"]; reason?: string; until?: number; at: number };
  /** Both clocks as of the last look (L1 seconds left now). */
  clocks?: { ours: number; theirs: number; ourTurn: boolean };
  /** Why we cannot move (a local fault), if so. */
  stuck?: string;
}

export interface GameAgentOptions {
  readonly client: PublicClient;
  readonly deployment: VerifierDeployment;
  readonly store: VerifierStore;
  readonly replayer: Replayer;
  readonly logger: Logger;
  readonly metrics: VerifierMetrics;
  readonly mode: VerifierMode;
  /** Our key's address; undefined in watch mode (no key). */
  readonly address?: Address;
  /** Our key's intents (submit, status); undefined in watch mode. */
  intents(): IntentQueue | undefined;
  /** Plays the game again after `delayMs` (a BullMQ delayed job). */
  schedule(id: number, why: "clock" | "poll", delayMs: number, tag: string | number): Promise<void>;
  /** A fault-injecting party's false history for a game on `assertion` (verifier/fault), if it lies there. */
  lie?(assertion: AssertionRecord, honest: DisputeHistory): History | undefined;
  /** Seconds before our clock runs out at which we still move (never wait that close). */
  readonly pollMs: number;
}

/**
 * Plays our games (docs/verifier.md, "Playing a game"): each call reads the challenge from L1 (getChallenge and
 * its Bisected / LevelSwitched events), feeds the persisted record what L1 shows, asks chooseMove for the move
 * from our replay's history, and carries it out: a named intent with an idempotency key per position (so a
 * restart, or a second process, never moves twice), a delayed job for the opponent's clock, the outcome and
 * the bonds. It holds no decision of its own: every call starts again from L1 and the database.
 */
export class GameAgent {
  private readonly checked = new Set<number>();

  constructor(private readonly o: GameAgentOptions) {}

  /** Whether we play a challenge with this challenger and defender in our mode. */
  roleIn(challenger: Address, defender: Address): Role | undefined {
    const me = this.o.address?.toLowerCase();
    if (me === undefined || this.o.mode === "watch") return undefined;
    // A challenge of ours is played whatever the mode (`./optio challenge` opens one by hand in any mode).
    if (challenger.toLowerCase() === me) return "challenger";
    if (defender.toLowerCase() === me && (this.o.mode === "defend" || this.o.mode === "all"))
      return "defender";
    return undefined;
  }

  entry(id: number): GameEntry | undefined {
    const text = this.o.store.games.get(id);
    if (text === undefined) return undefined;
    const e = JSON.parse(text) as GameEntry;
    e.record = gameFromJson(JSON.stringify(e.record));
    return e;
  }

  private async save(id: number, e: GameEntry): Promise<void> {
    await this.o.store.games.put(id, JSON.stringify(e));
  }

  /** One look at game `id`: feed the record, choose, act, schedule. Returns the move chooseMove gave. */
  async play(id: number): Promise<Move | undefined> {
    const { client, deployment, logger } = this.o;
    const cm = deployment.contracts.challengeManager.address;
    const c = await client.readContract({
      address: cm,
      abi: challengeManagerAbi,
      functionName: "getChallenge",
      args: [BigInt(id)],
    });
    const role = this.roleIn(c.challenger, c.defender);
    if (role === undefined) return undefined;
    const e = this.entry(id) ?? { record: newGame(BigInt(id), c.assertion, role), seen: 0, retries: 0 };
    if (TERMINAL_PHASES.includes(e.record.phase)) {
      await this.withdraw();
      return undefined;
    }
    const log = logger.child({ challenge: id, assertion: c.assertion, role });
    const apply = (event: GameEvent) => {
      const t = transition(e.record, event, Date.now());
      if (!t.ok) {
        log.debug({ phase: t.phase, event }, "game event not applicable in this phase");
        return;
      }
      if (t.game.phase !== e.record.phase) log.info({ from: e.record.phase, to: t.game.phase }, "game phase");
      e.record = t.game;
    };

    // What L1 shows since the last look.
    const fromBlock = BigInt(this.o.store.challenges.get(id)?.l1Block ?? deployment.fromBlock);
    const l1 = await this.l1Events(id, fromBlock);
    for (const ev of l1.moves.slice(e.seen)) {
      if (ev.kind === "levelSwitched") apply({ kind: "levelSwitched" });
      else apply({ kind: "bisected", level: ev.level });
    }
    e.seen = l1.moves.length;

    // The history: our replay over the assertion's range.
    const assertion = this.o.store.assertions.get(c.assertion);
    const parentBatchEnd =
      assertion === undefined
        ? undefined
        : assertion.parent === deployment.genesisAssertion
          ? 0
          : this.o.store.assertions.get(assertion.parent)?.batchEnd;
    const honest =
      assertion === undefined || parentBatchEnd === undefined
        ? undefined
        : this.o.replayer.history(parentBatchEnd, assertion.batchEnd);
    const history =
      honest === undefined || assertion === undefined ? honest : (this.o.lie?.(assertion, honest) ?? honest);
    if (history === undefined) {
      log.warn("the assertion's batches are not replayed yet: looking again shortly");
      await this.save(id, e);
      await this.o.schedule(id, "poll", this.o.pollMs, Date.now());
      return undefined;
    }
    // After a restart: the rebuilt history must still give every value we posted.
    if (!this.checked.has(id)) {
      const mismatch = postedMismatch(e.record, history);
      if (mismatch !== undefined) {
        e.stuck = `HISTORY_CHANGED at ${JSON.stringify(mismatch)}`;
        log.error(
          { mismatch },
          "our replay no longer gives a value we posted: not moving (see docs/verifier.md)",
        );
        await this.save(id, e);
        return undefined;
      }
      this.checked.add(id);
    }

    // Our move in flight: wait for it unless it failed.
    if (e.pending !== undefined) {
      const s = await this.o.intents()?.status(e.pending.key);
      if (s && failed(s)) {
        log.warn(
          { key: e.pending.key, error: s.progress.lastError?.errorName },
          "our move failed: choosing again",
        );
        apply({ kind: "moveFailed", level: e.pending.level });
        e.retries++;
        const position = e.pending.position;
        if (position !== undefined)
          e.refused = {
            position,
            count: e.refused?.position === position ? e.refused.count + 1 : 1,
            error: s.progress.lastError?.errorName,
          };
        e.pending = undefined;
      } else if (s && s.jobState !== "completed") {
        await this.save(id, e);
        await this.o.schedule(id, "poll", this.o.pollMs, Date.now());
        return undefined;
      } else e.pending = undefined;
    }

    const now = Number((await client.getBlock({ blockTag: "latest" })).timestamp);
    const rejected =
      c.status === ChallengeStatus.OPEN &&
      !(await client.readContract({
        address: deployment.contracts.rollup.address,
        abi: rollupAbi,
        functionName: "isStanding",
        args: [c.assertion],
      }));
    const view: GameView = gameViewOf({
      role,
      challenge: c,
      segment: l1.segment,
      switched: l1.switched,
      now,
      degree: deployment.params.degree,
      maxTxSteps: 2 * deployment.params.txGasLimit,
      assertionRejected: rejected,
      firstMoveDeadline: deployment.params.firstMoveDeadline,
    });
    const clk = clocks(view);
    e.clocks = clk;
    if (c.status === ChallengeStatus.OPEN) this.o.metrics.clockLeft.set({ challenge: String(id) }, clk.ours);
    const move = chooseMove(view, history);
    e.last = {
      kind: move.kind,
      reason: "reason" in move ? move.reason : undefined,
      until: move.kind === "wait" ? move.until : undefined,
      at: Date.now(),
    };
    switch (move.kind) {
      case "over":
        apply({ kind: "ended", outcome: move.outcome });
        this.o.metrics.clockLeft.remove({ challenge: String(id) });
        log.info({ outcome: move.outcome }, "game over");
        await this.save(id, e);
        await this.withdraw();
        return move;
      case "wait": {
        await this.save(id, e);
        // The opponent's move comes as an L1 event (a job); the clock job claims the timeout if it never does.
        // Looked at again at least every 10 polls: L1's clock may run ahead of ours (a devnet's time jumps).
        const delayMs = Math.min(Math.max(0, (move.until - now) * 1000) + 1000, 10 * this.o.pollMs);
        // Tagged with the wall-clock second too: this job may be the clock job itself, still running, and a job id
        // repeated while its job runs is dropped (the clock would stop and a silent opponent never be timed out).
        await this.o.schedule(id, "clock", delayMs, `${move.until}-${Math.floor(Date.now() / 1000)}`);
        return move;
      }
      case "stuck":
        e.stuck = move.reason;
        this.o.metrics.stuck.inc({ reason: move.reason });
        log.error({ reason: move.reason, position: move.position }, "no move from our history");
        await this.save(id, e);
        await this.o.schedule(id, "poll", 10 * this.o.pollMs, Date.now());
        return move;
      default: {
        const call = moveCall(BigInt(id), view.segment, move);
        const intents = this.o.intents();
        if (call === undefined || intents === undefined) return move;
        const position =
          move.kind === "timeout" || move.kind === "dismiss"
            ? `${move.kind}.${view.lastMoveAt}`
            : `${view.level}.${view.segment.lo}.${view.segment.hi}.${move.kind}`;
        // A move L1 refused REFUSED_LIMIT times at one position will not pass (a false history's proof): stop
        // sending it; the game is looked at again now and then and ends on the clock.
        if (e.refused?.position === position && e.refused.count >= REFUSED_LIMIT) {
          e.stuck = `MOVE_REFUSED ${move.kind} at ${position}: ${e.refused.error ?? "reverted"}`;
          await this.save(id, e);
          await this.o.schedule(id, "poll", 10 * this.o.pollMs, Date.now());
          return move;
        }
        const key = intentKey.challengeMove(id, e.retries > 0 ? `${position}.r${e.retries}` : position);
        const data = encodeFunctionData({
          abi: challengeManagerAbi,
          functionName: call.functionName,
          args: call.args as never,
        });
        await intents.submit({ key, kind: "challengeMove", to: cm, data });
        apply({
          kind: "sent",
          move: move.kind,
          segment: postedSegment(move, view.level, view.maxTxSteps, view.txIndex),
        });
        e.pending = { key, kind: move.kind, level: view.level, position };
        e.stuck = undefined;
        this.o.metrics.moves.inc({ kind: move.kind });
        const a = this.o.store.assertions.get(c.assertion);
        if (role === "challenger" && l1.moves.length === 0 && a?.seenAt !== undefined)
          this.o.metrics.detectSeconds.observe((Date.now() - a.seenAt) / 1000);
        log.info(
          { move: move.kind, key, level: view.level, lo: view.segment.lo, hi: view.segment.hi },
          "move sent",
        );
        await this.save(id, e);
        await this.o.schedule(id, "poll", this.o.pollMs, Date.now());
        return move;
      }
    }
  }

  /** Withdraws what the rollup and the challenge manager credited to our key (one intent per contract and block). */
  async withdraw(): Promise<void> {
    const { client, deployment, address } = this.o;
    const intents = this.o.intents();
    if (address === undefined || intents === undefined) return;
    const block = await client.getBlockNumber();
    let claimable = 0n;
    for (const [to, abi] of [
      [deployment.contracts.rollup.address, rollupAbi],
      [deployment.contracts.challengeManager.address, challengeManagerAbi],
    ] as const) {
      const owed = (await client.readContract({
        address: to,
        abi,
        functionName: "withdrawable",
        args: [address],
      })) as bigint;
      claimable += owed;
      if (owed > 0n)
        await intents.submit({
          key: intentKey.withdrawBonds(to, block),
          kind: "withdrawBonds",
          to,
          data: encodeFunctionData({ abi, functionName: "withdrawBonds" }),
        });
    }
    this.o.metrics.bondsClaimable.set(Number(claimable));
  }

  /** The challenge's last segment and level switch, from its events on L1 (what the next move repeats). */
  private async l1Events(
    id: number,
    fromBlock: bigint,
  ): Promise<{
    segment: Segment;
    switched?: { txIndex: number; roots: StepRoots };
    moves: ({ kind: "bisected"; level: Level } | { kind: "levelSwitched" })[];
  }> {
    const { client, deployment } = this.o;
    const address = deployment.contracts.challengeManager.address;
    const logs = await client.getContractEvents({
      address,
      abi: challengeManagerAbi,
      args: { id: BigInt(id) } as never,
      fromBlock,
      toBlock: "latest",
    });
    let segment: Segment | undefined;
    let switched: { txIndex: number; roots: StepRoots } | undefined;
    const moves: ({ kind: "bisected"; level: Level } | { kind: "levelSwitched" })[] = [];
    for (const l of logs as unknown as { eventName: string; args: Record<string, never> }[]) {
      const a = l.args as Record<string, unknown>;
      if (l.eventName === "ChallengeStarted" && segment === undefined)
        segment = {
          lo: 0,
          hi: Number(a.transactions),
          values: [hexToBytes(a.startRoot as Hex), hexToBytes(a.claimedRoot as Hex)],
        };
      if (l.eventName === "Bisected") {
        segment = {
          lo: Number(a.lo),
          hi: Number(a.hi),
          values: (a.values as Hex[]).map((v) => hexToBytes(v)),
        };
        moves.push({
          kind: "bisected",
          level: Number(a.level) === Level.STEP ? Level.STEP : Level.TRANSACTION,
        });
      }
      if (l.eventName === "LevelSwitched") {
        const r = a.roots as { rootBefore: Hex; defenderRoot: Hex; challengerRoot: Hex };
        switched = {
          txIndex: Number(a.txIndex),
          roots: {
            rootBefore: hexToBytes(r.rootBefore),
            defenderRoot: hexToBytes(r.defenderRoot),
            challengerRoot: hexToBytes(r.challengerRoot),
          },
        };
        moves.push({ kind: "levelSwitched" });
      }
    }
    if (segment === undefined)
      throw new Error(`challenge ${id}: no ChallengeStarted event from block ${fromBlock}`);
    return { segment, switched, moves };
  }
}

function failed(s: IntentStatus): boolean {
  return s.jobState === "failed" || s.progress.state === "reverted";
}
