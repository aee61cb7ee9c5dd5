// The price rules' parameters in protocol/engine/params.ts agree with engine/params.as.ts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as P from "../protocol/engine/params.ts";

const src = readFileSync(new URL("../engine/params.as.ts", import.meta.url), "utf8");
const as = new Map(
  [...src.matchAll(/export const (\w+): \w+ = ([0-9_]+);/g)].map((m) => [
    m[1],
    BigInt(m[2].replaceAll("_", "")),
  ]),
);

describe("engine price parameters", () => {
  it("match engine/params.as.ts", () => {
    expect(Number(as.get("MAX_REPORTERS"))).toBe(P.MAX_REPORTERS);
    expect(as.get("MAX_SETTLEMENT_WINDOW")).toBe(P.MAX_SETTLEMENT_WINDOW);
    expect(as.get("MARK_BASIS_MAX_PPM")).toBe(P.MARK_BASIS_MAX_PPM);
    expect(as.get("MARK_BASIS_SMOOTHING")).toBe(P.MARK_BASIS_SMOOTHING);
    expect(as.get("MAX_INDEX_PRICE")).toBe(P.MAX_INDEX_PRICE);
    expect(Number(as.get("IMPACT_MAX_LEVELS"))).toBe(P.IMPACT_MAX_LEVELS);
  });
});
