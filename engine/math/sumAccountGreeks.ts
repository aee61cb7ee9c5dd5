/**
 * An account's Greeks: the position-weighted sum of its series' Greeks (SeriesGreeks, from
 * createGreeksCalculator), per underlying. A pure function of the positions and the series'
 * Greeks, so the sequencer and the explorer show the same figures for the same state.
 *
 * Units (quantities are qtyE8, 1e-8 of a base unit; docs/engine.md, "Greeks"):
 * - deltaE8: base units of the underlying the account is long (E8), sum of qtyE8 * deltaE8 / 1e8;
 *   a perpetual position counts with delta 1 (PERPETUAL_GREEKS).
 * - gammaE18: change of that delta, in base units, per price unit of the underlying, E18.
 * - vegaPerPoint: quote units per volatility point (0.01) of every series of the underlying.
 * - thetaPerDay: quote units per day.
 * Each sum is exact and rounded to nearest (halves away from zero) once, at the end.
 */
import type { SeriesGreeks } from "./createGreeksCalculator.ts";

const QTY_SCALE = 100_000_000n;

export interface GreeksPosition {
  /** The underlying's id: delta and gamma add up only within one underlying. */
  readonly underlying: bigint;
  /** Signed size in qtyE8 (negative: short). */
  readonly qtyE8: bigint;
  /** The series' Greeks per option (one whole base unit); PERPETUAL_GREEKS for a perpetual. */
  readonly greeks: SeriesGreeks;
}

export interface AccountGreeks {
  readonly deltaE8: bigint;
  /** Undefined when a position with size has an undefined gamma (a series at expiry at the money). */
  readonly gammaE18: bigint | undefined;
  readonly vegaPerPoint: bigint;
  readonly thetaPerDay: bigint;
}

/** A perpetual position's Greeks per base unit: delta 1, nothing else. */
export const PERPETUAL_GREEKS: SeriesGreeks = {
  deltaE8: QTY_SCALE,
  gammaE18: 0n,
  vegaPerPoint: 0n,
  thetaPerDay: 0n,
};

/** round(x / QTY_SCALE), halves away from zero. */
function roundQty(x: bigint): bigint {
  const half = QTY_SCALE / 2n;
  return x >= 0n ? (x + half) / QTY_SCALE : -((-x + half) / QTY_SCALE);
}

/** The account's Greeks per underlying (underlyings without positions are absent). */
export function sumAccountGreeks(positions: readonly GreeksPosition[]): Map<bigint, AccountGreeks> {
  const sums = new Map<bigint, { delta: bigint; gamma: bigint | undefined; vega: bigint; theta: bigint }>();
  for (const p of positions) {
    if (p.qtyE8 === 0n) continue;
    let s = sums.get(p.underlying);
    if (s === undefined) {
      s = { delta: 0n, gamma: 0n, vega: 0n, theta: 0n };
      sums.set(p.underlying, s);
    }
    const g = p.greeks;
    s.delta += p.qtyE8 * g.deltaE8;
    s.gamma = s.gamma === undefined || g.gammaE18 === undefined ? undefined : s.gamma + p.qtyE8 * g.gammaE18;
    s.vega += p.qtyE8 * g.vegaPerPoint;
    s.theta += p.qtyE8 * g.thetaPerDay;
  }
  const out = new Map<bigint, AccountGreeks>();
  for (const [u, s] of sums) {
    out.set(u, {
      deltaE8: roundQty(s.delta),
      gammaE18: s.gamma === undefined ? undefined : roundQty(s.gamma),
      vegaPerPoint: roundQty(s.vega),
      thetaPerDay: roundQty(s.theta),
    });
  }
  return out;
}
