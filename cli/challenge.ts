/**
 * `./optio challenge <assertion>`: what a user "submitting a challenge" runs. It asks the running verifier (its
 * operator port, admin token) to open a challenge on the assertion with the bond, then follows the game on the
 * verifier's API and prints each move as it lands until the game ends.
 */
import { parseArgs } from "node:util";
import { CliError } from "./CliError.ts";
import { DEFAULT_VERIFIER_API, formatGame, getJson } from "./disputes.ts";

const USAGE = `usage: ./optio challenge ASSERTION [--api URL] [--operator URL] [--token T] [--force] [--timeout S]
  opens a challenge on ASSERTION (0x + 64 hex) through the running verifier and shows its progress to the end
  --api URL       the verifier's inspection API (default $OPTIO_VERIFIER_API or ${DEFAULT_VERIFIER_API})
  --operator URL  its operator port (default $OPTIO_VERIFIER_OPERATOR or http://127.0.0.1:9200)
  --token T       its admin token (default $OPTIO_ADMIN_TOKEN)
  --force         challenge even when the verifier does not disagree (its bond is then likely lost)
  --timeout S     stop following after S seconds (default 3600; the game goes on in the verifier)`;

export async function challengeCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      api: { type: "string" },
      operator: { type: "string" },
      token: { type: "string" },
      force: { type: "boolean" },
      timeout: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const assertion = positionals[0];
  if (assertion === undefined || !/^0x[0-9a-fA-F]{64}$/.test(assertion))
    throw new CliError(`expected an assertion id (0x + 64 hex), got ${assertion ?? "nothing"}`, USAGE);
  const api = values.api ?? process.env.OPTIO_VERIFIER_API ?? DEFAULT_VERIFIER_API;
  const operator = values.operator ?? process.env.OPTIO_VERIFIER_OPERATOR ?? "http://127.0.0.1:9200";
  const token = values.token ?? process.env.OPTIO_ADMIN_TOKEN;
  if (!token)
    throw new CliError("no admin token", "pass --token or set OPTIO_ADMIN_TOKEN (the verifier's adminToken)");
  const res = await fetch(`${operator}/admin/challenge`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ assertion: assertion.toLowerCase(), force: values.force === true }),
  }).catch((e: Error) => {
    throw new CliError(
      `the verifier's operator port does not answer at ${operator}: ${e.message}`,
      "start ./optio verifier or pass --operator",
    );
  });
  const body = (await res.json()) as {
    result?: { key?: string; refused?: { error: string; fix: string } };
    error?: string;
  };
  if (!res.ok)
    throw new CliError(`the verifier's operator port answered ${res.status}: ${body.error}`, "see its log");
  const refused = body.result?.refused;
  if (refused) throw new CliError(`the verifier refused: ${refused.error}`, refused.fix);
  console.log(`challenge submitted (intent ${body.result?.key}); following the game…`);
  const deadline = Date.now() + 1000 * Number(values.timeout ?? 3600);
  let shown = "";
  while (Date.now() < deadline) {
    // biome-ignore lint/suspicious/noExplicitAny: the API's JSON.
    const games = (await getJson<any[]>(api, "/games")).filter(
      (g) => g.assertion.toLowerCase() === assertion.toLowerCase() && g.ours && g.role === "challenger",
    );
    const g = games[games.length - 1];
    if (g) {
      const text = formatGame(g);
      if (text !== shown) {
        console.log(text.slice(shown.length > 0 && text.startsWith(shown) ? shown.length + 1 : 0));
        shown = text;
      }
      if (["won", "lost", "refunded"].includes(g.phase)) {
        console.log(`game ${g.id}: ${g.phase}`);
        return g.phase === "lost" ? 1 : 0;
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.log("still playing: the verifier keeps going (./optio disputes shows it)");
  return 0;
}
