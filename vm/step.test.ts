import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Domain } from "../protocol/index.ts";
import { findSpecDir, readSpecCommands, specFolders, specValue } from "./conformance.ts";
import type { FlatModule } from "./FlatModule.ts";
import { type HostFunction, Interpreter, type RunResult, type Value } from "./Interpreter.ts";
import { loadModule } from "./loadModule.ts";
import { MEMORY_TREE_DEPTH, MerkleTree } from "./machineHash.ts";
import { stepProgramBytes, stepProgramCalls, stepProgramImports } from "./testing/stepPrograms.ts";
import { buildModule, i32, i64c } from "./testing/wasmBuilder.ts";

function instance(flat: FlatModule, imports: Record<string, HostFunction> = {}): Interpreter {
  const r = Interpreter.instantiate(flat, imports);
  if (!r.ok) throw new Error(`instantiation trapped: ${r.trap}`);
  return r.instance;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

interface StepOptions {
  /** Hash after every step. */
  hash?: boolean;
  /** Also check the incremental hash against a from-scratch hash (on this instance) every `scratchEvery` steps. */
  scratch?: Interpreter;
  scratchEvery?: number;
}

/** Run a call one step at a time; the step count is checked against the status changes. */
function stepped(it: Interpreter, name: string, args: Value[], gas: number, o: StepOptions = {}): RunResult {
  it.start(name, args, gas);
  for (;;) {
    if (o.hash) {
      const h = it.hash();
      if (o.scratch !== undefined && it.stepCount % (o.scratchEvery ?? 1) === 0) {
        o.scratch.restore(it.snapshot());
        expect(hex(o.scratch.hash())).toBe(hex(h));
      }
    }
    const before = it.stepCount;
    const s = it.step();
    if (s.kind === "running") expect(it.stepCount).toBe(before + 1);
    else break;
  }
  if (o.hash) {
    const h = it.hash();
    if (o.scratch !== undefined) {
      o.scratch.restore(it.snapshot());
      expect(hex(o.scratch.hash())).toBe(hex(h));
    }
  }
  return it.result();
}

/** The fast run and the stepped run agree on results, traps, gas left, steps, memory and globals. */
function lockstep(
  fast: Interpreter,
  slow: Interpreter,
  name: string,
  args: Value[],
  gas: number,
  o: StepOptions,
) {
  const a = fast.invoke(name, args, gas);
  const b = stepped(slow, name, args, gas, o);
  expect(b).toEqual(a);
  expect(slow.status.kind).toBe(a.ok ? "halted" : a.trap === "out of gas" ? "outOfGas" : "trapped");
  // Buffer.equals: vitest's deep equality is slow on megabytes.
  expect(Buffer.from(slow.memory).equals(Buffer.from(fast.memory))).toBe(true);
  expect(Buffer.from(slow.globals.buffer).equals(Buffer.from(fast.globals.buffer))).toBe(true);
  return a;
}

describe("Interpreter.step", () => {
  const flat = loadModule(stepProgramBytes);

  it("test_step_builderPrograms_matchFastRunAtEveryGasLimit", () => {
    const fast = instance(flat, stepProgramImports);
    const slow = instance(flat, stepProgramImports);
    for (const [name, args] of stepProgramCalls) {
      const full = lockstep(fast, slow, name, args, 1_000_000, {});
      const used = 1_000_000 - full.gasLeft;
      for (const gas of [used, used - 1, Math.floor(used / 2), 7, 0]) {
        if (gas >= 0) lockstep(fast, slow, name, args, gas, {});
      }
    }
  });

  it("test_step_withHashEveryStep_incrementalEqualsFromScratch", () => {
    const fast = instance(flat, stepProgramImports);
    const slow = instance(flat, stepProgramImports);
    const scratch = instance(flat, stepProgramImports);
    for (const [name, args] of stepProgramCalls) {
      const o = { hash: true, scratch, scratchEvery: name === "mem" ? 5 : 1 };
      const full = lockstep(fast, slow, name, args, 1_000_000, o);
      lockstep(fast, slow, name, args, Math.floor((1_000_000 - full.gasLeft) / 2), o);
    }
  });

  it("test_step_afterHalt_doesNothing", () => {
    const it = instance(flat, stepProgramImports);
    it.start("fib", [3]);
    while (it.step().kind === "running");
    const h = hex(it.hash());
    const steps = it.stepCount;
    expect(it.step()).toEqual({ kind: "halted", values: [2] });
    expect(it.stepCount).toBe(steps);
    expect(hex(it.hash())).toBe(h);
  });

  it("test_step_outOfGas_reportsOutOfGasWithGasUnchanged", () => {
    const it = instance(flat, stepProgramImports);
    it.start("fib", [5], 3);
    let s = it.step();
    while (s.kind === "running") s = it.step();
    expect(s).toEqual({ kind: "outOfGas" });
    expect(it.result()).toMatchObject({ ok: false, trap: "out of gas" });
  });

  it("test_step_i32Results_haveZeroHighHalf", () => {
    // Every i32 result is canonical (zero-extended) so the state hash needs no types.
    const body = (ops: number[]) => ({ type: 0, body: ops, export: `f${ops.join("_")}` });
    const negOne64 = i64c(-1n);
    const funcs = [
      body([...negOne64, 0xa7]), // i32.wrap_i64
      body([...negOne64, ...negOne64, 0x53]), // i64.lt_s
      body([...negOne64, 0x50]), // i64.eqz
      body([0x41, 0, 0x2c, 0, 0]), // i32.load8_s of 0xff
      body([0x41, 0, 0x2e, 1, 0]), // i32.load16_s of 0xffff
      body([...negOne64, 0x1a, 0x41, 0x7f]), // i32.const -1 where an i64 was
      body([0x41, 0x7f, 0x41, 1, 0x6a]), // i32.add
    ];
    const m = loadModule(
      buildModule({
        types: [{ params: [], results: [i32] }],
        memory: { min: 1 },
        datas: [{ offset: 0, bytes: [0xff, 0xff] }],
        funcs,
      }),
    );
    const it = instance(m);
    for (const f of funcs) {
      const r = it.invoke(f.export, []);
      expect(r.ok).toBe(true);
      expect(it.stackWord(0)).toBeLessThan(1n << 32n);
    }
  });
});

describe("Interpreter.hash", () => {
  const flat = loadModule(stepProgramBytes);

  it("test_hash_sameRun_isDeterministic", () => {
    const a = instance(flat, stepProgramImports);
    const b = instance(flat, stepProgramImports);
    a.start("mem", [5]);
    b.start("mem", [5]);
    const seen = new Set<string>();
    for (;;) {
      const ha = hex(a.hash());
      expect(hex(b.hash())).toBe(ha);
      seen.add(ha);
      const sa = a.step();
      b.step();
      if (sa.kind !== "running") break;
    }
    expect(hex(a.hash())).toBe(hex(b.hash()));
    seen.add(hex(a.hash()));
    // Every step changes the state (pc, stack or gas at least): no hash repeats.
    expect(seen.size).toBe(a.stepCount + 1);
  });

  it("test_hash_eachPart_changesTheHash", () => {
    const base = () => {
      const it = instance(flat, stepProgramImports);
      it.start("mem", [5], 10_000);
      return it;
    };
    const h0 = hex(base().hash());
    const variants: [string, (it: Interpreter) => void][] = [
      ["argument (value stack)", (it) => it.start("mem", [6], 10_000)],
      ["gas left", (it) => it.start("mem", [5], 10_001)],
      ["pc and frames", (it) => it.start("fib", [5], 10_000)],
      ["state root", (it) => it.setGlobalState({ stateRoot: new Uint8Array(32).fill(1) })],
      ["input hash", (it) => it.setGlobalState({ inputHash: new Uint8Array(32).fill(1) })],
      ["batch context", (it) => it.setGlobalState({ batchContext: new Uint8Array(32).fill(1) })],
      ["a global", (it) => it.globals.set([1], 0)],
      ["a memory byte", (it) => it.memory.set([1], 5000)],
    ];
    for (const [what, change] of variants) {
      const it = base();
      it.hash();
      change(it);
      it.restore(it.snapshot()); // restore forgets the incremental state: direct writes become visible
      expect(hex(it.hash()), what).not.toBe(h0);
    }
  });

  it("test_hash_trapped_dependsOnStatusTrapAndGlobalStateOnly", () => {
    const a = instance(flat, stepProgramImports);
    const b = instance(flat, stepProgramImports);
    expect(a.invoke("div", [1, 0], 100)).toMatchObject({ trap: "integer divide by zero" });
    expect(b.invoke("bad", [1], 100)).toMatchObject({ trap: "unreachable" });
    expect(hex(a.hash())).not.toBe(hex(b.hash()));
    b.invoke("div", [5, 0], 100);
    b.memory[3] = 9;
    expect(hex(b.hash())).toBe(hex(a.hash()));
  });

  it("test_snapshotRestore_roundTripsTheHashAndTheRun", () => {
    const it = instance(flat, stepProgramImports);
    it.start("mem", [20]);
    for (let i = 0; i < 150; i++) it.step();
    const snap = it.snapshot();
    const h = hex(it.hash());
    const end = stepped(it, "mem", [20], 1_000_000); // a different run in between
    expect(end.ok).toBe(true);
    it.restore(snap);
    expect(hex(it.hash())).toBe(h);
    while (it.step().kind === "running") it.hash();
    const r1 = it.result();
    it.restore(snap);
    const r2 = it.runToEnd();
    expect(r2).toEqual(r1);
  });

  it("test_hash_afterEveryStep_thousandsOfSteps", () => {
    const it = instance(flat, stepProgramImports);
    it.start("mem", [300]);
    let n = 0;
    const t0 = performance.now();
    while (it.step().kind === "running") {
      it.hash();
      n++;
    }
    const ms = performance.now() - t0;
    expect(n).toBeGreaterThan(5_000);
    expect(it.status.kind).toBe("halted");
    // Generous bound for a loaded 2-core machine; the benchmark script measures properly.
    expect(ms).toBeLessThan(10_000);
  });
});

describe("MerkleTree", () => {
  /** Seeded xorshift32. */
  function prng(seed: number) {
    let x = seed | 0 || 1;
    return () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 2 ** 32;
    };
  }

  it("test_memoryTree_incrementalRoot_equalsFromScratchAfterRandomWrites", () => {
    for (const seed of [1, 2, 3]) {
      const rnd = prng(seed);
      let mem = new Uint8Array(65_536 * (1 + Math.floor(rnd() * 2)));
      const tree = new MerkleTree(Domain.MEMORY_NODE, MEMORY_TREE_DEPTH);
      tree.root(mem);
      for (let round = 0; round < 30; round++) {
        const writes = 1 + Math.floor(rnd() * 20);
        for (let w = 0; w < writes; w++) {
          const width = [1, 2, 4, 8][Math.floor(rnd() * 4)];
          const at = Math.floor(rnd() * (mem.length - width));
          for (let k = 0; k < width; k++) mem[at + k] = Math.floor(rnd() * 256);
          tree.touch(at >>> 5, (at + width - 1) >>> 5);
        }
        if (rnd() < 0.1) {
          const next = new Uint8Array(mem.length + 65_536);
          next.set(mem);
          mem = next;
        }
        const fresh = new MerkleTree(Domain.MEMORY_NODE, MEMORY_TREE_DEPTH);
        expect(hex(tree.root(mem))).toBe(hex(fresh.root(mem)));
      }
    }
  });

  it("test_memoryTree_emptyMemory_isTheZeroHash", () => {
    const a = new MerkleTree(Domain.MEMORY_NODE, MEMORY_TREE_DEPTH).root(new Uint8Array(0));
    const b = new MerkleTree(Domain.MEMORY_NODE, MEMORY_TREE_DEPTH).root(new Uint8Array(65_536 * 3));
    expect(hex(a)).toBe(hex(b));
  });
});

