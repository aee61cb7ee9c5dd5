import { expect, test } from "vitest";
import { nextAssertionEnd } from "./planProposal.ts";

const last = { id: `0x${"11".repeat(32)}` as const, batchEnd: 5n, createdAt: 1_000n };

test("nextAssertionEnd_onlyDeepBatchesPastTheLastAfterTheCadence", () => {
  const base = { last, deepBatchCount: 9n, now: 1_600n, cadenceS: 600n, maxBatches: 100n };
  expect(nextAssertionEnd(base)).toBe(9n);
  // Too early: the cadence runs from its own last assertion.
  expect(nextAssertionEnd({ ...base, now: 1_599n })).toBeNull();
  // Nothing new deep enough.
  expect(nextAssertionEnd({ ...base, deepBatchCount: 5n })).toBeNull();
  // A long backlog is covered in bounded steps.
  expect(nextAssertionEnd({ ...base, maxBatches: 3n })).toBe(8n);
});
