// engine/math: integer-only fixed-point math for the engine (docs/engine.md, "Fixed-point
// math"). Compiled on its own, this file is also the module the math tests run.
export {
  BS_MAX_ABS_RATE_E8,
  BS_MAX_PRICE,
  BS_MAX_TIME_SECONDS,
  BS_MAX_VOL_E8,
  E8,
  E18,
  MATH_ERROR,
  YEAR_SECONDS,
} from "./fixed.as";
export { blackScholesCall, blackScholesDeltaE8, blackScholesPut } from "./blackScholes.as";
export { expE18 } from "./exp.as";
export {
  blackScholesGammaE18,
  blackScholesGreeks,
  blackScholesThetaPerDay,
  blackScholesVegaPerPoint,
  greeksOut,
} from "./greeks.as";
export { impliedVolE8 } from "./impliedVol.as";
export { lnE18, lnRatioE18 } from "./ln.as";
export { normalCdfE18, normalPdfE18 } from "./normalCdf.as";
export { sqrtE18, sqrtU64, sqrtU128 } from "./sqrt.as";
