import type { Hex } from "viem";
import { describe, expect, it } from "vitest";
import type { AssertionEntry, AssertionState } from "../l1/assertionState.ts";
import { assertedBatches, coveringAssertion, withdrawalStage } from "./withdrawalStage.ts";

const a = (
  n: number,
  batchEnd: number,
  status: AssertionEntry["status"],
  deadline = 100,
): AssertionEntry => ({
  id: `0x${n.toString(16).padStart(64, "0")}`,
  parent: `0x${"00".repeat(32)}`,
  proposer: `0x${"99".repeat(20)}`,
  stateRoot: `0x${"01".repeat(32)}`,
  batchEnd,
  deadline,
  status,
  createdBlock: 1n,
  statusBlock: null,
});
const state = (...assertions: AssertionEntry[]): AssertionState => ({ assertions, claims: {} });

describe("withdrawalStage", () => {
  it("test_coveringAssertion_firstPendingThatCoversIt_succeeds", () => {
    const s = state(
      a(0, 0, "confirmed"),
      a(1, 9, "pending", 50),
      a(2, 5, "pending", 70),
      a(3, 5, "pending", 60),
    );
    expect(coveringAssertion(s, 4).pending?.id).toBe(a(3, 5, "pending").id);
    expect(coveringAssertion(s, 6).pending?.id).toBe(a(1, 9, "pending").id);
    expect(coveringAssertion(s, 9)).toEqual({ confirmed: null, pending: null });
    expect(coveringAssertion(state(a(0, 7, "confirmed"), a(1, 9, "pending")), 6).confirmed?.batchEnd).toBe(7);
    // A rejected assertion covers nothing.
    expect(coveringAssertion(state(a(4, 9, "rejected")), 1).pending).toBeNull();
  });

  it("test_withdrawalStage_eachStage_succeeds", () => {
    const at = (l1: AssertionState | undefined, posted = true) =>
      withdrawalStage({ index: 3n, batch: 4, posted, l1 });
    expect(at(undefined, false).stage).toBe("pending");
    expect(at(undefined).stage).toBe("posted");
    expect(at(state(a(0, 0, "confirmed"))).stage).toBe("posted");
    expect(at(state(a(0, 0, "confirmed"), a(1, 5, "pending", 400)))).toMatchObject({
      stage: "asserted",
      confirmableAt: 400,
    });
    expect(at(state(a(1, 5, "confirmed")))).toMatchObject({
      stage: "claimable",
      assertion: a(1, 5, "confirmed").id,
    });
    const claimed: AssertionState = {
      assertions: [a(1, 5, "confirmed")],
      claims: {
        "3": {
          index: 3n,
          recipient: `0x${"22".repeat(20)}`,
          amount: 1n,
          assertion: a(1, 5, "confirmed").id,
          l1TxHash: `0x${"c1".repeat(32)}` as Hex,
          block: 2n,
        },
      },
    };
    expect(at(claimed)).toMatchObject({ stage: "claimed", claimL1TxHash: `0x${"c1".repeat(32)}` });
  });

  it("test_assertedBatches_lastAssertedAndConfirmed_succeeds", () => {
    expect(assertedBatches(state(a(0, 0, "confirmed")))).toEqual({ lastAsserted: null, lastConfirmed: null });
    expect(assertedBatches(state(a(0, 3, "confirmed"), a(1, 6, "pending"), a(2, 9, "rejected")))).toEqual({
      lastAsserted: 5,
      lastConfirmed: 2,
    });
  });
});
