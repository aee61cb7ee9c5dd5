// A dispute between two scripted parties with real commitments: transactions posted to the inbox (delayed
// deposits and sequencer transactions), per-transaction state-root histories that agree up to a transaction,
// machine-hash traces for that transaction that agree up to a step, and a driver that plays the bisection game
// to its end. Shared by the challenge tests and the contracts benchmark.
import type { Address, Hex } from "viem";
import type { RollupParams } from "../../protocol/index.ts";
import {
  assertionHash,
  type BatchHeader,
  batchContext,
  batchTransactionProof,
  bisectionValues,
  depositMessage,
  initialMachineOpening,
  type MachineOpening,
  machineHashOf,
  Origin,
  outboxRoot,
  partBoundaries,
  pickPart,
  transactionHash,
} from "../../protocol/index.ts";
import {
  assertionArg,
  bytes,
  type Chain,
  deployRollup,
  headerArg,
  hex,
  openingArg,
  type Rollup,
  stateWith,
  word,
} from "./fixture.ts";

/** A party's view: its state root after p transactions, its machine hash after s steps of the disputed one. */
export interface Party {
  address: Address;
  root(p: number): Uint8Array;
  machine(s: number): Uint8Array;
  /** The opening of its last machine hash (position MAX_TX_STEPS). */
  end: MachineOpening;
}

export interface PlacedTx {
  bytes: Uint8Array;
  batchNumber: number;
  header: BatchHeader;
  origin: number;
  /** Sequencer transactions: index in the batch and the batch's transactions; delayed: queue time. */
  seqIndex?: number;
  batchTxs?: Uint8Array[];
  queuedAt?: number;
}

export interface DisputeSetup {
  r: Rollup;
  honest: Party;
  dishonest: Party;
  defender: Party;
  challenger: Party;
  assertion: Hex;
  /** The state-tree proof of the assertion's outbox entry `index` (Outbox.claim). */
  withdrawalProof: (index: number) => Hex;
  txs: PlacedTx[];
  disputedTx: number;
  /** The one-step proof of step s -> s + 1 of the disputed transaction (default: what the prover double takes). */
  stepProof?: (s: number) => Uint8Array;
}

/**
 * Deploys the rollup, posts batch 0 (the sequencer's GENESIS batch: 5 sequencer transactions, no delayed
 * message), then 2 deposits and batch 1 (the 2 deposits, then 4 sequencer transactions): 11 transactions,
 * 5 and 6 delayed. Builds both histories (diverging after transaction `disputedTx`, and at step `divergeStep`
 * of it) and posts the defender's assertion. `honestDefender` chooses who lies.
 */
