/** `./optio disputes`: the running verifier's assertions (with our verdict) and games (with every move), from its API. */
import { parseArgs } from "node:util";
import { CliError } from "./CliError.ts";

export const DEFAULT_VERIFIER_API = "http://127.0.0.1:9201";

const USAGE = `usage: ./optio disputes [--api URL] [--json]
  prints the verifier's assertions with our verdict and its games with every move, our values and both clocks
  --api URL  the verifier's inspection API (default $OPTIO_VERIFIER_API or ${DEFAULT_VERIFIER_API})`;

export async function getJson<T>(api: string, path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${api}${path}`);
  } catch (e) {
    throw new CliError(
      `the verifier's API does not answer at ${api}: ${(e as Error).message}`,
      "start ./optio verifier or pass --api",
    );
  }
  if (!res.ok) throw new CliError(`${api}${path}: HTTP ${res.status} ${await res.text()}`, "check the id");
  return (await res.json()) as T;
}

const short = (h: string) => `${h.slice(0, 10)}…`;

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON (verifier/api/inspection.ts), printed as text.
export function formatGame(g: any): string {
  const lines = [
    `game ${g.id} on ${short(g.assertion)}  ${g.ours ? `we are ${g.role}, ${g.phase}` : "not ours"}` +
      // Clocks as of the last look matter only while the game runs.
      (g.clocks && !["won", "lost", "refunded"].includes(g.phase)
        ? `  clocks: ours ${g.clocks.ours}s theirs ${g.clocks.theirs}s (${g.clocks.ourTurn ? "our turn" : "their turn"})`
        : "") +
      (g.stuck ? `  STUCK ${g.stuck}` : ""),
  ];
  for (const m of g.moves) {
    if (m.kind === "bisected")
      lines.push(
        `  block ${m.l1Block}  ${m.by.padEnd(4)} bisect ${m.level === 0 ? "tx" : "step"} [${m.lo}, ${m.hi}]  ${m.values.length} values ${m.values.map(short).join(" ")}`,
      );
    else if (m.kind === "levelSwitched")
      lines.push(`  block ${m.l1Block}  level switch to transaction ${m.txIndex}`);
    else if (m.kind === "ended")
      lines.push(
        `  block ${m.l1Block}  ended: ${m.defenderWon ? "defender" : "challenger"} won (${["timeout", "one-step proof", "dismissed"][m.reason] ?? m.reason})`,
      );
    else lines.push(`  block ${m.l1Block}  started over ${m.transactions} transactions`);
  }
  if (g.last)
    lines.push(
      `  last decision: ${g.last.kind}${g.last.reason ? ` (${g.last.reason})` : ""}${g.last.until ? ` until L1 time ${g.last.until}` : ""}`,
    );
  return lines.join("\n");
}

export async function disputesCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { api: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const api = values.api ?? process.env.OPTIO_VERIFIER_API ?? DEFAULT_VERIFIER_API;
  // biome-ignore lint/suspicious/noExplicitAny: the API's JSON.
  type Json = any[];
  const [assertions, games] = await Promise.all([
    getJson<Json>(api, "/assertions"),
    getJson<Json>(api, "/games"),
  ]);
  if (values.json) {
    console.log(JSON.stringify({ assertions, games }, null, 2));
    return 0;
  }
  console.log(`assertions (${assertions.length})`);
  for (const a of assertions)
    console.log(
      `  ${short(a.id)} by ${short(a.proposer)} batches ..${a.batchEnd} txs ..${a.txEnd}  ${a.status}  verdict ${a.verdict.kind}${a.verdict.reason ? ` (${a.verdict.reason})` : ""}`,
    );
  console.log(`games (${games.length})`);
  for (const g of games) console.log(formatGame(g));
  return 0;
}
