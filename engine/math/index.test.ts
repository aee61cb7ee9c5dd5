import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeModule, loadModule } from "../../vm/index.ts";
import { compileMathModule } from "./compileMathModule.ts";

const i64 = 0x7e;
const i32 = 0x7f;

describe("engine/math/index.as.ts", () => {
  it("compiles with the engine's flags to a module the machine's loader accepts (no float anywhere)", async () => {
    // the cache is keyed by the sources, flags and compiler version: a hit is this exact compile
    const bytes = await compileMathModule();
    expect(() => loadModule(bytes)).not.toThrow();
    const module = decodeModule(bytes);
    const sig = (name: string) => {
      const e = module.exports.find((x) => x.name === name);
      if (e === undefined) throw new Error(`no export ${name}`);
      const t = module.types[module.funcs[e.index - module.imports.length]];
      return [t.params, t.results];
    };
    // the signatures the engine links against (docs/engine.md, "Fixed-point math")
    expect(sig("lnE18")).toEqual([[i64], [i64]]);
    expect(sig("lnRatioE18")).toEqual([[i64, i64], [i64]]);
    expect(sig("expE18")).toEqual([[i64], [i64]]);
    expect(sig("sqrtU64")).toEqual([[i64], [i64]]);
    expect(sig("sqrtU128")).toEqual([[i64, i64], [i64]]);
    expect(sig("sqrtE18")).toEqual([[i64], [i64]]);
    expect(sig("normalCdfE18")).toEqual([[i64], [i64]]);
    expect(sig("blackScholesCall")).toEqual([[i64, i64, i64, i64, i64, i32], [i64]]);
    expect(sig("blackScholesPut")).toEqual([[i64, i64, i64, i64, i64, i32], [i64]]);
    expect(sig("blackScholesDeltaE8")).toEqual([[i32, i64, i64, i64, i64, i64], [i64]]);
    expect(sig("normalPdfE18")).toEqual([[i64], [i64]]);
    expect(sig("blackScholesGammaE18")).toEqual([[i64, i64, i64, i64, i64], [i64]]);
    expect(sig("blackScholesVegaPerPoint")).toEqual([[i64, i64, i64, i64, i64], [i64]]);
    expect(sig("blackScholesThetaPerDay")).toEqual([[i32, i64, i64, i64, i64, i64], [i64]]);
    expect(sig("blackScholesGreeks")).toEqual([[i32, i64, i64, i64, i64, i64], [i32]]);
    expect(sig("greeksOut")).toEqual([[], [i32]]);
    expect(sig("impliedVolE8")).toEqual([[i32, i64, i64, i64, i64, i64], [i64]]);
  });

  it("has no float type, literal or Math call in any source, so no build of it (any -O) can emit one", () => {
    const dir = new URL("./", import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith(".as.ts"));
    expect(sources.length).toBeGreaterThan(8);
    for (const f of sources) {
      const code = readFileSync(new URL(f, dir), "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "");
      expect(code, f).not.toMatch(/\b(f32|f64|v128|Math|NaN|Infinity)\b/);
      expect(code, f).not.toMatch(/\b\d[\d_]*\.\d|\b\d[\d_]*e[+-]?\d/); // 1.5, 1e18
    }
  });
});
