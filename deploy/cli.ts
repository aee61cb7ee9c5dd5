// The entry `./optio deploy` and `./optio devnet` run: dispatches, and prints a DeployError as its message and fix.
import { deployCommand } from "./deployCommand.ts";
import { devnetCommand } from "./devnetCommand.ts";
import { DeployError } from "./errors.ts";

const [command, ...args] = process.argv.slice(2);
try {
  const code = command === "devnet" ? await devnetCommand(args) : await deployCommand(args);
  process.exit(code);
} catch (e) {
  if (e instanceof DeployError) {
    console.error(`optio ${command}: ${e.message}\n  fix: ${e.fix}`);
  } else if (e instanceof Error && (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`optio ${command}: ${e.message} (./optio ${command} --help)`);
  } else {
    console.error(`optio ${command}: unexpected failure`, e);
  }
  process.exit(1);
}
