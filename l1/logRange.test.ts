import { expect, test } from "vitest";
import {
  advanceCursor,
  type Checkpoint,
  CURSOR_CHECKPOINTS,
  type LogCursor,
  lastKeptCheckpoint,
  nextLogRange,
} from "./logRange.ts";

const h = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as const;

test("nextLogRange_onlyConfirmedBlocks_inBoundedRanges", () => {
  // head 100, 3 confirmations: blocks up to 98 are 3 deep.
  expect(nextLogRange(90n, 100n, 3, 1000n)).toEqual({ from: 91n, to: 98n });
  expect(nextLogRange(98n, 100n, 3, 1000n)).toBeNull();
  expect(nextLogRange(0n, 100n, 1, 10n)).toEqual({ from: 1n, to: 10n });
  // confirmations 0 is treated as 1 (a mined block).
  expect(nextLogRange(99n, 100n, 0, 10n)).toEqual({ from: 100n, to: 100n });
  expect(nextLogRange(-1n, 0n, 1, 10n)).toEqual({ from: 0n, to: 0n });
});

test("lastKeptCheckpoint_findsTheNewestUnchangedBlock", () => {
  const cps: Checkpoint[] = [
    { number: 10n, hash: h(10) },
    { number: 20n, hash: h(20) },
    { number: 30n, hash: h(30) },
  ];
  const chain = new Map([
    [10n, h(10)],
    [20n, h(20)],
    [30n, h(999)],
  ]);
  expect(lastKeptCheckpoint(cps, chain)).toEqual(cps[1]);
  expect(lastKeptCheckpoint(cps, new Map([[10n, h(1)]]))).toBeNull();
  // Blocks past the new head (null) are gone too.
  expect(
    lastKeptCheckpoint(
      cps,
      new Map<bigint, `0x${string}` | null>([
        [10n, h(10)],
        [20n, null],
        [30n, null],
      ]),
    ),
  ).toEqual(cps[0]);
});

test("advanceCursor_keepsABoundedHistory", () => {
  let c: LogCursor = { checkpoints: [] };
  for (let i = 0; i < CURSOR_CHECKPOINTS + 5; i++) c = advanceCursor(c, { number: BigInt(i), hash: h(i) });
  expect(c.checkpoints.length).toBe(CURSOR_CHECKPOINTS);
  expect(c.checkpoints.at(-1)!.number).toBe(BigInt(CURSOR_CHECKPOINTS + 4));
});
