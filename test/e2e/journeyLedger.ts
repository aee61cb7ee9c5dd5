// What an account's collateral must be after a journey of trades and settlements, from the API's fills and
// settlement prices alone, by the engine's rules (docs/engine.md, "Trades and fees", "Options"): the journey test's
// reconciliation, written once and unit-tested on its roundings (journeyLedger.test.ts).
import type { Hex } from "viem";
import type { Fill } from "../../sequencer/api/index.ts";

const QTY_SCALE = 100_000_000n;

/** One fill as one account saw it. */
export interface LedgerFill {
  readonly market: number;
  /** This account's side: 0 bought, 1 sold. */
  readonly side: 0 | 1;
  readonly price: bigint;
  /** qtyE8. */
  readonly quantity: bigint;
  /** The fee this account paid on it (the taker's or the maker's). */
  readonly fee: bigint;
}

/** The fills of `fills` in which (address, subaccount) took part, from its side. */
export function fillsOf(fills: readonly Fill[], address: Hex, subaccount = 0): LedgerFill[] {
  const me = address.toLowerCase();
  const out: LedgerFill[] = [];
  for (const f of fills) {
    const taker = f.taker.toLowerCase() === me && f.takerSubaccount === subaccount;
    const maker = f.maker.toLowerCase() === me && f.makerSubaccount === subaccount;
    if (!taker && !maker) continue;
    out.push({
      market: f.market,
      side: taker ? f.takerSide : f.takerSide === 0 ? 1 : 0,
      price: BigInt(f.price),
      quantity: BigInt(f.quantity),
      fee: BigInt(taker ? f.takerFee : f.makerFee),
    });
  }
  return out;
}

/** A fill's notional: floor(q * p / 1e8), the same amount on both sides. */
export const notional = (f: LedgerFill): bigint => (f.quantity * f.price) / QTY_SCALE;

/** Per contract: max(0, S - K) for a call, max(0, K - S) for a put. */
export function optionPayoff(isCall: boolean, strike: bigint, settlementPrice: bigint): bigint {
  const d = isCall ? settlementPrice - strike : strike - settlementPrice;
  return d > 0n ? d : 0n;
}

/** What SETTLE moves for a position of `base` (qtyE8): a long receives floor(base * payoff / 1e8), a short pays the ceiling. */
export function settlementAmount(base: bigint, payoff: bigint): bigint {
  if (base >= 0n) return (base * payoff) / QTY_SCALE;
  return -((-base * payoff + QTY_SCALE - 1n) / QTY_SCALE);
}

export interface Ledger {
  /** Every fee paid. */
  readonly fees: bigint;
  /** Option notional paid net (bought - sold). */
  readonly premium: bigint;
  /** Perpetual notional received net (sold - bought): the realized PnL once flat. */
  readonly realizedPnl: bigint;
  /** Settlement amounts received net (paid in by shorts counts negative). */
  readonly payoff: bigint;
  /** deposited - fees - premium + realizedPnl + payoff - withdrawn: the collateral once every position is closed. */
  readonly collateral: bigint;
}

/**
 * The ledger of an account whose positions are all closed (perpetuals traded back to flat, option series settled):
 * each closed position's quote balance (the net notional) has been realized into collateral (docs/engine.md, "a
 * position whose base returns to 0 is realized"), and no funding interval passed while a perpetual was held (the
 * caller checks the cumulative funding did not move; funding would be one more term).
 */
export function ledger(p: {
  readonly deposited: bigint;
  readonly withdrawn: bigint;
  readonly fills: readonly LedgerFill[];
  readonly optionMarkets: ReadonlySet<number>;
  /** Settlement amounts (settlementAmount) of each settled position. */
  readonly settlements: readonly bigint[];
}): Ledger {
  let fees = 0n;
  let premium = 0n;
  let realizedPnl = 0n;
  for (const f of p.fills) {
    fees += f.fee;
    const received = f.side === 1 ? notional(f) : -notional(f);
    if (p.optionMarkets.has(f.market)) premium -= received;
    else realizedPnl += received;
  }
  const payoff = p.settlements.reduce((s, x) => s + x, 0n);
  return {
    fees,
    premium,
    realizedPnl,
    payoff,
    collateral: p.deposited - fees - premium + realizedPnl + payoff - p.withdrawn,
  };
}
