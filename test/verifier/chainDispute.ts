// A whole dispute on Hardhat's in-process chain with chooseMove driving both sides: the rollup deployed on the
// real one-step prover with engine/engine.wasm's initial machine, real signed engine orders posted as a batch,
// our history from the verifier's own replay (prover/batchRoots on the fast path, DisputeHistory for the
// steps), and a liar whose history departs from it at a chosen transaction and step. Each side's view is read
// from L1 (getChallenge and the Bisected / LevelSwitched events) and each move sent as moveCall builds it.
import type { Address, Hex } from "viem";
import {
  assertionHash,
  DEVNET_PARAMS,
  depositMessage,
  encodeProof,
  machineHashOf,
  Origin,
  OUTBOX_ROOT_KEY,
  type RollupParams,
  ZERO,
} from "../../protocol/index.ts";
import {
  batchRoots,
  type ContractDeployer,
  DisputeHistory,
  deployOneStepProver,
  type PlacedTransaction,
  placedBatchContext,
} from "../../prover/index.ts";
import {
  ChallengeStatus,
  chooseMove,
  type GameEvent,
  type GameRecord,
  gameFromJson,
  gameToJson,
  gameViewOf,
  type History,
  type Move,
  moveCall,
  newGame,
  postedMismatch,
  postedSegment,
  type Role,
  type Segment,
  transition,
} from "../../verifier/index.ts";
import { initialMachineParts, loadModule, TransactionRunner } from "../../vm/index.ts";
import { TX_GAS_LIMIT } from "../../vm/params.ts";
import {
  assertionArg,
  bytes,
  type Chain,
  deployRollup,
  headerArg,
  hex,
  type Rollup,
  stateWith,
  word,
} from "../rollup/fixture.ts";
import { engineBatch } from "./engineBatch.ts";

export interface ChainDispute {
  r: Rollup;
  params: RollupParams;
  assertion: Hex;
  honest: DisputeHistory;
  liar: History;
  players: Record<Role, { address: Address; history: History }>;
  honestRole: Role;
  txCount: number;
  /** Our history rebuilt from scratch (a new replay and empty caches), as after a restart. */
  rebuildHonest(): DisputeHistory;
}

/**
 * Deploys, posts `orders` x 2 signed orders as one batch, replays it, and posts the assertion: the liar's
 * (wrong from transaction `tx` on) when `honestRole` is the challenger, else the true one. The liar's machine
 * for transaction `tx` agrees with the real one up to step `step` (capped at the real stop).
 */
