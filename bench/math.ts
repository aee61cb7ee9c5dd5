/**
 * `npm run bench -- math`: the engine's fixed-point math (engine/math) on the machine.
 *
 * math.bs.call: Black-Scholes call prices per second, priced in a loop inside the module on
 *   the fast runner (JitRunner, gas metered), against the same formula in float64 JavaScript
 *   (engine/math/floatBlackScholes.ts) in the same process: ratio = integer / float.
 * math.bs.call.invoke: the same, one JitRunner.invoke per price (what a host-driven caller pays).
 * engine.greeks: evaluations per second of all four Greeks of one series (engine/math/greeks.as.ts,
 *   blackScholesGreeks: delta, gamma, vega, theta), in a loop inside the module on the fast runner,
 *   against the same formulas in float64 JavaScript (engine/math/floatGreeks.ts) in the same process.
 *   Here rather than in `bench engine`: it measures the math module alone, with no exchange state.
 * engine.greeks.calculator: the same through createGreeksCalculator (one invoke and a memory read
 *   per series: what the services pay).
 * math.gas.NAME: machine gas per call, median over a spread of inputs (max in "max").
 * Each rate is the median of 5 runs.
 */
import { compileAs } from "../engine/math/compileMathModule.ts";
import { createGreeksCalculator } from "../engine/math/createGreeksCalculator.ts";
import { blackScholes64 } from "../engine/math/floatBlackScholes.ts";
import { greeks64 } from "../engine/math/floatGreeks.ts";
import { JitRunner } from "../vm/index.ts";
import { emit, median } from "./report.ts";

const E8 = 100_000_000n;
const E18 = 10n ** 18n;
const YEAR = 31_536_000n;

