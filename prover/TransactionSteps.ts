import { encodeProof, type MachineOpening, rootAfterTransaction } from "../protocol/index.ts";
import {
  codeRoot,
  type FlatModule,
  ProvableTransaction,
  type ProvableTransactionRequest,
  type ProvableTransactionSnapshot,
  params,
} from "../vm/index.ts";
import { PositionError } from "./errors.ts";
import { machineOpening } from "./machineOpening.ts";
import { type HostWitnesses, stepProof } from "./proof/stepProof.ts";
import type { StepProof } from "./StepProver.ts";

export interface TransactionStepsOptions {
  /** The step level's last position (MAX_TX_STEPS); a stopped machine's hash repeats up to it. */
  readonly maxSteps?: number;
  /** Machine snapshots kept to restart from (each a copy of the memory and a fork of the state); >= 1. */
  readonly maxSnapshots?: number;
  /**
   * From a position just hashed, a position at most this many steps ahead is reached by stepping with the
   * hasher tracking changes (a few keccaks a step) rather than running unhashed and rebuilding the trees
   * (milliseconds for the engine's memory): the narrow last rounds of a dispute. 0 disables it.
   */
  readonly trackedGap?: number;
}

/** What the history computed so far (a bench and the tests read it). */
export interface TransactionStepsStats {
  /** Steps executed, unhashed (re-runs from a snapshot included). */
  stepsRun: number;
  /** Machine hashes computed (each rebuilds the machine's trees once). */
  hashes: number;
  /** Restarts from a snapshot. */
  restores: number;
}

/** Snapshots kept by default: 64 of an engine machine are a few tens of MB. */
const DEFAULT_SNAPSHOTS = 64;
/**
 * Default trackedGap: a tracked step costs about 15 us (bench verifier's baseline: 159,656 steps hashed in
 * 2.3 s), a rebuild of the engine machine's trees 2-12 ms, so up to a few hundred steps tracking wins.
 */
const DEFAULT_TRACKED_GAP = 256;

/**
 * The step-level history of one transaction (docs/verifier.md, "Step-level values"): the machine hash
 * at any position s in 0..maxSteps (after s steps; a stopped machine's hash repeats), the opening of
 * its last hash and the one-step proof of any step. Hashing every step costs a tree update per step, so
 * the machine runs UNHASHED (Interpreter.runUntil, at interpreter speed) to each position asked for and
 * hashes only there; hashes are cached, and a snapshot is kept at each hashed position so that a later,
 * narrower bisection round restarts from the nearest one below it instead of from step 0.
 *
 * One instance is one provable transaction (a fresh engine instance on the transaction's pre-state);
 * positions may be asked in any order. Not safe for concurrent use (it owns one interpreter).
 */
export class TransactionSteps {
  readonly maxSteps: number;
  readonly stats: TransactionStepsStats = { stepsRun: 0, hashes: 0, restores: 0 };
  private readonly tx: ProvableTransaction;
  private readonly input: Uint8Array;
  private readonly maxSnapshots: number;
  private readonly hashes = new Map<number, Uint8Array>();
  /** In the order taken; [0] is the start and is never evicted. */
  private readonly snapshots: { step: number; snap: ProvableTransactionSnapshot }[];
  /** Step count at which the machine stopped, once seen. */
  private stopStep: number | undefined;
  /** The step count at which the machine's hasher is current (just hashed, nothing run unhashed since). */
  private trackedAt: number | undefined;
  private readonly trackedGap: number;
  private endOpening: MachineOpening | undefined;

  private constructor(
    flat: FlatModule,
    request: ProvableTransactionRequest,
    options: TransactionStepsOptions,
  ) {
    this.maxSteps = options.maxSteps ?? params.MAX_TX_STEPS;
    this.maxSnapshots = Math.max(1, options.maxSnapshots ?? DEFAULT_SNAPSHOTS);
    this.trackedGap = Math.max(0, options.trackedGap ?? DEFAULT_TRACKED_GAP);
    this.input = request.input;
    this.tx = ProvableTransaction.start(flat, request);
    this.snapshots = [{ step: 0, snap: this.tx.snapshot() }];
  }

  /** The transaction set up before its first step (bad input throws TransactionInputError). */
  static start(
    flat: FlatModule,
    request: ProvableTransactionRequest,
    options: TransactionStepsOptions = {},
  ): TransactionSteps {
    return new TransactionSteps(flat, request, options);
  }

  /** The root before the transaction. */
  get preRoot(): Uint8Array {
    return this.tx.preRoot;
  }

  /** The code root the step level pins (the engine's). */
  get codeRoot(): Uint8Array {
    return codeRoot(this.tx.interpreter.module);
  }

