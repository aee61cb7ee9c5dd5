// Random host-calling programs (fast-check): straight-line sequences of optio.* calls with valid,
// misaligned and out-of-bounds arguments, interleaved with stores, run on the fast path
// (TransactionRunner) and the provable path (ProvableTransaction, sometimes stepped with the hash
// after every step) at random gas limits: outcome, code, trap, gas, writes and post roots agree.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ZERO } from "../protocol/index.ts";
import { type Leaf, referenceHash, referenceProof } from "../protocol/smt/reference.ts";
import { loadModule } from "./loadModule.ts";
import { ProvableTransaction } from "./ProvableTransaction.ts";
import { ProvableState } from "./state/ProvableState.ts";
import { keyString, type StateWrite } from "./state/StateOverlay.ts";
import type { TransactionResult } from "./Transaction.ts";
import { TransactionRunner } from "./TransactionRunner.ts";
import { H, hostProgram } from "./testing/hostProgram.ts";
import { i32c as c, i64c } from "./testing/wasmBuilder.ts";

const RUNS = Number(process.env.OPTIO_HOST_DIFF_RUNS ?? 150);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const CONTEXT = { timestamp: 7n, l2Block: 8n, origin: 0n };

/** A pointer: mostly aligned and in bounds, sometimes misaligned or past the end (one page). */
const pointer = (align: number) =>
  fc.oneof(
    { weight: 40, arbitrary: fc.integer({ min: 0, max: 65_536 / align - 1 }).map((i) => i * align) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 65_535 }).filter((p) => p % align !== 0) },
    { weight: 1, arbitrary: fc.constantFrom(65_536, -align, 65_536 - align + 32 * (align > 32 ? 1 : 0)) },
  );

const op = fc.oneof(
  fc
    .tuple(pointer(32), fc.integer({ min: 0, max: 200 }))
    .map(([d, o]) => [...c(d), ...c(o), 0x10, H.input_read]),
  pointer(64).map((p) => [...c(p), 0x10, H.state_read]),
  pointer(64).map((p) => [...c(p), 0x10, H.state_write]),
  pointer(128).map((p) => [...c(p), 0x10, H.ecrecover, 0x1a]),
  fc
    .tuple(fc.integer({ min: 0, max: 65_600 }), fc.integer({ min: 0, max: 1_100 }), pointer(32))
    .map(([s, l, d]) => [...c(s), ...c(l), ...c(d), 0x10, H.keccak]),
  fc.integer({ min: -1, max: 3 }).map((f) => [...c(f), 0x10, H.context, 0x1a]),
  fc.constant([0x10, H.input_size, 0x1a]),
  fc
    .tuple(fc.integer({ min: 0, max: 65_528 }), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }))
    .map(([a, v]) => [...c(a), ...i64c(v), 0x37, 3, 0]),
  fc.integer({ min: 0, max: 9 }).map((code) => (code === 0 ? [...c(code), 0x10, H.revert] : [0x01])),
);

const PRE: Leaf[] = [1, 2, 3].map((i) => ({
  key: new Uint8Array(32).fill(i),
  value: new Uint8Array(32).fill(0x10 + i),
}));
const ZERO_KEY: Leaf = { key: new Uint8Array(32), value: new Uint8Array(32).fill(0x77) };
PRE.push(ZERO_KEY);

function rootAfter(writes: StateWrite[]): string {
  const m = new Map(PRE.map((l) => [keyString(l.key), l]));
  for (const [key, value] of writes) {
    if (value.some((b) => b !== 0)) m.set(keyString(key), { key, value });
    else m.delete(keyString(key));
  }
  return hex(referenceHash([...m.values()]));
}

const view = (r: TransactionResult) => ({
  ...r,
  writes: r.writes.map(([k, v]) => [hex(k), hex(v)]),
});

describe("random host-calling programs, fast vs provable", () => {
  it("test_hostDifferential_randomPrograms_agree_succeeds", () => {
    let reverted = 0;
    let written = 0;
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 24 }),
        fc.uint8Array({ minLength: 0, maxLength: 160 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (ops, input, cut, step) => {
          const bytes = hostProgram([...ops.flat(), ...c(0)]);
          const flat = loadModule(bytes);
          const fast = TransactionRunner.load(bytes);
          const state = { get: (k: Uint8Array) => PRE.find((l) => hex(l.key) === hex(k))?.value ?? ZERO };
          const full = fast.runTransaction({ input, batchContext: CONTEXT, state });
          for (const gasLimit of [10_000_000, Math.floor(full.gasUsed * cut)]) {
            const f = fast.runTransaction({ input, batchContext: CONTEXT, state, gasLimit });
            const pre = ProvableState.fromSource({
              root: referenceHash(PRE),
              prove: (k) => referenceProof(PRE, k),
            });
            const p = ProvableTransaction.start(flat, { input, batchContext: CONTEXT, state: pre, gasLimit });
            if (step) {
              p.interpreter.hash();
              while (p.step().kind === "running") p.interpreter.hash();
            }
            const r = step ? p.result() : p.run();
            expect(view(r)).toEqual(view(f));
            expect(hex(p.postRoot)).toBe(rootAfter(f.writes));
            if (f.outcome === "reverted") reverted++;
            written += f.writes.length;
          }
        },
      ),
      { numRuns: RUNS, seed: 0x0971 },
    );
    expect(reverted).toBeGreaterThan(RUNS / 4);
    expect(written).toBeGreaterThan(RUNS / 4);
  });
});