export async function main(): Promise<void> {
  const bytes = await compileAs("engine/math/blackScholesLoop.as.ts");
  const r = JitRunner.instantiate(bytes);
  if (!r.ok) throw new Error(r.trap);
  const jit = r.instance;
  const limit = Number.MAX_SAFE_INTEGER;

  // in-module loop: n prices, spot 1000.00000000 stepping by 0.01
  const n = 200_000;
  const loopArgs = [n, 1000n * E8, 1_000_000n, 1050n * E8, 60_000_000n, YEAR / 4n, 3_000_000n];
  jit.invoke("blackScholesCallLoop", [1000, ...loopArgs.slice(1)], limit); // warm up
  const intRate = median(
    [0, 1, 2, 3, 4].map(() => n / timeSeconds(() => jit.invoke("blackScholesCallLoop", loopArgs, limit))),
  );
  let sink = 0;
  const floatLoop = () => {
    for (let i = 0; i < n; i++) sink += blackScholes64(1000 + i * 0.01, 1050, 0.6, 31_536_000 / 4, 0.03).call;
  };
  floatLoop();
  const floatRate = median([0, 1, 2, 3, 4].map(() => n / timeSeconds(floatLoop)));
  emit({
    name: "math.bs.call",
    value: Math.round(intRate),
    unit: "prices/s (integer, in the machine's fast runner)",
    baseline: "float64 JavaScript",
    baselineValue: Math.round(floatRate),
  });

  const m = 50_000;
  const invokeRate = median(
    [0, 1, 2, 3, 4].map(
      () =>
        m /
        timeSeconds(() => {
          for (let i = 0; i < m; i++)
            jit.invoke(
              "blackScholesCall",
              [1000n * E8 + BigInt(i), 1050n * E8, 60_000_000n, YEAR / 4n, 3_000_000n, 0],
              limit,
            );
        }),
    ),
  );
  emit({
    name: "math.bs.call.invoke",
    value: Math.round(invokeRate),
    unit: "prices/s (one JitRunner.invoke each)",
    baseline: "float64 JavaScript",
    baselineValue: Math.round(floatRate),
  });

  // the Greeks: the same series as the prices above, all four Greeks per evaluation
  const g = 100_000;
  const greeksArgs = [g, ...loopArgs.slice(1)];
  jit.invoke("blackScholesGreeksLoop", [1000, ...loopArgs.slice(1)], limit);
  const greeksRate = median(
    [0, 1, 2, 3, 4].map(() => g / timeSeconds(() => jit.invoke("blackScholesGreeksLoop", greeksArgs, limit))),
  );
  const floatGreeksLoop = () => {
    for (let i = 0; i < g; i++) {
      const x = greeks64(true, 1000 + i * 0.01, 1050, 0.6, 31_536_000 / 4, 0.03);
      sink += x.delta + x.gamma + x.vega + x.theta;
    }
  };
  floatGreeksLoop();
  const floatGreeksRate = median([0, 1, 2, 3, 4].map(() => g / timeSeconds(floatGreeksLoop)));
  emit({
    name: "engine.greeks",
    value: Math.round(greeksRate),
    unit: "evaluations/s (delta, gamma, vega, theta of one series; integer, in the fast runner)",
    baseline: "float64 JavaScript",
    baselineValue: Math.round(floatGreeksRate),
  });
  const calc = await createGreeksCalculator();
  const c = 20_000;
  const calcRate = median(
    [0, 1, 2, 3, 4].map(
      () =>
        c /
        timeSeconds(() => {
          for (let i = 0; i < c; i++) {
            const x = calc.greeks({
              isCall: true,
              spot: 1000n * E8 + BigInt(i),
              strike: 1050n * E8,
              volE8: 60_000_000n,
              timeSeconds: YEAR / 4n,
              rateE8: 3_000_000n,
            });
            if (x === undefined) throw new Error("greeks: outside the domain");
          }
        }),
    ),
  );
  emit({
    name: "engine.greeks.calculator",
    value: Math.round(calcRate),
    unit: "evaluations/s (createGreeksCalculator, one invoke each)",
    baseline: "float64 JavaScript",
    baselineValue: Math.round(floatGreeksRate),
  });

  // gas per call over a spread of inputs
  const gas = (name: string, argsList: (bigint | number)[][]) => {
    const used = argsList.map((a) => {
      const x = jit.invoke(name, a, limit);
      if (!x.ok) throw new Error(`${name}: ${x.trap}`);
      return limit - x.gasLeft;
    });
    emit({
      name: `math.gas.${name}`,
      value: median(used),
      unit: "gas per call (median)",
      max: Math.max(...used),
    });
  };
  const spread = (k: number, f: (i: number) => (bigint | number)[]) =>
    Array.from({ length: k }, (_, i) => f(i));
  gas(
    "lnE18",
    spread(200, (i) => [10n ** 14n + BigInt(i) * 45_000_000_000_000_000n]),
  );
  gas(
    "lnRatioE18",
    spread(200, (i) => [BigInt(i + 1) * 123_457n, 1_000_000n + BigInt(i)]),
  );
  gas(
    "expE18",
    spread(200, (i) => [-9n * E18 + BigInt(i) * 56_000_000_000_000_000n]),
  );
  gas(
    "sqrtU64",
    spread(200, (i) => [BigInt.asIntN(64, (1n << BigInt(i % 64)) * 3n + BigInt(i))]),
  );
  gas(
    "sqrtU128",
    spread(200, (i) => [BigInt.asIntN(64, (1n << BigInt(i % 64)) + BigInt(i)), BigInt(i) * 987_654_321n]),
  );
  gas(
    "sqrtE18",
    spread(200, (i) => [BigInt(i + 1) * 40_000_000_000_000_000n]),
  );
  gas(
    "normalCdfE18",
    spread(200, (i) => [-10n * E18 + BigInt(i) * 100_000_000_000_000_000n]),
  );
  const bsArgs = spread(210, (i) => [
    BigInt(1 + (i % 7) * 150_000) * E8,
    (BigInt(1 + (i % 7) * 150_000) * E8 * BigInt(50 + ((i * 13) % 150))) / 100n,
    BigInt(5 + ((i * 7) % 296)) * 1_000_000n,
    3600n + BigInt((i * 997_331) % 63_068_400),
    BigInt((i % 5) - 1) * 2_000_000n,
  ]);
  gas(
    "blackScholesCall",
    bsArgs.map((a) => [...a, 0]),
  );
  gas(
    "blackScholesPut",
    bsArgs.map((a) => [...a, 1]),
  );
  gas(
    "blackScholesDeltaE8",
    bsArgs.map((a) => [1, ...a]),
  );
  gas(
    "blackScholesGreeks",
    bsArgs.map((a) => [1, ...a]),
  );
  gas(
    "blackScholesGammaE18",
    bsArgs.map((a) => [...a]),
  );
  gas(
    "blackScholesVegaPerPoint",
    bsArgs.map((a) => [...a]),
  );
  gas(
    "blackScholesThetaPerDay",
    bsArgs.map((a) => [0, ...a]),
  );
  gas(
    "normalPdfE18",
    spread(200, (i) => [-10n * E18 + BigInt(i) * 100_000_000_000_000_000n]),
  );
  // implied volatility of each spread input's own call price
  gas(
    "impliedVolE8",
    bsArgs.map((a) => {
      const x = jit.invoke("blackScholesCall", [...a, 0], limit);
      if (!x.ok) throw new Error(x.trap);
      return [1, x.values[0], a[0], a[1], a[3], a[4]];
    }),
  );
  if (!Number.isFinite(sink)) throw new Error("float baseline produced a non-finite sum");
}

/** Seconds taken by a synchronous `fn`. */
function timeSeconds(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
}
