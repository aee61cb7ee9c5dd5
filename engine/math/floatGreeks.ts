/**
 * The Greeks in float64 (the textbook formulas, written apart from the integer code): the
 * independent reference greeks.test.ts measures the integer Greeks against, and the baseline
 * of the engine.greeks benchmark. Units as the integer functions (docs/engine.md, "Greeks"):
 * delta per option, gamma per unit of spot, vega per volatility point (0.01), theta per day
 * (1/365 year), all in the unit of spot and strike.
 */
import { normalCdf64, YEAR_SECONDS_64 } from "./floatBlackScholes.ts";

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function normalPdf64(x: number): number {
  return INV_SQRT_2PI * Math.exp((-x * x) / 2);
}

export interface Greeks64 {
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
}

/** Greeks of a call (isCall) or put; vol and rate as fractions, time in seconds (> 0), vol > 0. */
export function greeks64(
  isCall: boolean,
  spot: number,
  strike: number,
  vol: number,
  timeSeconds: number,
  rate: number,
): Greeks64 {
  const t = timeSeconds / YEAR_SECONDS_64;
  const sqrtT = Math.sqrt(t);
  const v = vol * sqrtT;
  const d1 = (Math.log(spot / strike) + rate * t) / v + v / 2;
  const d2 = d1 - v;
  const pdf = normalPdf64(d1);
  const kd = strike * Math.exp(-rate * t);
  const decay = (-spot * pdf * vol) / (2 * sqrtT);
  const thetaYear = isCall ? decay - rate * kd * normalCdf64(d2) : decay + rate * kd * normalCdf64(-d2);
  return {
    delta: isCall ? normalCdf64(d1) : normalCdf64(d1) - 1,
    gamma: pdf / (spot * v),
    vega: (spot * pdf * sqrtT) / 100,
    theta: thetaYear / 365,
  };
}
