// Market lookups every layer needs (docs/engine.md, "Layers"): below price, funding, trade and
// margin, so none of them imports an upper layer to ask what a market is.
import { KIND_PERP, MAX_MARKETS } from "./params.as";
import { marketSlot } from "./state.as";

export function marketExists(market: u32): bool {
  return market < MAX_MARKETS && load<u8>(marketSlot(market, 0) + 26) != 0;
}

/** True if `market` is a perpetual (kind 1). */
export function isPerp(market: u32): bool {
  return load<u8>(marketSlot(market, 0) + 26) == KIND_PERP;
}

/** The underlying a market is priced on. */
export function marketUnderlying(market: u32): u32 {
  return <u32>load<u16>(marketSlot(market, 0) + 24);
}
