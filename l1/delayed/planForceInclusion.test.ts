import fc from "fast-check";
import { bytesToHex, type Hex, hexToBytes } from "viem";
import { expect, test } from "vitest";
import { delayedAccumulate, delayedAccumulator, transactionHash } from "../../protocol/index.ts";
import { planForceInclusion } from "./planForceInclusion.ts";

const DELAY = 60n;
const msg = (index: number, queuedAt: number, transaction: Hex = "0x0b01") => ({
  index: BigInt(index),
  queuedAt: BigInt(queuedAt),
  transaction,
});

test("planForceInclusion_oldEnoughPrefix_includedInOneCall", () => {
  const waiting = [msg(3, 100, "0x0b01"), msg(4, 130, "0x0b02"), msg(5, 200, "0x0b03")];
  const base = { batchCount: 2n, delayedConsumed: 3n, waiting, forceInclusionDelay: DELAY };
  // At 190 the first two are 60 s old or more (130 + 60 = 190: the boundary is allowed, as SequencerInbox says).
  expect(planForceInclusion({ ...base, now: 190n })).toEqual({
    kind: "include",
    delayedAfter: 5n,
    lastQueuedAt: 130n,
    lastTxHash: bytesToHex(transactionHash(hexToBytes("0x0b02"))),
    count: 2n,
    later: 1n,
    nextAllowedAt: 260n,
  });
  expect(planForceInclusion({ ...base, now: 260n })).toMatchObject({
    kind: "include",
    delayedAfter: 6n,
    count: 3n,
    later: 0n,
    nextAllowedAt: null,
  });
});

test("planForceInclusion_tooYoungOrNothingOrNoGenesis_saysWhy", () => {
  const waiting = [msg(0, 100), msg(1, 150)];
  const base = { batchCount: 1n, delayedConsumed: 0n, waiting, forceInclusionDelay: DELAY };
  expect(planForceInclusion({ ...base, now: 159n })).toEqual({ kind: "notYet", index: 0n, allowedAt: 160n });
  expect(planForceInclusion({ ...base, waiting: [], now: 1_000n })).toEqual({ kind: "nothing" });
  expect(planForceInclusion({ ...base, batchCount: 0n, now: 1_000n })).toEqual({ kind: "noGenesis" });
});

test("planForceInclusion_messagesNotFromTheConsumedIndex_refused", () => {
  const base = { batchCount: 1n, forceInclusionDelay: DELAY, now: 1_000n };
  expect(() => planForceInclusion({ ...base, delayedConsumed: 1n, waiting: [msg(0, 1)] })).toThrow(
    /expected message 1 at position 0, got 0/,
  );
  expect(() => planForceInclusion({ ...base, delayedConsumed: 0n, waiting: [msg(0, 1), msg(2, 2)] })).toThrow(
    /expected message 1 at position 1, got 2/,
  );
});

test("planForceInclusion_anyQueue_argumentsPassTheInboxChecks", () => {
  // SequencerInbox.forceInclusion's checks, as a model: the last message's preimage continues the accumulator at
  // delayedAfter - 1, it is old enough, and every message it consumes is (they are older still).
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(100), fc.uint8Array({ minLength: 1, maxLength: 8 })), {
        minLength: 1,
        maxLength: 12,
      }),
      fc.nat(12),
      fc.nat(1_500),
      (steps, consumedRaw, nowRaw) => {
        let t = 1_000;
        const all = steps.map(([dt, tx], i) => {
          t += dt;
          return { index: BigInt(i), queuedAt: BigInt(t), transaction: bytesToHex(tx), tx };
        });
        const consumed = Math.min(consumedRaw, all.length);
        const now = BigInt(1_000 + nowRaw);
        const plan = planForceInclusion({
          batchCount: 1n,
          delayedConsumed: BigInt(consumed),
          waiting: all.slice(consumed),
          forceInclusionDelay: DELAY,
          now,
        });
        if (consumed === all.length) return plan.kind === "nothing";
        const acc = (n: number) =>
          delayedAccumulator(all.slice(0, n).map((m) => ({ tx: m.tx, queuedAt: Number(m.queuedAt) })));
        if (plan.kind === "notYet") return all[consumed].queuedAt + DELAY > now && plan.allowedAt > now;
        if (plan.kind !== "include") return false;
        const after = Number(plan.delayedAfter);
        const preimageOk =
          bytesToHex(
            delayedAccumulate(acc(after - 1), Number(plan.lastQueuedAt), hexToBytes(plan.lastTxHash)),
          ) === bytesToHex(acc(after));
        const oldEnough = all.slice(consumed, after).every((m) => m.queuedAt + DELAY <= now);
        const maximal = after === all.length || all[after].queuedAt + DELAY > now;
        return preimageOk && oldEnough && maximal && plan.count === BigInt(after - consumed);
      },
    ),
    { numRuns: 300 },
  );
});
