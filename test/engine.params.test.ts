// The TypeScript mirror of the engine's parameters and outcome codes (protocol/engine/params.ts)
// agrees with the AssemblyScript the engine is built from.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as P from "../protocol/engine/params.ts";
import { KeyTag } from "../protocol/engine/stateKeys.ts";

function constants(file: string): Map<string, bigint> {
  const src = readFileSync(new URL(`../engine/${file}`, import.meta.url), "utf8");
  const out = new Map<string, bigint>();
  for (const m of src.matchAll(/export const (\w+): \w+ = (0x[0-9a-f]+|[0-9_]+);/g)) {
    out.set(m[1], BigInt(m[2].replaceAll("_", "")));
  }
  return out;
}

describe("engine parameters", () => {
  it("outcome codes match engine/outcome.as.ts, both ways", () => {
    const as = constants("outcome.as.ts");
    expect(Object.fromEntries([...as].map(([k, v]) => [k, Number(v)]))).toEqual(P.Outcome);
  });

  it("parameters match engine/params.as.ts", () => {
    const as = constants("params.as.ts");
    expect(as.get("QTY_SCALE")).toBe(P.QTY_SCALE);
    expect(as.get("PPM")).toBe(P.PPM);
    expect(Number(as.get("MAX_FILLS_PER_TX"))).toBe(P.MAX_FILLS_PER_TX);
    expect(Number(as.get("MAX_OPEN_ORDERS"))).toBe(P.MAX_OPEN_ORDERS);
    expect(Number(as.get("MAX_MARKETS"))).toBe(P.MAX_MARKETS);
    expect(Number(as.get("MAX_TX_BYTES"))).toBe(P.MAX_TX_BYTES);
    expect(as.get("MAX_TICK")).toBe(P.MAX_TICK);
    expect(as.get("FUNDING_INTERVAL")).toBe(P.FUNDING_INTERVAL);
    expect(as.get("MAX_FUNDING_PPM")).toBe(P.MAX_FUNDING_PPM);
    expect(Number(as.get("ADL_MAX_SCAN"))).toBe(P.ADL_MAX_SCAN);
    expect(Number(as.get("MATCH_SLOT_RESERVE"))).toBe(P.MATCH_SLOT_RESERVE);
    expect(Number(as.get("ADL_SLOT_RESERVE"))).toBe(P.ADL_SLOT_RESERVE);
    expect(Number(as.get("ADL_MAX_COUNTERPARTIES"))).toBe(P.ADL_MAX_COUNTERPARTIES);
    expect(Number(as.get("KIND_PERP"))).toBe(P.MarketKind.PERPETUAL);
    expect(Number(as.get("KIND_OPTION"))).toBe(P.MarketKind.OPTION);
  });

  it("key tags match engine/keys.as.ts", () => {
    const as = constants("keys.as.ts");
    const expected = Object.fromEntries(Object.entries(KeyTag).map(([k, v]) => [`K_${k}`, BigInt(v)]));
    expect(Object.fromEntries(as)).toEqual(expected);
  });
});
