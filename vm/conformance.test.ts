import { describe, expect, it } from "vitest";
import { findSpecDir, RUNNERS, runSpecFile, specFolders, totals } from "./conformance.ts";

const dir = findSpecDir();
if (dir === undefined)
  console.log("no WebAssembly spec tests found (OPTIO_WASM_SPEC or ../shared/wasm-spec): skipped");

/** Spec files whose every module and assertion is inside the profile: no skips allowed. */
const INTEGER_ONLY = [
  "fac",
  "forward",
  "i32",
  "i64",
  "int_exprs",
  "int_literals",
  "labels",
  "load",
  "nop",
  "stack",
  "store",
  "switch",
];

/**
 * [passed, skipped] per file, per runner, pinned: a change in what runs is a
 * visible diff. The files not in INTEGER_ONLY mix float functions into their
 * modules (or use several memories); their skips are those float assertions.
 */
const EXPECTED: Record<string, [number, number]> = {
  address: [218, 38],
  block: [219, 3],
  br: [82, 14],
  call: [77, 13],
  endianness: [52, 16],
  fac: [7, 0],
  forward: [4, 0],
  i32: [459, 0],
  i64: [415, 0],
  int_exprs: [89, 0],
  int_literals: [50, 0],
  labels: [28, 0],
  "left-to-right": [61, 34],
  load: [96, 0],
  local_get: [29, 6],
  local_set: [46, 6],
  loop: [101, 19],
  memory_grow: [0, 47],
  nop: [87, 0],
  return: [72, 11],
  stack: [5, 0],
  store: [67, 0],
  switch: [27, 0],
  traps: [22, 10],
  unreachable: [53, 10],
};

describe.skipIf(dir === undefined)("WebAssembly spec conformance", () => {
  const results = dir === undefined ? [] : specFolders(dir).map((f) => runSpecFile(dir, f));

  it("test_conformance_bothRunners_noFailures_succeeds", () => {
    for (const runner of RUNNERS) {
      const t = totals(results, runner);
      expect(t.failures, runner).toEqual([]);
      expect(t.passed, runner).toBeGreaterThan(2000);
    }
  });

  it("test_conformance_integerOnlyFiles_noSkips_succeeds", () => {
    for (const name of INTEGER_ONLY) {
      const r = results.find((x) => x.name === name);
      expect(r, name).toBeDefined();
      for (const runner of RUNNERS) {
        expect(r!.runners[runner].skipped, `${name} on ${runner}`).toBe(0);
        expect(r!.runners[runner].passed, `${name} on ${runner}`).toBeGreaterThan(0);
      }
    }
  });

  it("test_conformance_skipsAreOutOfProfileOnly_succeeds", () => {
    for (const r of results) {
      for (const runner of RUNNERS) {
        for (const reason of r.runners[runner].skips.keys())
          expect(reason, r.name).toMatch(/^out of profile: /);
      }
    }
  });

  it("test_conformance_pinnedCounts_succeeds", () => {
    for (const r of results) {
      const want = EXPECTED[r.name];
      if (want === undefined) continue; // a new spec folder: counted by the tests above
      for (const runner of RUNNERS) {
        const t = r.runners[runner];
        expect([t.passed, t.skipped], `${r.name} on ${runner}`).toEqual(want);
      }
    }
  });
});