  /** The machine hash after `s` steps (s in 0..maxSteps). */
  hashAt(s: number): Uint8Array {
    this.check(s);
    const at = this.stopStep !== undefined && s > this.stopStep ? this.stopStep : s;
    const cached = this.hashes.get(at);
    if (cached !== undefined) return cached;
    const reached = this.seek(at);
    const h = this.tx.interpreter.hash().slice();
    this.trackedAt = reached;
    this.stats.hashes++;
    this.hashes.set(reached, h);
    if (reached !== at) this.hashes.set(at, h);
    if (this.tx.interpreter.status.kind === "running") this.keepSnapshot(reached);
    return h;
  }

  /** The machine hashes at `positions`, computed in ascending order so that one run serves them all. */
  hashesAt(positions: readonly number[]): Uint8Array[] {
    for (const s of [...positions].sort((a, b) => a - b)) this.hashAt(s);
    return positions.map((s) => this.hashAt(s));
  }

  /** Steps until the machine stopped (runs it to its end, unhashed, if not seen yet). */
  get steps(): number {
    if (this.stopStep === undefined) this.seek(this.maxSteps);
    if (this.stopStep === undefined)
      throw new PositionError("a stop within maxSteps", this.maxSteps, this.maxSteps);
    return this.stopStep;
  }

  /** The opening of the last machine hash (position maxSteps): what switchToStep and bisectToEnd take. */
  end(): MachineOpening {
    if (this.endOpening === undefined) {
      this.seek(this.steps);
      this.endOpening = machineOpening(this.tx.interpreter);
      this.stats.hashes++;
    }
    return this.endOpening;
  }

  /** The root after the transaction: its final state root if it halted, else the root before it. */
  rootAfter(): Uint8Array {
    const root = rootAfterTransaction(this.preRoot, this.end());
    if (root === undefined) throw new PositionError("a stop within maxSteps", this.maxSteps, this.maxSteps);
    return root;
  }

  /** The one-step proof of step `s` (hash s -> hash s + 1); past the stop the stopped machine steps to itself. */
  proveStep(s: number): StepProof {
    this.check(s);
    if (s >= this.maxSteps) throw new PositionError("a step", s, this.maxSteps - 1);
    this.seek(s);
    const witnesses: HostWitnesses = {
      input: this.input,
      proveState: (k) => encodeProof(this.tx.state.prove(k)),
    };
    const v = stepProof(this.tx.interpreter, witnesses);
    this.trackedAt = this.tx.interpreter.stepCount;
    this.stats.hashes += 2;
    if (this.tx.interpreter.status.kind !== "running") this.stopStep ??= this.tx.interpreter.stepCount;
    return { step: s, before: v.before, proof: v.proof, after: v.after, codeRoot: this.codeRoot };
  }

  private check(s: number): void {
    if (!Number.isSafeInteger(s) || s < 0 || s > this.maxSteps)
      throw new PositionError("a step position", s, this.maxSteps);
  }

  /** Put the machine at `s` steps (or at its stop, if earlier) and return the step count reached. */
  private seek(s: number): number {
    const it = this.tx.interpreter;
    const live = it.stepCount;
    if (this.trackedAt === live && live <= s && s - live <= this.trackedGap) {
      // The trees are current here and s is near: step with the hasher tracking what changes.
      while (it.stepCount < s && it.status.kind === "running") it.step();
      this.stats.stepsRun += it.stepCount - live;
      if (it.status.kind !== "running") this.stopStep ??= it.stepCount;
      return it.stepCount;
    }
    const base = this.snapshotBelow(s);
    // Restart from a snapshot when the live machine is past s (a stopped one is at its stop), or when a
    // snapshot is nearer to s than it.
    if (live > s || base.step > live) {
      this.tx.restore(base.snap);
      this.trackedAt = undefined;
      this.stats.restores++;
    }
    const from = it.stepCount;
    it.runUntil(s);
    if (it.stepCount !== from) this.trackedAt = undefined;
    this.stats.stepsRun += it.stepCount - from;
    if (it.status.kind !== "running") this.stopStep ??= it.stepCount;
    return it.stepCount;
  }

  private snapshotBelow(s: number): { step: number; snap: ProvableTransactionSnapshot } {
    let best = this.snapshots[0];
    for (const x of this.snapshots) if (x.step <= s && x.step > best.step) best = x;
    return best;
  }

  private keepSnapshot(step: number): void {
    if (this.snapshots.some((x) => x.step === step)) return;
    if (this.snapshots.length >= this.maxSnapshots) {
      if (this.maxSnapshots === 1) return;
      // Evict the oldest kept after the start: later rounds narrow down, so recent snapshots serve them.
      this.snapshots.splice(1, 1);
    }
    this.snapshots.push({ step, snap: this.tx.snapshot() });
  }
}
