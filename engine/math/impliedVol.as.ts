// Implied volatility from an option price by bisection on the integer Black-Scholes price
// (docs/engine.md, "Greeks"). The bisection keeps price(lo) < target <= price(hi) and ends when
// hi = lo + 1: 30 halvings of [0, 1e9], 32 prices in all, whatever the input. The price is
// non-decreasing in volatility up to one unit of rounding (mathProperties.test.ts), so hi is
// where the price reaches the target, the smallest such volatility up to that unit.
import { blackScholesCall, blackScholesPut } from "./blackScholes.as";
import { BS_MAX_VOL_E8, MATH_ERROR } from "./fixed.as";

// @ts-ignore: decorator
@inline function priceAt(isCall: bool, spot: i64, strike: i64, volE8: i64, timeSeconds: i64, rateE8: i64): i64 {
  return isCall
    ? blackScholesCall(spot, strike, volE8, timeSeconds, rateE8, false)
    : blackScholesPut(spot, strike, volE8, timeSeconds, rateE8, false);
}

/**
 * Implied volatility, E8: a volE8 in [0, 1e9] whose price (blackScholesCall or blackScholesPut,
 * rounded down) is at least `price` (in the unit of spot and strike) while the price at volE8 - 1
 * is below it: the volatility at which the price reaches `price`. Inputs
 * as blackScholesCall with timeSeconds > 0. MATH_ERROR outside that domain, and when no volatility
 * gives the price: below the volatility-0 price (the discounted intrinsic value) or above the
 * price at 1000%. Where the price hardly moves with volatility (far from the money, short
 * expiry) many volatilities give the same price: the smallest is returned.
 */
export function impliedVolE8(
  isCall: bool,
  price: i64,
  spot: i64,
  strike: i64,
  timeSeconds: i64,
  rateE8: i64,
): i64 {
  if (timeSeconds <= 0 || price < 0) return MATH_ERROR;
  const low = priceAt(isCall, spot, strike, 0, timeSeconds, rateE8);
  if (low == MATH_ERROR || price < low) return MATH_ERROR;
  if (price == low) return 0;
  if (priceAt(isCall, spot, strike, BS_MAX_VOL_E8, timeSeconds, rateE8) < price) return MATH_ERROR;
  let lo: i64 = 0; // price(lo) < price
  let hi: i64 = BS_MAX_VOL_E8; // price(hi) >= price
  while (hi - lo > 1) {
    const mid = lo + ((hi - lo) >> 1);
    if (priceAt(isCall, spot, strike, mid, timeSeconds, rateE8) >= price) hi = mid;
    else lo = mid;
  }
  return hi;
}
