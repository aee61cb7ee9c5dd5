import { expect, test } from "vitest";
import { type Attempt, type IntentProgress, NEW_PROGRESS } from "./intent.ts";
import { type IntentObservation, nextIntentAction } from "./nextIntentAction.ts";

const cfg = { confirmations: 3, bumpAfterMs: 1_000 };
const attempt = (nonce: number, sentAt: number): Attempt => ({
  hash: `0x${"ab".repeat(32)}`,
  nonce,
  maxFeePerGas: "3",
  maxPriorityFeePerGas: "1",
  gas: "21000",
  sentAt,
});
const held = (nonce: number, sentAt = 0): IntentProgress => ({
  ...NEW_PROGRESS,
  state: "pending",
  nonce,
  attempts: [attempt(nonce, sentAt)],
});
const obs = (o: Partial<IntentObservation>): IntentObservation => ({
  now: 500,
  head: 100n,
  minedNonce: 7,
  receipt: null,
  pooled: true,
  ...o,
});
const mined = (blockNumber: bigint, status: "success" | "reverted" = "success") => ({
  hash: `0x${"ab".repeat(32)}` as const,
  blockNumber,
  status,
});

test("nextIntentAction_noNonce_asksAlreadyDoneThenSendsOrFinishes", () => {
  expect(nextIntentAction(NEW_PROGRESS, obs({}), cfg)).toEqual({ do: "checkDone" });
  expect(nextIntentAction(NEW_PROGRESS, obs({ alreadyDone: true }), cfg)).toEqual({
    do: "finishAlreadyDone",
  });
  expect(nextIntentAction(NEW_PROGRESS, obs({ alreadyDone: false }), cfg)).toEqual({ do: "send" });
});

test("nextIntentAction_pending_waitsThenBumps", () => {
  expect(nextIntentAction(held(7, 0), obs({ now: 500 }), cfg)).toEqual({ do: "wait", until: 1_000 });
  expect(nextIntentAction(held(7, 0), obs({ now: 1_000 }), cfg)).toEqual({ do: "bump" });
});

test("nextIntentAction_droppedFromThePool_rebroadcastsWithTheSameNonce", () => {
  // A reorg (or an eviction) took it out: L1's count is back at or below our nonce.
  expect(nextIntentAction(held(7), obs({ pooled: false, minedNonce: 7 }), cfg)).toEqual({
    do: "rebroadcast",
  });
  expect(nextIntentAction(held(7), obs({ pooled: false, minedNonce: 5 }), cfg)).toEqual({
    do: "rebroadcast",
  });
});

test("nextIntentAction_nonceUsedByAnother_releasesIt", () => {
  expect(nextIntentAction(held(7), obs({ minedNonce: 8 }), cfg)).toEqual({ do: "releaseNonce" });
});

test("nextIntentAction_mined_waitsForDepthThenFinishes", () => {
  expect(nextIntentAction(held(7), obs({ head: 100n, receipt: mined(99n) }), cfg)).toEqual({
    do: "waitConfirmations",
    depth: 2n,
  });
  expect(nextIntentAction(held(7), obs({ head: 101n, receipt: mined(99n) }), cfg)).toEqual({
    do: "finishConfirmed",
  });
  expect(nextIntentAction(held(7), obs({ head: 101n, receipt: mined(99n, "reverted") }), cfg)).toEqual({
    do: "finishReverted",
  });
  // A receipt wins over everything else (the count moved past our nonce because we were mined).
  expect(nextIntentAction(held(7), obs({ head: 101n, minedNonce: 9, receipt: mined(99n) }), cfg).do).toBe(
    "finishConfirmed",
  );
});

test("nextIntentAction_depthOne_finishesWhenMined", () => {
  expect(
    nextIntentAction(held(7), obs({ head: 99n, receipt: mined(99n) }), { ...cfg, confirmations: 1 }),
  ).toEqual({
    do: "finishConfirmed",
  });
});