export async function setupDispute(
  chain: Chain,
  params: RollupParams,
  opts: {
    disputedTx: number;
    honestDefender: boolean;
    divergeStep?: number;
    batches?: number[];
    /** Bytes of sequencer transaction i of batch b instead of the default short order (gas tests). */
    txBytes?: (b: number, i: number) => Uint8Array | undefined;
  },
): Promise<DisputeSetup> {
  const r = await deployRollup(chain, { params });
  const { accounts } = chain;
  const txs: PlacedTx[] = [];
  const sizes = opts.batches ?? [5, 4];
  const placeSeq = (number: number, header: BatchHeader, batchTxs: Uint8Array[]) =>
    batchTxs.forEach((tx, i) => {
      txs.push({ bytes: tx, batchNumber: number, header, origin: Origin.SEQUENCER, seqIndex: i, batchTxs });
    });
  const orders = (b: number) =>
    Array.from(
      { length: sizes[b] },
      (_, i) => opts.txBytes?.(b, i) ?? word(`order ${b}.${i}`).subarray(0, 20 + i),
    );
  // Batch 0 consumes no delayed message (deposits open once it exists).
  const first = orders(0);
  const b0 = await r.postBatch(first);
  placeSeq(b0.number, b0.header, first);
  // Two deposits from the user: delayed messages 0 and 1, consumed by batch 1.
  await r.send(r.token, "mint", [accounts.user, 10_000_000_000n]);
  await r.send(r.token, "approve", [r.bridge.address, 2n ** 255n], accounts.user);
  const delayed: { bytes: Uint8Array; queuedAt: number }[] = [];
  for (const amount of [1_000_000n, 2_500_000n]) {
    const receipt = await r.send(r.bridge, "deposit", [amount, accounts.user, 0], accounts.user);
    const block = await chain.publicClient.getBlock({ blockNumber: receipt.blockNumber });
    delayed.push({
      bytes: depositMessage(accounts.user, 0, amount),
      queuedAt: Number(block.timestamp),
    });
  }
  for (let b = 1; b < sizes.length; b++) {
    const batchTxs = orders(b);
    const { number, header } = await r.postBatch(batchTxs, delayed.length);
    if (b === 1)
      for (const d of delayed)
        txs.push({
          bytes: d.bytes,
          batchNumber: number,
          header,
          origin: Origin.DELAYED,
          queuedAt: d.queuedAt,
        });
    placeSeq(number, header, batchTxs);
  }
  const n = txs.length;
  const t = opts.disputedTx;
  const lastHeader = txs[n - 1].header;

  const honestOutbox = outboxRoot([{ recipient: accounts.user, amount: 500_000n }]);
  const badOutbox = outboxRoot([{ recipient: accounts.other, amount: 3_500_000n }]);
  const honestFinal = stateWith(honestOutbox, "final", [{ recipient: accounts.user, amount: 500_000n }]);
  const badFinal = stateWith(badOutbox, "bad");
  const honestRoot = (p: number) =>
    p === 0 ? r.genesisRoot : p === n ? honestFinal.root : word(`root ${p}`);
  const badRoot = (p: number) => (p <= t ? honestRoot(p) : p === n ? badFinal.root : word(`bad root ${p}`));

  // The disputed transaction's initial machine (real: from the inbox's bytes) and the two traces.
  const place = txs[t];
  const inputHash = transactionHash(place.bytes);
  const context = batchContext(place.header.timestamp, place.batchNumber, place.origin);
  const m0 = machineHashOf(
    initialMachineOpening(r.machine, honestRoot(t), inputHash, context, params.txGasLimit),
  );
  const halted = (root: Uint8Array, salt: string): MachineOpening => ({
    statusWord: Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0)),
    valueStackHash: word(`results ${salt}`),
    frameStackHash: new Uint8Array(32),
    globalsRoot: r.machine.globalsRoot,
    memoryRoot: word(`memory ${salt}`),
    codeRoot: r.machine.codeRoot,
    tableRoot: r.machine.tableRoot,
    stateRoot: root,
    inputHash,
    batchContext: context,
    gasWord: new Uint8Array(32),
  });
  const honestEnd = halted(honestRoot(t + 1), "honest");
  const badEnd = halted(badRoot(t + 1), "bad");
  const steps = 7;
  const badSteps = 9;
  const j = opts.divergeStep ?? 3;
  const honestMachine = (s: number) =>
    s === 0 ? m0 : s >= steps ? machineHashOf(honestEnd) : word(`step ${s}`);
  const badMachine = (s: number) =>
    s <= j ? honestMachine(s) : s >= badSteps ? machineHashOf(badEnd) : word(`bad step ${s}`);
  if (r.osp) {
    const befores = Array.from({ length: steps }, (_, s) => hex(honestMachine(s)));
    const afters = Array.from({ length: steps }, (_, s) => hex(honestMachine(s + 1)));
    await r.send(r.osp, "setSteps", [befores, afters]);
  }

  const honestAddr = opts.honestDefender ? accounts.proposer : accounts.challenger;
  const badAddr = opts.honestDefender ? accounts.challenger : accounts.proposer;
  const honest: Party = { address: honestAddr, root: honestRoot, machine: honestMachine, end: honestEnd };
  const dishonest: Party = { address: badAddr, root: badRoot, machine: badMachine, end: badEnd };
  const defender = opts.honestDefender ? honest : dishonest;
  const challenger = opts.honestDefender ? dishonest : honest;

  const final = opts.honestDefender ? honestFinal : badFinal;
  const data = {
    parent: bytes(await r.rollup.read.genesis()),
    stateRoot: final.root,
    outboxRoot: opts.honestDefender ? honestOutbox : badOutbox,
    batchEnd: sizes.length,
    txEnd: n,
    delayedEnd: lastHeader.delayedAfter,
  };
  await r.send(
    r.rollup,
    "createAssertion",
    [assertionArg(data), headerArg(lastHeader), final.outboxProof],
    accounts.proposer,
    params.assertionBond,
  );
  return {
    r,
    honest,
    dishonest,
    defender,
    challenger,
    assertion: hex(assertionHash(data, accounts.proposer)),
    withdrawalProof: final.withdrawalProof,
    txs,
    disputedTx: t,
  };
}

export interface Segment {
  lo: number;
  hi: number;
  values: Uint8Array[];
}

export const segmentArg = (s: Segment) => ({ lo: BigInt(s.lo), hi: BigInt(s.hi), values: s.values.map(hex) });