export async function setupChainDispute(
  chain: Chain,
  opts: {
    orders: number;
    tx: number;
    step: (steps: number) => number;
    honestRole: Role;
    degree?: number;
    /** Bridge deposits queued before the batch (its first transactions, origin DELAYED). */
    deposits?: number;
  },
): Promise<ChainDispute> {
  const { accounts } = chain;
  const timestamp = Number((await chain.publicClient.getBlock()).timestamp);
  const batch = await engineBatch({ timestamp, orders: opts.orders });
  const flat = loadModule(batch.engine);
  const osp = await deployOneStepProver(chain.viem as unknown as ContractDeployer);
  const params = { ...DEVNET_PARAMS, txGasLimit: TX_GAS_LIMIT, degree: opts.degree ?? DEVNET_PARAMS.degree };
  const r = await deployRollup(chain, {
    params,
    genesisRoot: batch.preRoot,
    machine: initialMachineParts(flat),
    prover: osp.entry,
  });
  // Deposits through the bridge: delayed messages, which the batch takes in before its own transactions.
  const delayed: { bytes: Uint8Array; queuedAt: number }[] = [];
  // Deposits open once batch 0 exists (docs/protocol.md, "Delayed inbox"): the first order is batch 0 then.
  const first = opts.deposits ? await r.postBatch(batch.txs.slice(0, 1)) : undefined;
  const rest = first ? batch.txs.slice(1) : batch.txs;
  if (opts.deposits) {
    await r.send(r.token, "mint", [accounts.user, 10n ** 12n]);
    await r.send(r.token, "approve", [r.bridge.address, 2n ** 255n], accounts.user);
    for (let i = 0; i < opts.deposits; i++) {
      const amount = 1_000_000n * BigInt(i + 1);
      const receipt = await r.send(r.bridge, "deposit", [amount, accounts.other, i % 3], accounts.user);
      const block = await chain.publicClient.getBlock({ blockNumber: receipt.blockNumber });
      delayed.push({
        bytes: depositMessage(accounts.other, i % 3, amount),
        queuedAt: Number(block.timestamp),
      });
    }
  }
  const { number, header } = await r.postBatch(rest, delayed.length);
  const placed: PlacedTransaction[] = [
    ...(first
      ? [
          {
            bytes: batch.txs[0],
            batchNumber: first.number,
            header: first.header,
            origin: Origin.SEQUENCER,
            seqIndex: 0,
            batchTxs: batch.txs.slice(0, 1),
          },
        ]
      : []),
    ...delayed.map((d) => ({
      bytes: d.bytes,
      batchNumber: number,
      header,
      origin: Origin.DELAYED,
      queuedAt: d.queuedAt,
    })),
    ...rest.map((bytes, i) => ({
      bytes,
      batchNumber: number,
      header,
      origin: Origin.SEQUENCER,
      seqIndex: i,
      batchTxs: rest,
    })),
  ];
  // The verifier's replay: the fast path from the batch's start state, a root after every transaction.
  const replay = batchRoots(
    TransactionRunner.load(batch.engine),
    batch.preState(),
    placed.map((t) => ({ input: t.bytes, batchContext: placedBatchContext(t) })),
  );
  const honest = new DisputeHistory(flat, replay, placed);
  const n = placed.length;

  // The liar: a wrong root after transaction `tx` (ending in a state that proves its outbox slot, as
  // createAssertion requires), and a machine for `tx` that departs from the real one after `step`.
  const bad = stateWith(ZERO, "liar");
  const liarRoot = (p: number) =>
    p <= opts.tx ? honest.root(p) : p === n ? bad.root : word(`liar root ${p}`);
  const realSteps = honest.transaction(opts.tx).steps;
  const diverge = Math.min(opts.step(realSteps), realSteps - 1);
  const liarEnd = (p: number) =>
    p < opts.tx ? honest.end(p) : { ...honest.end(p), stateRoot: liarRoot(p + 1) };
  const liar: History = {
    root: liarRoot,
    machine: (p, s) => {
      if (p < opts.tx || (p === opts.tx && s <= diverge)) return honest.machine(p, s);
      if (s >= realSteps) return machineHashOf(liarEnd(p));
      return word(`liar step ${p} ${s}`);
    },
    end: liarEnd,
    // The best a liar can send: the real proof of the step (the prover then agrees with our value, StepAgrees).
    stepProof: (p, s) => honest.stepProof(p, s),
    transactionProof: (p) => honest.transactionProof(p),
  };

  const liarProposes = opts.honestRole === "challenger";
  const finalState = replay.stateBefore(n);
  const data = {
    parent: bytes(await r.rollup.read.genesis()),
    stateRoot: liarProposes ? bad.root : honest.root(n),
    outboxRoot: new Uint8Array(32),
    batchEnd: number + 1,
    txEnd: n,
    delayedEnd: delayed.length,
  };
  const outboxProof = liarProposes ? bad.outboxProof : hex(encodeProof(finalState.prove(OUTBOX_ROOT_KEY)));
  await r.send(
    r.rollup,
    "createAssertion",
    [assertionArg(data), headerArg(header), outboxProof],
    accounts.proposer,
    params.assertionBond,
  );
  const honestHistory: History = honest;
  const players: Record<Role, { address: Address; history: History }> = {
    defender: { address: accounts.proposer, history: liarProposes ? liar : honestHistory },
    challenger: { address: accounts.challenger, history: liarProposes ? honestHistory : liar },
  };
  return {
    r,
    params,
    assertion: hex(assertionHash(data, accounts.proposer)),
    honest,
    liar,
    players,
    honestRole: opts.honestRole,
    txCount: n,
    rebuildHonest: () =>
      new DisputeHistory(
        flat,
        batchRoots(
          TransactionRunner.load(batch.engine),
          batch.preState(),
          placed.map((t) => ({ input: t.bytes, batchContext: placedBatchContext(t) })),
        ),
        placed,
      ),
  };
}

