import { describe, expect, it } from "vitest";
import { calldataBytes, sealBefore } from "./sealPolicy.ts";

const limits = { batchTimeMs: 1000, maxBatchBytes: 100, maxBatchTxs: 3 };

describe("sealBefore", () => {
  it("seals before a transaction would pass the byte or count bound, never an empty batch", () => {
    expect(calldataBytes(new Uint8Array(10))).toBe(12);
    expect(sealBefore({ txCount: 0, bytes: 0, openedAtMs: 0 }, 500, limits)).toBe(false);
    expect(sealBefore({ txCount: 1, bytes: 88, openedAtMs: 0 }, 12, limits)).toBe(false);
    expect(sealBefore({ txCount: 1, bytes: 89, openedAtMs: 0 }, 12, limits)).toBe(true);
    expect(sealBefore({ txCount: 3, bytes: 10, openedAtMs: 0 }, 12, limits)).toBe(true);
    expect(sealBefore({ txCount: 2, bytes: 10, openedAtMs: 0 }, 12, limits)).toBe(false);
  });
});
