// `./optio sequencer`: loads the settings (flags, OPTIO_* environment, --config FILE), starts the
// node and shuts it down in order on SIGINT/SIGTERM. Operator errors print what and the fix.
import { resolve } from "node:path";
import { ConfigError, configHelp, loadConfig, ServiceError } from "../service/index.ts";
import { SEQUENCER_SETTINGS } from "./settings.ts";
import { startSequencer } from "./startSequencer.ts";

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(
    configHelp(
      "usage: ./optio sequencer [--setting value]...\n  Runs the sequencer node: executes signed transactions, logs them durably, seals batches.",
      SEQUENCER_SETTINGS,
    ),
  );
  process.exit(0);
}
try {
  const config = loadConfig(SEQUENCER_SETTINGS, { argv, env: process.env });
  await startSequencer(config, resolve(import.meta.dirname, ".."), (code) => process.exit(code));
} catch (e) {
  if (e instanceof ConfigError || e instanceof ServiceError) {
    console.error(`optio sequencer: ${e.message}\n  fix: ${e.fix}`);
  } else {
    console.error("optio sequencer: failed to start:", e);
  }
  process.exit(1);
}
