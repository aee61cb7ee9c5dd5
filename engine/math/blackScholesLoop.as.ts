// Benchmark entry only (bench/math.ts), not part of the engine: the math module's exports plus
// a loop that prices n calls inside the machine, so that a measurement is not dominated by the
// JavaScript-to-WebAssembly call.
export * from "./index.as";
import { blackScholesCall } from "./blackScholes.as";
import { blackScholesGreeks, greeksOut } from "./greeks.as";

/** Sum of n call prices, spot stepping by `step` from spotE8 (each call sees a different input). */
export function blackScholesCallLoop(n: i32, spotE8: i64, step: i64, strikeE8: i64, volE8: i64, timeSeconds: i64, rateE8: i64): i64 {
  let sum: i64 = 0;
  for (let i = 0; i < n; i++) sum += blackScholesCall(spotE8 + <i64>i * step, strikeE8, volE8, timeSeconds, rateE8, false);
  return sum;
}

/** Sum of n evaluations of all four Greeks of a call (blackScholesGreeks), spot stepping as above. */
export function blackScholesGreeksLoop(n: i32, spotE8: i64, step: i64, strikeE8: i64, volE8: i64, timeSeconds: i64, rateE8: i64): i64 {
  let sum: i64 = 0;
  const out = greeksOut();
  for (let i = 0; i < n; i++) {
    blackScholesGreeks(true, spotE8 + <i64>i * step, strikeE8, volE8, timeSeconds, rateE8);
    sum += load<i64>(out) + load<i64>(out + 8) + load<i64>(out + 16) + load<i64>(out + 24);
  }
  return sum;
}
