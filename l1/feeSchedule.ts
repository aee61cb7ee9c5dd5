/**
 * EIP-1559 fees for a transaction and its replacements. Nodes (geth, Hardhat's EDR) accept a replacement of a
 * pending transaction only when both its tip and its max fee are at least 10% above the one it replaces, so a bump
 * raises both by `bumpPercent` (>= 10) and never lets either fall behind what the chain now asks.
 */
export interface FeeSchedule {
  /** How long a transaction may stay unmined before it is replaced with higher fees (ms). */
  readonly bumpAfterMs: number;
  /** How much each replacement raises both the tip and the max fee (percent, integer, >= 10). */
  readonly bumpPercent: number;
  /** The max fee is `baseFeeMultiplier` x the next block's base fee + the tip (headroom for rising base fees). */
  readonly baseFeeMultiplier: number;
  /** The smallest tip offered (wei per gas), whatever the node suggests. */
  readonly minTipWei: bigint;
  /** Never offer a max fee above this (wei per gas): a bump that would cross it stays at the last fees. */
  readonly maxFeeCapWei: bigint;
}

/** Defaults for a 12-second-block L1 (Optimism's txmgr resubmits after 48 s, Nitro after 5 min; 10% bumps). */
export const DEFAULT_FEE_SCHEDULE: FeeSchedule = {
  bumpAfterMs: 36_000,
  bumpPercent: 15,
  baseFeeMultiplier: 2,
  minTipWei: 1_000_000_000n,
  maxFeeCapWei: 500_000_000_000n,
};

export interface Fees {
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

/** What the chain asks now: the next block's base fee and the node's suggested tip (wei per gas). */
export interface FeeMarket {
  readonly baseFee: bigint;
  readonly suggestedTip: bigint;
}

/** Throws on a schedule the rules above forbid (a bump under 10% would be refused as underpriced). */
export function checkFeeSchedule(s: FeeSchedule): FeeSchedule {
  if (!Number.isInteger(s.bumpPercent) || s.bumpPercent < 10) {
    throw new RangeError(`fee schedule bumpPercent: expected an integer >= 10, got ${s.bumpPercent}`);
  }
  if (!Number.isInteger(s.baseFeeMultiplier) || s.baseFeeMultiplier < 1) {
    throw new RangeError(
      `fee schedule baseFeeMultiplier: expected an integer >= 1, got ${s.baseFeeMultiplier}`,
    );
  }
  if (!(s.bumpAfterMs > 0))
    throw new RangeError(`fee schedule bumpAfterMs: expected > 0, got ${s.bumpAfterMs}`);
  if (s.minTipWei < 0n || s.maxFeeCapWei < s.minTipWei) {
    throw new RangeError(
      `fee schedule: expected 0 <= minTipWei <= maxFeeCapWei, got ${s.minTipWei}, ${s.maxFeeCapWei}`,
    );
  }
  return s;
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** `value` raised by `percent`, rounded up (so the result is never below the node's 10% rule). */
export function raised(value: bigint, percent: number): bigint {
  return (value * BigInt(100 + percent) + 99n) / 100n;
}

/** The fees of a first send. The tip is capped by the cap; the max fee covers at least the tip. */
export function initialFees(market: FeeMarket, s: FeeSchedule): Fees {
  const tip = min(max(market.suggestedTip, s.minTipWei), s.maxFeeCapWei);
  const maxFee = min(market.baseFee * BigInt(s.baseFeeMultiplier) + tip, s.maxFeeCapWei);
  return { maxFeePerGas: max(maxFee, tip), maxPriorityFeePerGas: tip };
}

/**
 * The fees of the next replacement: both raised by bumpPercent, or to what the market now asks if that is more.
 * `capped` when the raise would cross maxFeeCapWei: then the previous fees stay (a replacement below the 10% rule
 * would be refused, and the cap is the operator's limit).
 */
export function bumpFees(prev: Fees, market: FeeMarket, s: FeeSchedule): { fees: Fees; capped: boolean } {
  const fresh = initialFees(market, s);
  const tip = max(raised(prev.maxPriorityFeePerGas, s.bumpPercent), fresh.maxPriorityFeePerGas);
  const maxFee = max(max(raised(prev.maxFeePerGas, s.bumpPercent), fresh.maxFeePerGas), tip);
  if (maxFee > s.maxFeeCapWei) return { fees: prev, capped: true };
  return { fees: { maxFeePerGas: maxFee, maxPriorityFeePerGas: tip }, capped: false };
}

/** Whether `next` may replace `prev` under the replacement rule (both fees at least 10% higher). */
export function isValidReplacement(prev: Fees, next: Fees): boolean {
  return (
    next.maxPriorityFeePerGas >= raised(prev.maxPriorityFeePerGas, 10) &&
    next.maxFeePerGas >= raised(prev.maxFeePerGas, 10)
  );
}
