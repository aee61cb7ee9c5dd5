import { parseArgs } from "node:util";
import type { Address, Hex } from "viem";
import { deployRollup } from "./deployRollup.ts";
import { InvalidDeployArgumentError } from "./errors.ts";
import { formatSummary } from "./formatSummary.ts";
import { HARDHAT_TEST_KEYS } from "./hardhatAccounts.ts";

/** The devnet's L1 URL (`./optio devnet`; OPTIO_L1_PORT moves it). */
export function devnetRpcUrl(): string {
  return `http://127.0.0.1:${process.env.OPTIO_L1_PORT ?? "8545"}`;
}

/** Where the deployment record goes unless --out says otherwise. */
export const DEFAULT_DEPLOYMENT_FILE = ".optio/devnet.json";

export const DEPLOY_USAGE = `usage: ./optio deploy [--rpc URL] [--key HEX] [--params devnet|public] [--out FILE]
                     [--engine WASM] [--sequencer ADDR] [--proposer ADDR]... [--token ADDR]
  --rpc        L1 JSON-RPC URL (default ${devnetRpcUrl()}, the devnet's)
  --key        deployer's private key, 0x + 64 hex (default: env OPTIO_DEPLOY_KEY, else Hardhat's account #0)
  --params     parameter set, protocol/rollup/params.ts (default devnet)
  --out        deployment record (default ${DEFAULT_DEPLOYMENT_FILE})
  --engine     engine wasm whose initial machine the challenge manager holds (default engine/engine.wasm)
  --sequencer  account allowed to post batches (default the deployer)
  --proposer   allowed proposer, repeatable (default the deployer)
  --token      existing collateral token (default: deploy the 6-decimal TestToken)`;

/** `./optio deploy`: deploys to any EVM RPC and writes the record; returns the process exit code. */
export async function deployCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rpc: { type: "string" },
      key: { type: "string" },
      params: { type: "string" },
      out: { type: "string" },
      engine: { type: "string" },
      sequencer: { type: "string" },
      proposer: { type: "string", multiple: true },
      token: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(DEPLOY_USAGE);
    return 0;
  }
  const params = values.params ?? "devnet";
  if (params !== "devnet" && params !== "public") {
    throw new InvalidDeployArgumentError("--params", params, "devnet or public");
  }
  const key = (values.key ?? process.env.OPTIO_DEPLOY_KEY ?? HARDHAT_TEST_KEYS[0]) as Hex;
  const rpcUrl = values.rpc ?? devnetRpcUrl();
  const out = values.out ?? DEFAULT_DEPLOYMENT_FILE;
  console.error(`optio deploy: deploying to ${rpcUrl} with the ${params} parameters`);
  const d = await deployRollup({
    connection: { rpcUrl, privateKey: key },
    params,
    out,
    engine: values.engine,
    sequencer: values.sequencer as Address | undefined,
    proposers: values.proposer as Address[] | undefined,
    token: values.token as Address | undefined,
    onStep: (step) => console.error(`  ${step}`),
  });
  console.log(formatSummary(d, out, key));
  return 0;
}
