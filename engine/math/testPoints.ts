/**
 * How many random points a math test checks: `n` times OPTIO_MATH_POINTS (default 1; raise it
 * for a longer local run, e.g. OPTIO_MATH_POINTS=100).
 */
export function testPoints(n: number): number {
  return Math.max(1, Math.round(n * Number(process.env.OPTIO_MATH_POINTS ?? 1)));
}

/** MATH_ERROR (i64 min) as the runners return it. */
export const MATH_ERROR_VALUE = -(1n << 63n);

/** (result - exact) in units of the result's last place; exact in FRAC-bit fixed point of those units. */
export function ulpError(result: bigint, exact: bigint, frac: bigint): number {
  return Number((result << frac) - exact) / 2 ** Number(frac);
}
