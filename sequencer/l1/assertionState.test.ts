import type { Hex } from "viem";
import { describe, expect, it } from "vitest";
import {
  type AssertionLog,
  applyAssertionLogs,
  EMPTY_ASSERTION_STATE,
  KEEP_CONFIRMED,
  latestConfirmed,
  rewindAssertionState,
} from "./assertionState.ts";

const id = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;
const created = (n: number, batchEnd: number, block: bigint, parent = n - 1): AssertionLog => ({
  kind: "created",
  block,
  id: id(n),
  parent: id(parent),
  proposer: `0x${"11".repeat(20)}`,
  stateRoot: id(1000 + n),
  batchEnd,
  deadline: 300 + n,
});
const confirmed = (n: number, block: bigint): AssertionLog => ({ kind: "confirmed", block, id: id(n) });

describe("assertionState", () => {
  it("test_applyAssertionLogs_createdConfirmedRejectedClaimed_succeeds", () => {
    const s = applyAssertionLogs(EMPTY_ASSERTION_STATE, [
      created(0, 0, 1n),
      confirmed(0, 1n),
      created(1, 3, 5n),
      created(2, 3, 6n, 0),
      created(1, 3, 5n), // read twice (a range after a rewind): no second entry
      confirmed(1, 20n),
      { kind: "rejected", block: 21n, id: id(2) },
      {
        kind: "claimed",
        block: 22n,
        index: 4n,
        recipient: `0x${"22".repeat(20)}`,
        amount: 5n,
        assertion: id(1),
        l1TxHash: id(77),
      },
    ]);
    expect(s.assertions.map((a) => [a.id, a.status, a.statusBlock])).toEqual([
      [id(0), "confirmed", 1n],
      [id(1), "confirmed", 20n],
      [id(2), "rejected", 21n],
    ]);
    expect(latestConfirmed(s)?.id).toBe(id(1));
    expect(s.claims["4"]).toMatchObject({ index: 4n, amount: 5n, assertion: id(1), l1TxHash: id(77) });
  });

  it("test_applyAssertionLogs_manyConfirmations_keepsTheNewestAndPending_succeeds", () => {
    const logs: AssertionLog[] = [];
    for (let n = 0; n < 20; n++) logs.push(created(n, n, BigInt(10 * n)), confirmed(n, BigInt(10 * n + 1)));
    logs.push({ kind: "rejected", block: 3n, id: id(999) }, created(20, 25, 300n));
    const s = applyAssertionLogs(EMPTY_ASSERTION_STATE, logs);
    expect(s.assertions.filter((a) => a.status === "confirmed")).toHaveLength(KEEP_CONFIRMED);
    expect(latestConfirmed(s)?.batchEnd).toBe(19);
    expect(s.assertions.at(-1)).toMatchObject({ id: id(20), status: "pending" });
  });

  it("test_rewindAssertionState_reorg_forgetsWhatTheReplacedBlocksHeld_succeeds", () => {
    const s = applyAssertionLogs(EMPTY_ASSERTION_STATE, [
      created(0, 0, 1n),
      confirmed(0, 1n),
      created(1, 2, 5n),
      confirmed(1, 12n),
      created(2, 4, 13n),
      {
        kind: "claimed",
        block: 14n,
        index: 0n,
        recipient: `0x${"22".repeat(20)}`,
        amount: 1n,
        assertion: id(1),
        l1TxHash: id(5),
      },
    ]);
    const r = rewindAssertionState(s, 11n);
    expect(r.assertions.map((a) => [a.id, a.status])).toEqual([
      [id(0), "confirmed"],
      [id(1), "pending"],
    ]);
    expect(latestConfirmed(r)?.id).toBe(id(0));
    expect(r.claims).toEqual({});
    expect(rewindAssertionState(s, null)).toEqual(EMPTY_ASSERTION_STATE);
  });
});