export interface MoveRecord {
  kind: "start" | "bisect" | "bisectToEnd" | "switchToStep" | "proveStep" | "timeout";
  by: Address;
  /** The level the move was made at (0 transactions, 1 steps). */
  level: number;
  /** Values posted (parts + 1), 0 for moves that post none. */
  values: number;
  gas: bigint;
}

/** The proof of transaction p of the assertion for {ChallengeManager.switchToStep}. */
export function transactionProofArg(setup: DisputeSetup, p: number) {
  const tx = setup.txs[p];
  return {
    batchNumber: BigInt(tx.batchNumber),
    batch: headerArg(tx.header),
    transaction: hex(tx.bytes),
    siblings:
      tx.batchTxs && tx.seqIndex !== undefined
        ? batchTransactionProof(tx.batchTxs, tx.seqIndex).map(hex)
        : [],
    queuedAt: BigInt(tx.queuedAt ?? 0),
  };
}

/**
 * Plays the game: each party picks the first part it disagrees with and answers with its own history. The
 * dishonest party, when its one-step proof is refused, stops moving; its clock then runs out. Returns the moves.
 */
export async function playDispute(
  setup: DisputeSetup,
  params: RollupParams,
): Promise<{ id: bigint; moves: MoveRecord[] }> {
  const { r } = setup;
  const moves: MoveRecord[] = [];
  let level = 0;
  let posted = 0;
  const record = async (kind: MoveRecord["kind"], by: Address, promise: Promise<{ gasUsed: bigint }>) => {
    const atLevel = level;
    const receipt = await promise;
    moves.push({ kind, by, level: atLevel, values: posted, gas: receipt.gasUsed });
    posted = 0;
  };
  await record(
    "start",
    setup.challenger.address,
    r.send(r.cm, "startChallenge", [setup.assertion], setup.challenger.address, params.challengeBond),
  );
  const id = (await r.cm.read.challengeCount()) as bigint;
  const n = setup.txs.length;
  const maxSteps = 2 * params.txGasLimit;
  let prev: Segment = { lo: 0, hi: n, values: [setup.defender.root(0), setup.defender.root(n)] };
  let roots: { rootBefore: Hex; defenderRoot: Hex; challengerRoot: Hex } | undefined;
  let mover = setup.challenger;
  let other = setup.defender;
  for (let guard = 0; guard < 200; guard++) {
    const history = level === 0 ? mover.root : mover.machine;
    const k = pickPart(history, prev.lo, prev.hi, prev.values);
    if (k === undefined) throw new Error("the mover agrees with every value: the scenario is wrong");
    const bounds = partBoundaries(prev.lo, prev.hi, prev.values.length - 1);
    const [lo, hi] = [bounds[k], bounds[k + 1]];
    let next: Segment;
    if (level === 0 && hi - lo === 1) {
      next = { lo: 0, hi: maxSteps, values: bisectionValues(mover.machine, 0, maxSteps, params.degree) };
      posted = next.values.length;
      await record(
        "switchToStep",
        mover.address,
        r.send(
          r.cm,
          "switchToStep",
          [
            id,
            segmentArg(prev),
            BigInt(k),
            transactionProofArg(setup, lo),
            openingArg(mover.end),
            next.values.map(hex),
          ],
          mover.address,
        ),
      );
      level = 1;
      roots = {
        rootBefore: hex(mover.root(lo)),
        defenderRoot: hex(setup.defender.root(hi)),
        challengerRoot: hex(setup.challenger.root(hi)),
      };
    } else if (level === 1 && hi - lo === 1) {
      if (mover === setup.dishonest) break; // its proof would be refused (tested separately): it stops
      const proof = setup.stepProof ? setup.stepProof(lo) : r.machine.codeRoot;
      await record(
        "proveStep",
        mover.address,
        r.send(r.cm, "proveStep", [id, segmentArg(prev), BigInt(k), hex(proof)], mover.address),
      );
      return { id, moves };
    } else {
      const history2 = level === 0 ? mover.root : mover.machine;
      next = { lo, hi, values: bisectionValues(history2, lo, hi, params.degree) };
      posted = next.values.length;
      const toEnd = level === 1 && hi === maxSteps;
      const args: unknown[] = [id, segmentArg(prev), BigInt(k), next.values.map(hex)];
      if (toEnd) args.push(openingArg(mover.end), roots);
      const kind = toEnd ? "bisectToEnd" : "bisect";
      await record(kind, mover.address, r.send(r.cm, kind, args, mover.address));
    }
    prev = next;
    [mover, other] = [other, mover];
  }
  // The dishonest party stopped: wait out its clock.
  await r.advance(params.clock + 1);
  await record("timeout", other.address, r.send(r.cm, "timeout", [id], other.address));
  return { id, moves };
}
