// Benchmark entry only (bench/math.ts), not part of the engine: the math module's exports plus
// a loop that prices n calls inside the machine, so that a measurement is not dominated by the
// JavaScript-to-WebAssembly call.
export * from "./index.as";
import { blackScholesCall } from "./blackScholes.as";

/** Sum of n call prices, spot stepping by `step` from spotE8 (each call sees a different input). */
export function blackScholesCallLoop(n: i32, spotE8: i64, step: i64, strikeE8: i64, volE8: i64, timeSeconds: i64, rateE8: i64): i64 {
  let sum: i64 = 0;
  for (let i = 0; i < n; i++) sum += blackScholesCall(spotE8 + <i64>i * step, strikeE8, volE8, timeSeconds, rateE8, false);
  return sum;
}
