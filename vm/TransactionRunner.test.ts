// The fast path's instance reuse: after any run, resetToInitialState must give back exactly a
// fresh instance's memory and globals (only the chunks the run wrote are copied back).
import { describe, expect, it } from "vitest";
import { optioImports } from "./host/optioImports.ts";
import { JitRunner } from "./JitRunner.ts";
import { MAX_INPUT_BYTES } from "./params.ts";
import { TransactionRunner } from "./TransactionRunner.ts";
import { H, hostProgram } from "./testing/hostProgram.ts";
import { randomArgs, randomProgram } from "./testing/randomProgram.ts";
import { i32c } from "./testing/wasmBuilder.ts";

const PROGRAMS = Number(process.env.OPTIO_RESET_PROGRAMS ?? 300);
const CONTEXT = { timestamp: 1n, l2Block: 2n, origin: 0n };

function fresh(bytes: Uint8Array): JitRunner {
  const r = JitRunner.instantiate(
    bytes,
    optioImports(() => undefined),
  );
  if (!r.ok) throw new Error(r.trap);
  return r.instance;
}

function sameState(a: JitRunner, b: JitRunner, globals: number, what: string): void {
  if (!Buffer.from(a.memory).equals(Buffer.from(b.memory))) expect.fail(`${what}: memory differs`);
  for (let g = 0; g < globals; g++)
    expect(a.global(`g${g}`), `${what}: global ${g}`).toEqual(b.global(`g${g}`));
}

describe("TransactionRunner instance reuse", () => {
  it("test_resetToInitialState_randomPrograms_equalsFreshInstance_succeeds", () => {
    let grew = 0;
    let runs = 0;
    for (let seed = 1; seed <= PROGRAMS; seed++) {
      const prog = randomProgram(0x5e7_0000 + seed);
      const reused = fresh(prog.bytes);
      const initialPages = reused.memory.length / 65_536;
      reused.saveInitialState();
      const pristine = fresh(prog.bytes);
      for (const [e, fn] of prog.exports.entries()) {
        for (const args of randomArgs(seed + 31 * e, fn.params, 2)) {
          reused.invoke(fn.name, args, 5_000_000);
          if (reused.memory.length / 65_536 !== initialPages) grew++;
          reused.resetToInitialState();
          sameState(reused, pristine, prog.globals, `seed ${seed} ${fn.name}`);
          runs++;
        }
      }
    }
    expect(runs).toBeGreaterThan(PROGRAMS);
    expect(grew).toBeGreaterThan(0);
  });

  it("test_resetToInitialState_hostWritesAndStraddlingStores_succeeds", () => {
    // Host writes at the top of memory and an i64 store straddling two chunks (1 KiB chunks on one page).
    const bytes = hostProgram(
      [
        ...i32c(65_536 - 32),
        ...i32c(0),
        0x10,
        H.input_read,
        ...i32c(1020),
        0x42,
        0x7f,
        0x37,
        3,
        0,
        ...i32c(30_000),
        0x42,
        0x7f,
        0x3e,
        2,
        3,
        ...i32c(0),
      ],
      { datas: [{ offset: 1016, bytes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] }] },
    );
    const runner = TransactionRunner.load(bytes);
    const pristine = fresh(bytes).memory.slice();
    const input = new Uint8Array(MAX_INPUT_BYTES).fill(0xee);
    expect(
      runner.runTransaction({ input, batchContext: CONTEXT, state: { get: () => new Uint8Array(32) } })
        .outcome,
    ).toBe("executed");
    expect(Buffer.from(runner.jit.memory).equals(Buffer.from(pristine))).toBe(false);
    runner.jit.resetToInitialState();
    expect(Buffer.from(runner.jit.memory).equals(Buffer.from(pristine))).toBe(true);
  });
});
