import { bytesToHex, type Hex, hexToBytes } from "viem";
import { expect, test } from "vitest";
import { delayedAccumulator } from "../../protocol/index.ts";
import { checkDelayedChain, type DelayedMessage, oldestUnconsumedAge } from "./checkDelayedChain.ts";

const ZERO = `0x${"00".repeat(32)}` as const;
const txs: Hex[] = ["0x02aa", "0x0bbbbb", "0x02cc"];
const messages: DelayedMessage[] = txs.map((transaction, i) => ({
  index: BigInt(i),
  kind: hexToBytes(transaction)[0],
  sender: "0x0000000000000000000000000000000000000001",
  accumulator: bytesToHex(
    delayedAccumulator(txs.slice(0, i + 1).map((t, j) => ({ tx: hexToBytes(t), queuedAt: 100 + j }))),
  ),
  queuedAt: BigInt(100 + i),
  transaction,
  l1Block: 10n + BigInt(i),
}));

test("checkDelayedChain_bridgeAccumulators_continueTheChain", () => {
  const all = checkDelayedChain({ next: 0n, accumulator: ZERO }, messages);
  expect(all).toEqual({ ok: true, head: { next: 3n, accumulator: messages[2].accumulator } });
  // In two steps, the same.
  const first = checkDelayedChain({ next: 0n, accumulator: ZERO }, messages.slice(0, 1));
  if (!first.ok) throw new Error("expected ok");
  expect(checkDelayedChain(first.head, messages.slice(1))).toEqual(all);
});

test("checkDelayedChain_skippedRepeatedOrAlteredMessage_refused", () => {
  const start = { next: 0n, accumulator: ZERO };
  expect(checkDelayedChain(start, [messages[0], messages[2]])).toEqual({
    ok: false,
    index: 2n,
    reason: "gap",
  });
  expect(checkDelayedChain(start, [messages[0], messages[0]])).toEqual({
    ok: false,
    index: 0n,
    reason: "gap",
  });
  const altered = { ...messages[1], transaction: "0x0bbbbc" as Hex };
  expect(checkDelayedChain(start, [messages[0], altered])).toEqual({
    ok: false,
    index: 1n,
    reason: "accumulator",
  });
  const late = { ...messages[1], queuedAt: 999n };
  expect(checkDelayedChain(start, [messages[0], late])).toEqual({
    ok: false,
    index: 1n,
    reason: "accumulator",
  });
});

test("oldestUnconsumedAge_ageOfTheFirstUnconsumed", () => {
  const queued = new Map([
    [0n, 100n],
    [1n, 150n],
  ]);
  expect(oldestUnconsumedAge(queued, 0n, 400n)).toBe(300n);
  expect(oldestUnconsumedAge(queued, 1n, 400n)).toBe(250n);
  expect(oldestUnconsumedAge(queued, 2n, 400n)).toBe(0n);
});