export interface PlayedMove {
  by: Role;
  kind: Move["kind"] | "start";
  gas: bigint;
  /** The contract refused it (the liar's one-step proof). */
  refused?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: events decoded by viem from the artifact's ABI (not checked in).
type Log = { args: any; blockNumber: bigint; logIndex: number };

/** The challenge's last segment and level switch, from its events. */
async function lastSegment(
  d: ChainDispute,
  id: bigint,
): Promise<{ segment: Segment; switched?: { txIndex: number; roots: never } }> {
  const cm = d.r.cm as unknown as { address: Address; abi: never };
  const events = async (eventName: string): Promise<Log[]> =>
    (await d.r.publicClient.getContractEvents({
      address: cm.address,
      abi: cm.abi,
      eventName,
      args: { id },
      fromBlock: 0n,
    })) as never;
  const [started] = await events("ChallengeStarted");
  const bisected = await events("Bisected");
  const [switched] = await events("LevelSwitched");
  const last = bisected[bisected.length - 1];
  const segment: Segment = last
    ? { lo: Number(last.args.lo), hi: Number(last.args.hi), values: (last.args.values as Hex[]).map(bytes) }
    : {
        lo: 0,
        hi: Number(started.args.transactions),
        values: [bytes(started.args.startRoot), bytes(started.args.claimedRoot)],
      };
  if (!switched) return { segment };
  const r = switched.args.roots;
  return {
    segment,
    switched: {
      txIndex: Number(switched.args.txIndex),
      roots: {
        rootBefore: bytes(r.rootBefore),
        defenderRoot: bytes(r.defenderRoot),
        challengerRoot: bytes(r.challengerRoot),
      } as never,
    },
  };
}

/** Opens the challenge (as the challenger, with the bond) and plays it to its end; bounded in moves and time. */
export async function playChainDispute(
  d: ChainDispute,
  limitMs = 100_000,
  opts: { restartAfter?: readonly number[] } = {},
): Promise<{ id: bigint; moves: PlayedMove[]; record: GameRecord; restarts: number }> {
  const { r, params } = d;
  const started = Date.now();
  const opened = await r.send(
    r.cm,
    "startChallenge",
    [d.assertion],
    d.players.challenger.address,
    params.challengeBond,
  );
  const id = (await r.cm.read.challengeCount()) as bigint;
  // Our side's persisted game record, fed what we send and what L1 shows; restarted at `restartAfter`.
  const honest = d.honestRole;
  let record = newGame(id, d.assertion, honest);
  let ourMoves = 0;
  let restarts = 0;
  const apply = (event: GameEvent) => {
    const t = transition(record, event, Date.now());
    if (!t.ok) throw new Error(`game record: ${t.phase} refused ${JSON.stringify(event)}`);
    record = t.game;
  };
  const moves: PlayedMove[] = [{ by: "challenger", kind: "start", gas: opened.gasUsed }];
  const view = async (role: Role) => {
    const challenge = await r.cm.read.getChallenge([id]);
    const { segment, switched } = await lastSegment(d, id);
    const assertion = await r.rollup.read.getAssertion([d.assertion]);
    return gameViewOf({
      role,
      challenge,
      segment,
      switched,
      now: await r.now(),
      degree: params.degree,
      maxTxSteps: 2 * params.txGasLimit,
      assertionRejected: Number(assertion.status) === 3 && challenge.status === ChallengeStatus.OPEN,
      firstMoveDeadline: params.firstMoveDeadline,
    });
  };
  const send = async (role: Role, move: Move) => {
    const v = await view(role);
    const call = moveCall(id, v.segment, move);
    if (call === undefined) throw new Error(`${role} has no call for ${move.kind}`);
    if (role === honest)
      apply({
        kind: "sent",
        move: call.functionName,
        segment: postedSegment(move, v.level, v.maxTxSteps, v.txIndex),
      });
    const receipt = await r.send(r.cm, call.functionName, [...call.args], d.players[role].address);
    moves.push({ by: role, kind: move.kind, gas: receipt.gasUsed });
    if (move.kind === "switchToStep") apply({ kind: "levelSwitched" });
    else if (move.kind === "bisect" || move.kind === "bisectToEnd")
      apply({ kind: "bisected", level: v.level });
    if (role !== honest || !opts.restartAfter?.includes(++ourMoves)) return;
    // A restart: the record from its JSON, our history rebuilt from the replay, checked against what we posted.
    record = gameFromJson(gameToJson(record));
    const rebuilt = d.rebuildHonest();
    const mismatch = postedMismatch(record, rebuilt);
    if (mismatch !== undefined)
      throw new Error(
        `after the restart our history contradicts a posted value: ${JSON.stringify(mismatch)}`,
      );
    d.players[honest].history = rebuilt;
    restarts++;
  };
  for (let i = 0; i < 64; i++) {
    if (Date.now() - started > limitMs) throw new Error(`the dispute took more than ${limitMs} ms`);
    const c = await r.cm.read.getChallenge([id]);
    if (c.status !== ChallengeStatus.OPEN) break;
    const mover: Role = c.challengerToMove ? "challenger" : "defender";
    const other: Role = mover === "challenger" ? "defender" : "challenger";
    const move = chooseMove(await view(mover), d.players[mover].history);
    try {
      if (move.kind === "wait" || move.kind === "over" || move.kind === "stuck")
        throw new Error(`${mover} cannot move: ${move.kind} ${"reason" in move ? move.reason : ""}`);
      await send(mover, move);
      continue;
    } catch (e) {
      if (mover === d.honestRole) throw e;
      // The liar's move was refused (or it had none): it stops; the honest side waits as told and claims.
      moves.push({
        by: mover,
        kind: move.kind,
        gas: 0n,
        refused: revertName(e),
      });
    }
    const wait = chooseMove(await view(other), d.players[other].history);
    if (wait.kind !== "wait") throw new Error(`expected to wait for the stopped opponent, got ${wait.kind}`);
    await r.advance(wait.until - (await r.now()));
    const claim = chooseMove(await view(other), d.players[other].history);
    if (claim.kind !== "timeout") throw new Error(`expected to claim the timeout, got ${claim.kind}`);
    await send(other, claim);
  }
  const c = await r.cm.read.getChallenge([id]);
  const winner: Role | undefined =
    c.status === ChallengeStatus.CHALLENGER_WON
      ? "challenger"
      : c.status === ChallengeStatus.DEFENDER_WON
        ? "defender"
        : undefined;
  if (winner !== undefined) apply({ kind: "ended", outcome: winner === honest ? "won" : "lost" });
  return { id, moves, record, restarts };
}

/** The custom error a refused call reverted with (viem puts it in the cause chain), else the message. */
function revertName(e: unknown): string {
  for (
    let c = e as { cause?: unknown; data?: { errorName?: string }; message?: string } | undefined;
    c;
    c = c.cause as typeof c
  )
    if (c.data?.errorName) return c.data.errorName;
  return String((e as Error).message);
}
