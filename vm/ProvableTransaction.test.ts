import { describe, expect, it } from "vitest";
import { ZERO } from "../protocol/index.ts";
import { referenceHash } from "../protocol/smt/reference.ts";
import { encodeBatchContext } from "./host/BatchContext.ts";
import { inputHash } from "./host/inputHash.ts";
import { initialMachineHash, initialMachineParts } from "./initialMachineParts.ts";
import { loadModule } from "./loadModule.ts";
import { hashGlobalState } from "./machineHash.ts";
import { ProvableTransaction } from "./ProvableTransaction.ts";
import { GAS_HOST_CALL, GAS_STATE_WRITE, TX_GAS_LIMIT } from "./params.ts";
import { keyString, type StateReader, type StateWrite } from "./state/StateOverlay.ts";
import type { TransactionResult } from "./Transaction.ts";
import { TransactionRunner } from "./TransactionRunner.ts";
import {
  HOST_CONTEXT as CONTEXT,
  PRE_LEAVES as PRE,
  preState,
  signedEcrecoverInput as signedInput,
} from "./testing/hostFixtures.ts";
import { H, hostProgram, MAIN } from "./testing/hostProgram.ts";
import { BAD_CALLS, hostScenarios, KECCAK_HUGE, PRE_VALUES } from "./testing/hostScenarios.ts";
import { i32c } from "./testing/wasmBuilder.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

const fastState: StateReader = {
  get: (k) => PRE.find((l) => hex(l.key) === hex(k))?.value ?? ZERO,
};

/** The root after applying `writes` to the pre-state, from the reference tree. */
function rootAfter(writes: StateWrite[]): string {
  const m = new Map(PRE.map((l) => [keyString(l.key), l]));
  for (const [key, value] of writes) {
    if (value.some((b) => b !== 0)) m.set(keyString(key), { key, value });
    else m.delete(keyString(key));
  }
  return hex(referenceHash([...m.values()]));
}

const view = (r: TransactionResult) => ({
  outcome: r.outcome,
  code: r.code,
  trap: r.trap,
  gasLeft: r.gasLeft,
  gasUsed: r.gasUsed,
  writes: r.writes.map(([k, v]) => [hex(k), hex(v)]),
});

/** Gas limits that stop a run everywhere interesting: 0, small, a sweep, around the end. */
function gasLimits(used: number): number[] {
  const out = new Set([
    0,
    1,
    7,
    100,
    150,
    used - 1,
    used,
    used + 1,
    Math.floor(used / 2),
    Math.floor(used / 3),
  ]);
  for (let g = 0; g < used; g += Math.max(1, Math.floor(used / 60))) out.add(g);
  return [...out].filter((g) => g >= 0);
}

function stepped(bytes: Uint8Array, input: Uint8Array, gasLimit: number) {
  const tx = ProvableTransaction.start(loadModule(bytes), {
    input,
    batchContext: CONTEXT,
    state: preState(),
    gasLimit,
  });
  tx.interpreter.hash();
  while (tx.step().kind === "running") tx.interpreter.hash();
  tx.interpreter.hash();
  return tx;
}

