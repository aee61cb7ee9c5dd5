/**
 * A perpetual's mark price as the engine computes it (docs/engine.md, "Mark price";
 * engine/price.as.ts): the index plus the market's basis average (`decodeFunding(...).basis`),
 * the basis clamped to MARK_BASIS_MAX_PPM of the index (rounded down), the mark at least 1.
 * Services show it and value positions with it; the engine is the reference.
 */
import { MARK_BASIS_MAX_PPM, PPM } from "./params.ts";

export function perpetualMark(index: bigint, basis: bigint): bigint {
  if (index <= 0n) throw new RangeError(`perpetualMark: expected a positive index, got ${index}`);
  const bound = index / (PPM / MARK_BASIS_MAX_PPM);
  const b = basis > bound ? bound : basis < -bound ? -bound : basis;
  const mark = index + b;
  return mark < 1n ? 1n : mark;
}
