// What `./optio trade claim` prints for each withdrawal it paid, whether the proof came from the sequencer or a verifier.
import type { ClaimedWithdrawal } from "../sdk/index.ts";
import { formatUnits } from "./units.ts";

/** One line per claim; `source` names where the proof came from when it was not the sequencer. */
export function printClaimed(c: ClaimedWithdrawal, symbol: string, source?: string): void {
  console.log(
    `claimed withdrawal ${c.index}: ${formatUnits(c.amount.toString(), 6)} ${symbol} paid to ${c.recipient} on L1 (tx ${c.l1TxHash}, block ${c.l1Block}), against assertion ${c.assertion}${source === undefined ? "" : ` (proof from ${source})`}`,
  );
}

/** --json: every claim, its big numbers as decimal strings. */
export function printClaimsJson(done: readonly ClaimedWithdrawal[]): void {
  console.log(
    JSON.stringify(
      done.map((c) => ({
        ...c,
        index: c.index.toString(),
        amount: c.amount.toString(),
        l1Block: c.l1Block.toString(),
      })),
    ),
  );
}