const SPEC = findSpecDir();
const SPEC_FILES = [
  "fac",
  "address",
  "store",
  "load",
  "int_exprs",
  "i64",
  "stack",
  "switch",
  "call",
  "br",
  "labels",
  "traps",
  "local_set",
  "left-to-right",
];

describe.skipIf(SPEC === undefined)("Interpreter.step on spec modules", () => {
  it("test_step_specModules_matchFastRun", () => {
    let compared = 0;
    const present = specFolders(SPEC as string);
    for (const file of SPEC_FILES.filter((f) => present.includes(f))) {
      let pair: { fast: Interpreter; slow: Interpreter; flat: FlatModule } | undefined;
      for (const cmd of readSpecCommands(SPEC as string, file)) {
        if (cmd.type === "module") {
          pair = undefined;
          try {
            const bytes = new Uint8Array(readFileSync(`${SPEC}/${file}/${cmd.filename}`));
            const m = loadModule(bytes, { stubOutOfProfile: true });
            if (m.imports.length > 0) continue;
            const a = Interpreter.instantiate(m);
            const b = Interpreter.instantiate(m);
            if (a.ok && b.ok) pair = { fast: a.instance, slow: b.instance, flat: m };
          } catch {
            // not loadable: its assertions are the conformance runner's business
          }
          continue;
        }
        const act = cmd.action;
        if (pair === undefined || act === undefined || act.type !== "invoke" || act.module !== undefined)
          continue;
        if (!["assert_return", "assert_trap", "action", "assert_exhaustion"].includes(cmd.type)) continue;
        const e = pair.flat.exports.get(act.field);
        if (e === undefined || pair.flat.stubs[e.index] !== undefined) continue;
        if ((act.args ?? []).some((v) => v.type !== "i32" && v.type !== "i64")) continue;
        const args = (act.args ?? []).map(specValue);
        const full = lockstep(pair.fast, pair.slow, act.field, args, 10_000_000, {});
        if (full.ok || full.trap !== "out of profile") {
          lockstep(pair.fast, pair.slow, act.field, args, Math.floor((10_000_000 - full.gasLeft) / 2), {
            hash: compared % 4 === 0,
          });
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});
