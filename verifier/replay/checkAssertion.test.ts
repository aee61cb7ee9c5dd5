import { describe, expect, it } from "vitest";
import { checkAssertion } from "./checkAssertion.ts";

const R1 = `0x${"11".repeat(32)}` as const;
const R2 = `0x${"22".repeat(32)}` as const;
const claim = { stateRoot: R1, batchEnd: 3, txEnd: 40 };

describe("checkAssertion", () => {
  it("test_checkAssertion_sameRoot_agrees", () => {
    expect(
      checkAssertion({
        assertion: claim,
        parentTxEnd: 10,
        lastBatch: { rootAfter: R1, txEnd: 40 },
        blocked: false,
      }),
    ).toEqual({ kind: "agree" });
    // Hex case does not matter.
    expect(
      checkAssertion({
        assertion: { ...claim, stateRoot: R1.toUpperCase().replace("0X", "0x") as `0x${string}` },
        parentTxEnd: 10,
        lastBatch: { rootAfter: R1, txEnd: 40 },
        blocked: false,
      }).kind,
    ).toBe("agree");
  });

  it("test_checkAssertion_otherRoot_disagreesOverItsRange", () => {
    expect(
      checkAssertion({
        assertion: claim,
        parentTxEnd: 10,
        lastBatch: { rootAfter: R2, txEnd: 40 },
        blocked: false,
      }),
    ).toEqual({ kind: "disagree", txStart: 10, txEnd: 40, ours: R2, theirs: R1, reason: "STATE_ROOT" });
  });

  it("test_checkAssertion_incompleteData_neverDisagrees", () => {
    // Not replayed yet, a batch we cannot read, or a parent we do not know: unknown, never a challenge.
    expect(
      checkAssertion({ assertion: claim, parentTxEnd: 10, lastBatch: undefined, blocked: false }),
    ).toEqual({
      kind: "unknown",
      reason: "NOT_REPLAYED",
    });
    expect(
      checkAssertion({ assertion: claim, parentTxEnd: 10, lastBatch: undefined, blocked: true }),
    ).toEqual({
      kind: "unknown",
      reason: "BATCH_UNAVAILABLE",
    });
    expect(
      checkAssertion({
        assertion: claim,
        parentTxEnd: undefined,
        lastBatch: { rootAfter: R2, txEnd: 40 },
        blocked: false,
      }),
    ).toEqual({ kind: "unknown", reason: "PARENT_UNKNOWN" });
  });

  it("test_checkAssertion_countsDiffer_disagreesWithReason", () => {
    expect(
      checkAssertion({
        assertion: claim,
        parentTxEnd: 10,
        lastBatch: { rootAfter: R1, txEnd: 39 },
        blocked: false,
      }),
    ).toMatchObject({ kind: "disagree", reason: "COUNTS" });
  });
});
