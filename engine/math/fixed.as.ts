// Scales, error code and domain limits of the engine's fixed-point math (docs/engine.md,
// "Fixed-point math"). A value's scale is in its name: xE18 means x * 10^18 held as an
// integer, priceE8 a price * 10^8. Internally some steps use binary fixed point (Qn: x * 2^n).

/** Returned instead of a value when an input is outside a function's domain or the result does not fit. */
export const MATH_ERROR: i64 = i64.MIN_VALUE;

/** 10^8: the scale of volatilities, rates and deltas (E8). */
export const E8: i64 = 100_000_000;
/** 10^18: the scale of ln, exp, sqrt and the normal CDF (E18). */
export const E18: i64 = 1_000_000_000_000_000_000;

/** Seconds in the year that volatilities and rates are quoted per (365 days). */
export const YEAR_SECONDS: i64 = 31_536_000;

// Black-Scholes domain: inputs outside it give MATH_ERROR.
/** Largest spot or strike, in their unit (e.g. quote units per base unit). */
export const BS_MAX_PRICE: i64 = 10_000_000_000_000_000;
/** Largest volatility, E8 (1000% a year). */
export const BS_MAX_VOL_E8: i64 = 1_000_000_000;
/** Longest time to expiry, seconds (10 years). */
export const BS_MAX_TIME_SECONDS: i64 = 10 * YEAR_SECONDS;
/** Largest |rate|, E8 (50% a year, continuously compounded). */
export const BS_MAX_ABS_RATE_E8: i64 = 50_000_000;
