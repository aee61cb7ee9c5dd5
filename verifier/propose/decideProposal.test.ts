import type { Hex } from "viem";
import { expect, test } from "vitest";
import type { AssertionRecord } from "../records.ts";
import { agreedTip, decideProposal, ProposalWait } from "./decideProposal.ts";

const id = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const GENESIS = id(0xff);
const ME = "0x90F79bf6EB2c4f870365E785982E1f101E93b906" as Hex;
const SEQ = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" as Hex;

function assertion(
  n: number,
  parent: Hex,
  batchEnd: number,
  o: Partial<AssertionRecord> & { agree?: boolean } = {},
): AssertionRecord {
  return {
    id: id(n),
    parent,
    proposer: SEQ,
    stateRoot: id(1000 + n),
    outboxRoot: id(0),
    batchEnd,
    txEnd: batchEnd * 3,
    delayedEnd: 0,
    deadline: 0,
    l1Block: n,
    status: "pending",
    verdict: o.agree === false ? { kind: "unknown", reason: "NOT_REPLAYED" } : { kind: "agree" },
    ...o,
  };
}

test("agreedTip_pendingChainWeAgreeWith_followedFromTheLatestConfirmed", () => {
  const a1 = assertion(1, GENESIS, 3, { status: "confirmed" });
  const a2 = assertion(2, a1.id, 5);
  const a3 = assertion(3, a2.id, 8);
  const unjudged = assertion(4, a3.id, 9, { agree: false });
  const wrong: AssertionRecord = {
    ...assertion(5, a3.id, 10),
    verdict: { kind: "disagree", txStart: 0, txEnd: 1, ours: id(1), theirs: id(2), reason: "STATE_ROOT" },
  };
  const all = [a1, a2, a3, unjudged, wrong];
  expect(agreedTip({ assertions: all, latestConfirmed: a1.id, genesis: GENESIS, me: ME })).toEqual({
    id: a3.id,
    batchEnd: 8,
  });
  // Nothing pending past genesis: the genesis assertion itself, batch 0.
  expect(agreedTip({ assertions: [], latestConfirmed: GENESIS, genesis: GENESIS, me: ME })).toEqual({
    id: GENESIS,
    batchEnd: 0,
  });
  // The latest confirmed one not read from L1 yet.
  expect(agreedTip({ assertions: [a2], latestConfirmed: a1.id, genesis: GENESIS, me: ME })).toBeUndefined();
});

test("agreedTip_siblingsWeAgreeWith_oursFirstThenTheLongest", () => {
  const theirsShort = assertion(1, GENESIS, 4);
  const theirsLong = assertion(2, GENESIS, 6);
  const ours = assertion(3, GENESIS, 5, { proposer: ME.toLowerCase() as Hex });
  const tip = (xs: AssertionRecord[]) =>
    agreedTip({ assertions: xs, latestConfirmed: GENESIS, genesis: GENESIS, me: ME })?.id;
  expect(tip([theirsShort, theirsLong])).toBe(theirsLong.id);
  expect(tip([theirsShort, theirsLong, ours])).toBe(ours.id);
  // Rejected children are not built on.
  expect(tip([{ ...theirsLong, status: "rejected" }, theirsShort])).toBe(theirsShort.id);
});

const base = {
  tip: { id: id(7), batchEnd: 4 },
  tipCreatedAt: 1_000n,
  replayedBatches: 6,
  opened: false,
  opensAt: 4_600n,
  now: 5_000n,
  idleSeconds: 600n,
  maxBatches: 1_000,
  inFlight: false,
};

test("decideProposal_inactivityPassedAndNewBatches_proposesHoldingConfirms", () => {
  expect(decideProposal(base)).toEqual({ kind: "propose", parent: id(7), batchEnd: 6, holdConfirms: true });
  // Latched on L1 (or our key allowlisted, or permissionless): no need to hold confirmations.
  expect(decideProposal({ ...base, opened: true, opensAt: 99_999n })).toMatchObject({
    kind: "propose",
    holdConfirms: false,
  });
  // At most maxBatches per assertion.
  expect(decideProposal({ ...base, maxBatches: 1 })).toMatchObject({ batchEnd: 5 });
  // The boundary: open at opensAt exactly, as Rollup.createAssertion (block.timestamp < opensAt reverts).
  expect(decideProposal({ ...base, now: 4_600n })).toMatchObject({ kind: "propose" });
});

test("decideProposal_eachReasonToWait_named", () => {
  expect(decideProposal({ ...base, now: 4_599n })).toEqual({
    kind: "wait",
    reason: ProposalWait.NOT_OPEN,
    until: 4_600n,
  });
  expect(decideProposal({ ...base, replayedBatches: 4 })).toEqual({
    kind: "wait",
    reason: ProposalWait.NOTHING_NEW,
  });
  expect(decideProposal({ ...base, opened: true, tipCreatedAt: 4_500n })).toEqual({
    kind: "wait",
    reason: ProposalWait.TIP_TOO_RECENT,
    until: 5_100n,
  });
  expect(decideProposal({ ...base, inFlight: true })).toEqual({
    kind: "wait",
    reason: ProposalWait.IN_FLIGHT,
  });
  expect(decideProposal({ ...base, tip: undefined })).toEqual({
    kind: "wait",
    reason: ProposalWait.TIP_UNKNOWN,
  });
});
