import { describe, expect, it } from "vitest";
import { Op } from "./flatOps.ts";
import { loadModule } from "./loadModule.ts";
import { GAS_BASE, GAS_BR_TABLE, GAS_BRANCH, GAS_ENTER, GAS_ENTER_PER_LOCAL } from "./params.ts";
import { hostId, NOT_A_HOST } from "./proof/hostIds.ts";
import { buildModule, i32, i32c } from "./testing/wasmBuilder.ts";

const lowerOne = (params: number[], results: number[], body: number[], locals: number[] = []) =>
  loadModule(buildModule({ types: [{ params, results }], funcs: [{ type: 0, body, locals }] }));

const listing = (m: ReturnType<typeof lowerOne>) =>
  [...m.ops].map((op, pc) => [op, m.a[pc], m.b[pc], m.c[pc]]);

describe("lowerModule", () => {
  it("test_lowerModule_branchCarriesKeepAndDrop_succeeds", () => {
    // (result i32): block (result i32) i32.const 1 i32.const 2 i32.const 3 br 0 end
    const m = lowerOne([], [i32], [0x02, i32, ...i32c(1), ...i32c(2), ...i32c(3), 0x0c, 0, 0x0b]);
    expect(listing(m)).toEqual([
      [Op.ENTER, 0, 0, 3],
      [0x41, 1, 0, 0],
      [0x41, 2, 0, 0],
      [0x41, 3, 0, 0],
      [Op.BR, 5, 1, 2], // to the end of the block, keep 1 value, drop the 2 below it
      [Op.RETURN, 1, 0, 0],
    ]);
  });

  it("test_lowerModule_loopBranchesBackward_succeeds", () => {
    // loop br_if 0 (local 0) end
    const m = lowerOne([i32], [], [0x03, 0x40, 0x20, 0, 0x0d, 0, 0x0b]);
    expect(listing(m)).toEqual([
      [Op.ENTER, 1, 0, 1],
      [0x20, 0, 0, 0],
      [Op.BR_IF, 1, 0, 0],
      [Op.RETURN, 0, 0, 0],
    ]);
  });

  it("test_lowerModule_ifElse_succeeds", () => {
    // (param i32) (result i32): if (result i32) (local 0) i32.const 1 else i32.const 2 end
    const m = lowerOne([i32], [i32], [0x20, 0, 0x04, i32, ...i32c(1), 0x05, ...i32c(2), 0x0b]);
    expect(listing(m)).toEqual([
      [Op.ENTER, 1, 0, 1],
      [0x20, 0, 0, 0],
      [Op.BR_UNLESS, 5, 0, 0],
      [0x41, 1, 0, 0],
      [Op.BR, 6, 1, 0],
      [0x41, 2, 0, 0],
      [Op.RETURN, 1, 0, 0],
    ]);
  });

  it("test_lowerModule_brTableEntries_succeeds", () => {
    // block block br_table 0 1 2 (local 0) end end: entries to inner end, outer end, function (RETURN)
    const m = lowerOne([i32], [], [0x02, 0x40, 0x02, 0x40, 0x20, 0, 0x0e, 2, 0, 1, 2, 0x0b, 0x0b]);
    expect(listing(m)).toEqual([
      [Op.ENTER, 1, 0, 1],
      [0x20, 0, 0, 0],
      [Op.BR_TABLE, 2, 0, 0],
      [Op.BR, 6, 0, 0],
      [Op.BR, 6, 0, 0],
      [Op.RETURN, 0, 0, 0],
      [Op.RETURN, 0, 0, 0],
    ]);
  });

  it("test_lowerModule_deadCodeDropped_succeeds", () => {
    // return, then dead code (nested block included) is not emitted
    const m = lowerOne([], [], [0x0f, 0x02, 0x40, ...i32c(1), 0x1a, 0x0b, 0x01]);
    expect(listing(m)).toEqual([
      [Op.ENTER, 0, 0, 0],
      [Op.RETURN, 0, 0, 0],
    ]);
  });

  it("test_lowerModule_gasAtBlockLeaders_succeeds", () => {
    // (param i32) (local i32): loop br_if 0 (local 0) end
    const m = lowerOne([i32], [], [0x03, 0x40, 0x20, 0, 0x0d, 0, 0x0b], [i32]);
    // Leaders: ENTER (0), loop head (1), after br_if (3: a return, paid by the call).
    expect([...m.gas]).toEqual([GAS_ENTER + GAS_ENTER_PER_LOCAL, GAS_BASE + GAS_BRANCH, 0, 0]);
    expect([...m.src]).toEqual([-1, 1, 2, 4]); // wasm instruction each came from: -, local.get, br_if, final end
  });

  it("test_lowerModule_brTableEntriesFree_succeeds", () => {
    // block block br_table 0 1 (local 0) end i32.const 1 drop end
    const m = lowerOne(
      [i32],
      [],
      [0x02, 0x40, 0x02, 0x40, 0x20, 0, 0x0e, 1, 0, 1, 0x0b, ...i32c(1), 0x1a, 0x0b],
    );
    // ENTER local.get br_table | br br (entries: not leaders, free) | const drop (target) | return (target)
    expect([...m.ops]).toEqual([Op.ENTER, 0x20, Op.BR_TABLE, Op.BR, Op.BR, 0x41, 0x1a, Op.RETURN]);
    expect([...m.gas]).toEqual([GAS_ENTER + GAS_BASE + GAS_BR_TABLE, 0, 0, 0, 0, 2 * GAS_BASE, 0, 0]);
  });

  it("test_lowerModule_callsResolveToEntries_succeeds", () => {
    const m = loadModule(
      buildModule({
        types: [{ params: [], results: [] }],
        imports: [{ module: "optio", name: "host", type: 0 }],
        funcs: [
          { type: 0, body: [0x10, 2, 0x10, 0] },
          { type: 0, body: [] },
        ],
      }),
    );
    expect([...m.funcEntry]).toEqual([-1, 0, 4]);
    expect(listing(m).slice(0, 4)).toEqual([
      [Op.ENTER, 0, 0, 0],
      [Op.CALL, 4, 2, 0],
      [Op.CALL_HOST, 0, NOT_A_HOST, 0], // b = host id: "optio.host" is not a host function
      [Op.RETURN, 0, 0, 0],
    ]);
  });

  it("test_lowerModule_hostCallsAndGrow_carryTheirProofImmediates", () => {
    const m = loadModule(
      buildModule({
        types: [
          { params: [i32], results: [] },
          { params: [], results: [] },
        ],
        imports: [{ module: "optio", name: "state_write", type: 0 }],
        memory: { min: 1, max: 3 },
        funcs: [{ type: 1, body: [0x41, 0, 0x10, 0, 0x41, 1, 0x40, 0, 0x1a] }],
      }),
    );
    const rows = listing(m);
    // call_host b = the host id (hostIds.ts); memory.grow a = the memory's maximum in pages.
    expect(rows.find((r) => r[0] === Op.CALL_HOST)).toEqual([
      Op.CALL_HOST,
      0,
      hostId("optio", "state_write"),
      0,
    ]);
    expect(rows.find((r) => r[0] === 0x40)).toEqual([0x40, 3, 0, 0]);
  });
});
