// European cash-settled options (docs/engine.md, "Options"). An option market trades premiums
// on the same book as a perpetual (price = premium in quote units per whole base unit,
// quantity = contracts of one base unit in qtyE8). Before expiry a position is marked with
// Black-Scholes (engine/math) at the index price, the series' volatility and zero rate,
// rounded down for longs and up for shorts; after expiry at its payoff at the settlement
// price, which the index updates fix (settlement.as.ts). SETTLE itself, which values the
// account and may deleverage, is optionSettlement.as.ts, above margin.
import { context, CTX_TIMESTAMP } from "./host.as";
import { blackScholesCall, blackScholesPut } from "./math/blackScholes.as";
import { MATH_ERROR } from "./math/fixed.as";
import { BAD_AMOUNT, OK } from "./outcome.as";
import { KIND_OPTION } from "./params.as";
import { fundingSlot, marketSlot } from "./state.as";

/** Set by optionMark when Black-Scholes refuses its inputs. */
export let optionError: i32 = OK;

export function isOption(market: u32): bool {
  return load<u8>(marketSlot(market, 0) + 26) == KIND_OPTION;
}

export function isExpired(market: u32): bool {
  return <u64>context(CTX_TIMESTAMP) >= load<u64>(marketSlot(market, 2) + 8);
}

/** The payoff per whole base unit at underlying price s. */
export function payoff(market: u32, s: u64): u64 {
  const p = marketSlot(market, 2);
  const k = load<u64>(p);
  if (load<u8>(p + 24) != 0) return s > k ? s - k : 0;
  return k > s ? k - s : 0;
}

/** The fixed settlement price of an option market, 0 if not fixed yet. */
export function settlementPrice(market: u32): u64 {
  return load<u64>(fundingSlot(market));
}

/**
 * The mark of one contract at index price `spot`: Black-Scholes before expiry (rounded up for
 * `short`), the intrinsic value at `spot` once expired. 0 with optionError set if refused.
 */
export function optionMark(market: u32, spot: u64, short: bool): u64 {
  const p = marketSlot(market, 2);
  const now = <u64>context(CTX_TIMESTAMP);
  const expiry = load<u64>(p + 8);
  if (now >= expiry) return payoff(market, spot);
  const k = <i64>load<u64>(p);
  const vol = <i64>load<u64>(p + 16);
  const t = <i64>(expiry - now);
  const v = load<u8>(p + 24) != 0
    ? blackScholesCall(<i64>spot, k, vol, t, 0, short)
    : blackScholesPut(<i64>spot, k, vol, t, 0, short);
  if (v == MATH_ERROR || v < 0) {
    optionError = BAD_AMOUNT;
    return 0;
  }
  return <u64>v;
}
