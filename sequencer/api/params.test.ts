/**
 * The input checks on their own: transaction hex (property: accepted exactly when it is 0x and
 * 1..512 bytes of hex digits, and then decodes to those bytes), the JSON depth pre-scan against
 * a parse-and-walk reference, and docs/api.md's error table equal to ErrorCode.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "./errorCodes.ts";
import { jsonDepthExceeds } from "./jsonRpc.ts";
import { txBytes } from "./params.ts";

const TX_RE = /^0[xX](?:[0-9a-fA-F]{2}){1,512}$/;

describe("txBytes", () => {
  it("accepts exactly 0x and 1..512 bytes of hex, decoding them", () => {
    const alphabet = fc.constantFrom(..."0123456789abcdefABCDEFxXg \u00e9".split(""));
    const str = fc.oneof(
      fc.array(alphabet, { maxLength: 40 }).map((cs) => `0x${cs.join("")}`),
      fc.uint8Array({ minLength: 0, maxLength: 520 }).map((b) => `0x${Buffer.from(b).toString("hex")}`),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(str, (s) => {
        const c = txBytes(s);
        expect(c.ok).toBe(TX_RE.test(s));
        if (c.ok) expect(Buffer.from(c.value).toString("hex")).toBe(s.slice(2).toLowerCase());
      }),
      { numRuns: 5_000 },
    );
    expect(txBytes(42).ok).toBe(false);
  });
});

describe("jsonDepthExceeds", () => {
  function depth(v: unknown): number {
    if (typeof v !== "object" || v === null) return 0;
    const children = Array.isArray(v) ? v : Object.values(v);
    return 1 + Math.max(0, ...children.map(depth));
  }
  it("agrees with parse-and-walk, strings and escapes included", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 1, max: 12 }), (v, limit) => {
        const text = JSON.stringify(v);
        expect(jsonDepthExceeds(text, limit)).toBe(depth(v) > limit);
      }),
      { numRuns: 2_000 },
    );
    expect(jsonDepthExceeds('["[[[[[[[[[[\\"[[[["]', 2)).toBe(false);
  });
});

it("docs/api.md lists every error code with its name, and no other", () => {
  const doc = readFileSync(join(import.meta.dirname, "../../docs/api.md"), "utf8");
  const rows = [...doc.matchAll(/^\| (-32\d{3}) +\| `([A-Z_]+)` /gm)].map((m) => [Number(m[1]), m[2]]);
  expect(Object.fromEntries(rows.map(([c, n]) => [n, c]))).toEqual(ErrorCode);
  expect(rows).toHaveLength(Object.keys(ErrorCode).length);
});