describe("host interface and transactions, fast vs provable", async () => {
  const valid = await signedInput();
  const invalid = valid.slice();
  invalid[63] = 29;
  const scenarios = [
    ...hostScenarios(valid),
    { ...hostScenarios(invalid).find((s) => s.name === "ecrecover")!, name: "ecrecoverInvalid" },
  ];

  for (const s of scenarios) {
    it(`test_transaction_${s.name}_agreesOnBothPaths_succeeds`, () => {
      const fast = TransactionRunner.load(s.bytes);
      const flat = loadModule(s.bytes);
      const full = fast.runTransaction({ input: s.input, batchContext: CONTEXT, state: fastState });
      const limits = gasLimits(full.gasUsed);
      for (const gasLimit of limits) {
        const f = fast.runTransaction({ input: s.input, batchContext: CONTEXT, state: fastState, gasLimit });
        const p = ProvableTransaction.start(flat, {
          input: s.input,
          batchContext: CONTEXT,
          state: preState(),
          gasLimit,
        });
        const pr = p.run();
        expect(view(pr), `${s.name} at gas ${gasLimit}`).toEqual(view(f));
        expect(hex(p.postRoot)).toBe(rootAfter(f.writes));
      }
      // Stepping (hash after every step) reaches the same end, at the full gas and out of gas half-way.
      for (const gasLimit of [TX_GAS_LIMIT, Math.floor(full.gasUsed / 2)]) {
        const f = fast.runTransaction({ input: s.input, batchContext: CONTEXT, state: fastState, gasLimit });
        const st = stepped(s.bytes, s.input, gasLimit);
        expect(view(st.result())).toEqual(view(f));
        expect(hex(st.postRoot)).toBe(rootAfter(f.writes));
        // The incremental hash equals one rebuilt from scratch on a restored copy.
        const fresh = ProvableTransaction.start(flat, {
          input: s.input,
          batchContext: CONTEXT,
          state: preState(),
          gasLimit,
        });
        fresh.interpreter.restore(st.interpreter.snapshot());
        fresh.interpreter.setGlobalState({ stateRoot: st.state.root });
        expect(hex(fresh.interpreter.hash())).toBe(hex(st.interpreter.hash()));
      }
    });
  }

  it("test_transaction_expectedOutcomes_succeeds", () => {
    const run = (name: string) => {
      const s = scenarios.find((x) => x.name === name)!;
      return TransactionRunner.load(s.bytes).runTransaction({
        input: s.input,
        batchContext: CONTEXT,
        state: fastState,
      });
    };
    const rw = run("readWrite");
    expect(rw.outcome).toBe("executed");
    expect(rw.code).toBe(99 + 4242);
    expect(rw.writes.length).toBe(2);
    expect(hex(rw.writes[1][1])).toBe(hex(PRE_VALUES[1]));
    expect(run("revert")).toMatchObject({ outcome: "reverted", trap: "revert", code: 77, writes: [] });
    expect(run("revertMaxCode")).toMatchObject({ outcome: "reverted", trap: "revert", code: 0xffffffff });
    expect(run("trapAfterWrite")).toMatchObject({
      outcome: "reverted",
      trap: "unreachable",
      code: 0,
      writes: [],
    });
    expect(run("rejectionKeepsWrites")).toMatchObject({ outcome: "executed", code: 3 });
    expect(run("rejectionKeepsWrites").writes.length).toBe(1);
    expect(run("ecrecover")).toMatchObject({ outcome: "executed", code: 1 });
    expect(run("ecrecoverInvalid")).toMatchObject({ outcome: "executed", code: 0 });
    expect(run("context").code).toBe((1_764_000_000 + 4242 + 1 + 32) >>> 0);
    for (const name of Object.keys(BAD_CALLS)) {
      expect(run(`bad.${name}`), name).toMatchObject({ outcome: "reverted", trap: "host trap", writes: [] });
    }
    expect(run("manyWrites").writes.length).toBe(40);
    expect(run("keccakHugeLength")).toMatchObject({ outcome: "reverted", trap: "out of gas", writes: [] });
  });

  it("test_transaction_refusedHostCallChargesOnlyTheBlock_succeeds", () => {
    // A straight-line main is one block: a refused call leaves exactly that block's charge used.
    for (const [name, bad] of [...Object.entries(BAD_CALLS), ["keccakHuge", KECCAK_HUGE] as const]) {
      const bytes = hostProgram([...bad, ...i32c(0)]);
      const flat = loadModule(bytes);
      const block = flat.gas[flat.funcEntry[MAIN]];
      const r = TransactionRunner.load(bytes).runTransaction({
        input: new Uint8Array(64),
        batchContext: CONTEXT,
        state: fastState,
      });
      expect(r, name).toMatchObject({
        outcome: "reverted",
        trap: name === "keccakHuge" ? "out of gas" : "host trap",
      });
      expect(r.gasUsed, name).toBe(block);
      const p = ProvableTransaction.start(flat, {
        input: new Uint8Array(64),
        batchContext: CONTEXT,
        state: preState(),
      });
      expect(view(p.run())).toEqual(view(r));
    }
  });

  it("test_transaction_reusedInstanceStartsFresh_succeeds", () => {
    for (const name of ["counter", "grow"]) {
      const s = scenarios.find((x) => x.name === name)!;
      const runner = TransactionRunner.load(s.bytes);
      const first = runner.runTransaction({ input: s.input, batchContext: CONTEXT, state: fastState });
      for (let i = 0; i < 3; i++) {
        expect(
          view(runner.runTransaction({ input: s.input, batchContext: CONTEXT, state: fastState })),
        ).toEqual(view(first));
      }
      expect(first.code).toBe(name === "counter" ? 6 + 13 : 2);
    }
    // Interleaved scenarios on one runner each, against fresh runners.
    const a = scenarios.find((x) => x.name === "readWrite")!;
    const runner = TransactionRunner.load(a.bytes);
    const r1 = runner.runTransaction({
      input: a.input,
      batchContext: CONTEXT,
      state: fastState,
      gasLimit: 500,
    });
    const r2 = runner.runTransaction({ input: a.input, batchContext: CONTEXT, state: fastState });
    expect(r1.trap).toBe("out of gas");
    expect(view(r2)).toEqual(
      view(
        TransactionRunner.load(a.bytes).runTransaction({
          input: a.input,
          batchContext: CONTEXT,
          state: fastState,
        }),
      ),
    );
  });

  it("test_transaction_outOfGasInHostCallLeavesGasUnchanged_succeeds", () => {
    // main: state_write(0) first; the entry block costs `block`, then the host wants GAS_STATE_WRITE more.
    const bytes = hostProgram([...i32c(0), 0x10, H.state_write, ...i32c(0)]);
    const flat = loadModule(bytes);
    const full = ProvableTransaction.start(flat, {
      input: new Uint8Array(0),
      batchContext: CONTEXT,
      state: preState(),
    }).run();
    const block = full.gasUsed - GAS_STATE_WRITE;
    expect(block).toBeGreaterThanOrEqual(GAS_HOST_CALL);
    for (const gasLimit of [block, block + GAS_STATE_WRITE - 1]) {
      const tx = ProvableTransaction.start(flat, {
        input: new Uint8Array(0),
        batchContext: CONTEXT,
        state: preState(),
        gasLimit,
      });
      const statuses = [];
      for (;;) {
        const s = tx.step();
        statuses.push(s.kind);
        if (s.kind !== "running") break;
      }
      expect(statuses.at(-1)).toBe("outOfGas");
      expect(tx.interpreter.gasLeft).toBe(gasLimit - block);
      // Entry, i32.const, then the host call that could not pay: two steps executed.
      expect(tx.interpreter.stepCount).toBe(2);
      const f = TransactionRunner.load(bytes).runTransaction({
        input: new Uint8Array(0),
        batchContext: CONTEXT,
        state: fastState,
        gasLimit,
      });
      expect(f).toMatchObject({
        outcome: "reverted",
        trap: "out of gas",
        gasLeft: gasLimit - block,
        writes: [],
      });
    }
  });

  it("test_transaction_snapshotRestore_keepsStateWithMachine_succeeds", () => {
    // Snapshots at every step of a writing transaction; going back to any of them puts the state
    // at the machine's stateRoot, and running on from there ends as the uninterrupted run.
    const s = scenarios.find((x) => x.name === "overwriteAndDelete")!;
    const flat = loadModule(s.bytes);
    const tx = ProvableTransaction.start(flat, { input: s.input, batchContext: CONTEXT, state: preState() });
    const snaps = [tx.snapshot()];
    const roots = [hex(tx.state.root)];
    while (tx.step().kind === "running") {
      snaps.push(tx.snapshot());
      roots.push(hex(tx.state.root));
    }
    const end = view(tx.result());
    const endHash = hex(tx.interpreter.hash());
    expect(new Set(roots).size).toBeGreaterThan(3);
    for (const i of [0, 1, Math.floor(snaps.length / 2), snaps.length - 2]) {
      tx.restore(snaps[i]);
      expect(hex(tx.state.root)).toBe(roots[i]);
      expect(hex(tx.state.root)).toBe(hex(tx.interpreter.proofView().globalState.stateRoot));
      while (tx.step().kind === "running") {}
      expect(view(tx.result())).toEqual(end);
      expect(hex(tx.interpreter.hash())).toBe(endHash);
    }
  });

  it("test_transaction_initialMachineHash_matchesTheInterpreter_succeeds", () => {
    const s = scenarios.find((x) => x.name === "readWrite")!;
    const parts = initialMachineParts(s.bytes);
    const tx = ProvableTransaction.start(loadModule(s.bytes), {
      input: s.input,
      batchContext: CONTEXT,
      state: preState(),
    });
    const gs = hashGlobalState(
      {
        stateRoot: referenceHash(PRE),
        inputHash: inputHash(s.input),
        batchContext: encodeBatchContext(CONTEXT),
      },
      TX_GAS_LIMIT,
    );
    expect(hex(initialMachineHash(parts, gs))).toBe(hex(tx.interpreter.hash()));
    // The parts do not depend on the transaction: another input, state and context give the same.
    expect(parts.statusWord[0]).toBe(0);
    const other = hostScenarios(new Uint8Array(128)).find((x) => x.name === "readWrite")!;
    expect(initialMachineParts(other.bytes)).toEqual(parts);
  });

  it("test_transaction_badInput_reverts", () => {
    const s = scenarios[0];
    const runner = TransactionRunner.load(s.bytes);
    expect(() =>
      runner.runTransaction({ input: new Uint8Array(4097), batchContext: CONTEXT, state: fastState }),
    ).toThrow(/at most 4096 bytes/);
    expect(() =>
      runner.runTransaction({
        input: s.input,
        batchContext: { ...CONTEXT, timestamp: -1n },
        state: fastState,
      }),
    ).toThrow(/timestamp: expected a u64/);
    expect(() =>
      runner.runTransaction({ input: s.input, batchContext: CONTEXT, state: fastState, gasLimit: 1.5 }),
    ).toThrow(/gasLimit/);
    expect(() => TransactionRunner.load(hostProgram([0x41, 0]).slice(0, 20))).toThrow();
  });
});
