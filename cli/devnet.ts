/**
 * `./optio devnet`: the local L1 with the rollup deployed (deploy/devnetCommand.ts), then every
 * service a user needs (cli/devnet/startDevnetServices.ts), a "ready" line, and Ctrl-C stops all.
 * `--evil KIND[,KIND...]` adds a dishonest party of each kind (a verifier with --fault, Hardhat #5, #6, ...;
 * the proposer kinds are allowed proposers), `--evil-seed N` places their faults (printed, so a run replays).
 * OPTIO_DEVNET_SHORT_EXPIRY_S=N adds a call and a put expiring N seconds after setup (cli/devnet/devnetMarkets.ts).
 */
import { getAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { devnetCommand } from "../deploy/devnetCommand.ts";
import { HARDHAT_TEST_KEYS } from "../deploy/index.ts";
import { FAULT_SETTINGS } from "../verifier/index.ts";
import { CliError } from "./CliError.ts";
import { devnetShortExpirySeconds } from "./devnet/devnetMarkets.ts";
import { EVIL_KEY_INDEX, startDevnetServices } from "./devnet/startDevnetServices.ts";

/** Takes `--evil` and `--evil-seed` (either `--flag value` or `--flag=value`) out of argv. */
function evilOptions(argv: readonly string[]): { rest: string[]; kinds: string[]; seed: number } {
  const rest: string[] = [];
  let kinds: string[] = [];
  let seed = Math.floor(Date.now() / 1000) % 1_000_000;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    if (flag !== "--evil" && flag !== "--evil-seed") {
      rest.push(argv[i]);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined)
      throw new CliError(`${flag} needs a value`, "e.g. ./optio devnet --evil wrong-root");
    if (flag === "--evil-seed") {
      if (!/^\d{1,9}$/.test(value))
        throw new CliError(`--evil-seed: expected a whole number, got "${value}"`, "e.g. --evil-seed 7");
      seed = Number(value);
    } else kinds = value.split(",");
  }
  const kindsAllowed = FAULT_SETTINGS.filter((k) => k !== "");
  for (const k of kinds)
    if (!kindsAllowed.includes(k))
      throw new CliError(
        `--evil: no fault kind "${k}"`,
        `use one or more (comma-separated) of: ${kindsAllowed.join(", ")}`,
      );
  if (kinds.length > HARDHAT_TEST_KEYS.length - EVIL_KEY_INDEX)
    throw new CliError(
      `--evil: at most ${HARDHAT_TEST_KEYS.length - EVIL_KEY_INDEX} dishonest parties`,
      "name fewer kinds",
    );
  return { rest, kinds, seed };
}

export function devnetCli(argv: readonly string[]): Promise<number> {
  const { rest, kinds, seed } = evilOptions(argv);
  devnetShortExpirySeconds(process.env); // a bad value fails here, before the chain starts, not after
  // Every dishonest party may propose (a dishonest challenger never does, but being allowed costs nothing).
  const proposers = kinds.map((_, i) =>
    getAddress(privateKeyToAccount(HARDHAT_TEST_KEYS[EVIL_KEY_INDEX + i]).address),
  );
  return devnetCommand(
    rest,
    (d, file, url) => startDevnetServices(d, file, url, kinds.length > 0 ? { kinds, seed } : undefined),
    proposers,
  );
}
