/**
 * `./optio devnet`: the local L1 with the rollup deployed (deploy/devnetCommand.ts), then every
 * service a user needs (cli/devnet/startDevnetServices.ts), a "ready" line, and Ctrl-C stops all.
 */
import { devnetCommand } from "../deploy/devnetCommand.ts";
import { startDevnetServices } from "./devnet/startDevnetServices.ts";

export function devnetCli(argv: readonly string[]): Promise<number> {
  return devnetCommand(argv, startDevnetServices);
}
