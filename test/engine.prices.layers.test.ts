// The engine's modules form layers (docs/engine.md, "Layers"): no import cycle among
// engine/*.as.ts, and the lower layers (market, price, settlement, funding, oracle) import none
// of the upper ones (trade, margin, order, option, optionSettlement, liquidation, adl, waterfall).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const dir = new URL("../engine/", import.meta.url);

/** engine/*.as.ts -> the engine modules it imports (by name, without ".as"). */
function engineImports(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of readdirSync(dir)) {
    if (!f.endsWith(".as.ts")) continue;
    const src = readFileSync(new URL(f, dir), "utf8");
    const deps = [...src.matchAll(/from "\.\/([\w]+)\.as"/g)].map((m) => m[1]);
    out.set(f.slice(0, -".as.ts".length), [...new Set(deps)]);
  }
  return out;
}

/** A cycle of the graph, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 2) return undefined;
    if (state.get(n) === 1) return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 1);
    stack.push(n);
    for (const d of graph.get(n) ?? []) {
      const c = visit(d);
      if (c !== undefined) return c;
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of graph.keys()) {
    const c = visit(n);
    if (c !== undefined) return c;
  }
  return undefined;
}

/** Every module `n` reaches through imports. */
function reach(graph: Map<string, string[]>, n: string, seen = new Set<string>()): Set<string> {
  for (const d of graph.get(n) ?? []) {
    if (seen.has(d)) continue;
    seen.add(d);
    reach(graph, d, seen);
  }
  return seen;
}

describe("engine layers", () => {
  const graph = engineImports();

  it("no import cycle among the engine's modules", () => {
    expect(findCycle(graph)).toBeUndefined();
    // The check itself finds a cycle when there is one.
    expect(
      findCycle(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", ["a"]],
        ]),
      ),
    ).toEqual(["a", "b", "c", "a"]);
  });

  it("market, price, settlement and funding sit below trade, margin, order, option and liquidation", () => {
    const upper = [
      "trade",
      "margin",
      "order",
      "option",
      "optionSettlement",
      "liquidation",
      "adl",
      "waterfall",
    ];
    for (const lower of ["market", "price", "settlement", "funding", "oracle"]) {
      expect(graph.has(lower)).toBe(true);
      expect([...reach(graph, lower)].filter((m) => upper.includes(m))).toEqual([]);
    }
  });

  it("option marks sit below margin; SETTLE (optionSettlement), which values and deleverages, above it", () => {
    // margin values option positions with option.as.ts, so option must not reach margin or
    // anything above it (the risk rules' settlement waterfall once made margin -> option -> margin).
    const above = ["margin", "trade", "order", "liquidation", "adl", "waterfall", "optionSettlement"];
    expect([...reach(graph, "option")].filter((m) => above.includes(m))).toEqual([]);
    expect(reach(graph, "optionSettlement").has("margin")).toBe(true);
    expect(reach(graph, "margin").has("option")).toBe(true);
  });
});
