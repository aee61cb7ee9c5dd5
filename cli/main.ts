// The `optio` command table (./optio is the setup shim that runs it): one file per command.

import { CliError } from "./CliError.ts";
import { challengeCommand } from "./challenge.ts";
import { disputesCommand } from "./disputes.ts";
import { tradeCommand } from "./trade.ts";
import { verifierCommand } from "./verifier.ts";

const COMMANDS: Readonly<Record<string, (argv: readonly string[]) => Promise<number>>> = {
  trade: tradeCommand,
  verifier: verifierCommand,
  disputes: disputesCommand,
  challenge: challengeCommand,
};

const [command, ...args] = process.argv.slice(2);
const run = command === undefined ? undefined : COMMANDS[command];
if (run === undefined) {
  console.error(
    `optio: unknown command "${command ?? ""}"; commands here: ${Object.keys(COMMANDS).join(", ")}`,
  );
  process.exit(2);
}
try {
  process.exit(await run(args));
} catch (e) {
  if (e instanceof CliError) console.error(`optio ${command}: ${e.message}\n  fix: ${e.fix}`);
  else if (e instanceof Error && (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS"))
    console.error(`optio ${command}: ${e.message} (./optio ${command} --help)`);
  else console.error(`optio ${command}: unexpected failure`, e);
  process.exit(1);
}
