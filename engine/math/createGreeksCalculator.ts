/**
 * The Greeks and implied volatility for the services (the sequencer's and explorer's views of
 * a series and an account), computed by the engine's own integer code: engine/math compiled
 * with the engine's flags (compileMathModule: about 5 s on the first use, cached afterwards)
 * and run on the machine's fast runner. Never a float re-implementation, so a figure the
 * services show is the figure the engine's math gives. Units and error bounds: docs/engine.md,
 * "Greeks".
 */
import { JitRunner, type Value } from "../../vm/index.ts";
import { compileMathModule } from "./compileMathModule.ts";

/** Gas for one call: the Greeks take about 6,300, an implied volatility about 52,000 (at most 157,000). */
const GAS_LIMIT = 1_000_000;
const MATH_ERROR = -(1n << 63n);

/** True when every value is an i64 (a wider one would wrap to another input in the machine). */
const allI64 = (xs: readonly bigint[]) => xs.every((x) => x >= MATH_ERROR && x < -MATH_ERROR);

/** One option series' Greeks per option (one whole base unit), in the unit of spot and strike. */
export interface SeriesGreeks {
  /** Base units of the underlying per option, E8: N(d1) for a call, N(d1) - 1 for a put. */
  readonly deltaE8: bigint;
  /** Delta per one price unit of spot, E18; undefined where infinite (expiry at the money) or above 2^63. */
  readonly gammaE18: bigint | undefined;
  /** Price units per volatility point (sigma + 0.01). */
  readonly vegaPerPoint: bigint;
  /** Price units per day (1/365 year) that passes; negative while the option loses value. */
  readonly thetaPerDay: bigint;
}

/** A series' pricing inputs, as the engine marks it (docs/engine.md, "Options": rate 0 there). */
export interface GreeksInputs {
  readonly isCall: boolean;
  /** The index, quote units per whole base unit (any unit shared with the strike). */
  readonly spot: bigint;
  readonly strike: bigint;
  /** Annual volatility, E8 (0.6 = 60_000_000). */
  readonly volE8: bigint;
  /** Seconds to expiry (0 at and after expiry). */
  readonly timeSeconds: bigint;
  /** Annual continuous rate, E8; the engine's marks use 0. */
  readonly rateE8?: bigint;
}

/** An option market's series as protocol/engine's decodeOptionSeries gives it (market slot part 2). */
export interface OptionSeriesFields {
  readonly isCall: boolean;
  readonly strike: bigint;
  /** Expiry time, seconds. */
  readonly expiry: bigint;
  readonly volatilityE8: bigint;
}

/**
 * The inputs the engine marks a series with (engine/option.as.ts, optionMark): the index as spot,
 * the series' strike and volatility, time to expiry max(0, expiry - now), rate 0. At and after
 * expiry the Greeks are those of the payoff (delta 0 or 1, the rest 0).
 */
export function optionSeriesInputs(
  series: OptionSeriesFields,
  indexPrice: bigint,
  now: bigint,
): GreeksInputs {
  return {
    isCall: series.isCall,
    spot: indexPrice,
    strike: series.strike,
    volE8: series.volatilityE8,
    timeSeconds: series.expiry > now ? series.expiry - now : 0n,
    rateE8: 0n,
  };
}

export interface GreeksCalculator {
  /**
   * The Black-Scholes price per option with the engine's own function (blackScholesCall/Put), rounded
   * down (up with roundUp, as the engine values a short); undefined outside the domain.
   */
  price(inputs: GreeksInputs, roundUp?: boolean): bigint | undefined;
  /** The Greeks, or undefined when an input is outside Black-Scholes' domain (docs/engine.md). */
  greeks(inputs: GreeksInputs): SeriesGreeks | undefined;
  /**
   * The volatility (E8) at which the integer price (rounded down) reaches `price`; undefined
   * when no volatility in [0, 1000%] does (below the discounted intrinsic value, above the price
   * at 1000%), at expiry, or outside the domain.
   */
  impliedVolE8(inputs: Omit<GreeksInputs, "volE8">, price: bigint): bigint | undefined;
}

/** The calculator on its own instance of the math module. */
export async function createGreeksCalculator(): Promise<GreeksCalculator> {
  const r = JitRunner.instantiate(await compileMathModule());
  if (!r.ok) throw new Error(`math module: JitRunner trap ${r.trap}`);
  const jit = r.instance;
  const call = (name: string, args: readonly Value[]): bigint => {
    const x = jit.invoke(name, args, GAS_LIMIT);
    if (!x.ok) throw new Error(`${name}(${args.join(", ")}): trap ${x.trap}`);
    return BigInt(x.values[0]);
  };
  const out = Number(call("greeksOut", []));
  let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  return {
    price(p, roundUp = false) {
      const values = [p.spot, p.strike, p.volE8, p.timeSeconds, p.rateE8 ?? 0n];
      if (!allI64(values)) return undefined;
      const v = call(p.isCall ? "blackScholesCall" : "blackScholesPut", [...values, roundUp ? 1 : 0]);
      return v === MATH_ERROR || v < 0n ? undefined : v;
    },
    greeks(p) {
      const values = [p.spot, p.strike, p.volE8, p.timeSeconds, p.rateE8 ?? 0n];
      if (!allI64(values)) return undefined;
      const args = [p.isCall ? 1 : 0, ...values];
      if (call("blackScholesGreeks", args) !== 1n) return undefined;
      const m = jit.memory;
      if (view.buffer !== m.buffer) view = new DataView(m.buffer, m.byteOffset, m.byteLength); // made once, unless memory grew
      const gamma = view.getBigInt64(out + 8, true);
      return {
        deltaE8: view.getBigInt64(out, true),
        gammaE18: gamma === MATH_ERROR ? undefined : gamma,
        vegaPerPoint: view.getBigInt64(out + 16, true),
        thetaPerDay: view.getBigInt64(out + 24, true),
      };
    },
    impliedVolE8(p, price) {
      const values = [price, p.spot, p.strike, p.timeSeconds, p.rateE8 ?? 0n];
      if (!allI64(values)) return undefined;
      const v = call("impliedVolE8", [p.isCall ? 1 : 0, ...values]);
      return v === MATH_ERROR ? undefined : v;
    },
  };
}
