// The `optio` command table (./optio is the setup shim that runs it): one file per command.
import { challengeCommand } from "./challenge.ts";
import { devnetCli } from "./devnet.ts";
import { disputesCommand } from "./disputes.ts";
import { explorerCommand } from "./explorer.ts";
import { l1Command } from "./l1.ts";
import { tradeCommand } from "./trade.ts";
import { verifierCommand } from "./verifier.ts";

const COMMANDS: Readonly<Record<string, (argv: readonly string[]) => Promise<number>>> = {
  devnet: devnetCli,
  explorer: explorerCommand,
  l1: l1Command,
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
  // CliError, and the components' errors that carry a fix (DeployError, ServiceError, L1Error).
  const fix = (e as { fix?: unknown }).fix;
  if (e instanceof Error && typeof fix === "string")
    console.error(`optio ${command}: ${e.message}\n  fix: ${fix}`);
  else if (e instanceof Error && (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS"))
    console.error(`optio ${command}: ${e.message} (./optio ${command} --help)`);
  else console.error(`optio ${command}: unexpected failure`, e);
  process.exit(1);
}
