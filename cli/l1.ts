/**
 * `./optio l1 status [--deployment FILE] [--redis HOST:PORT] [--json]`: every L1 intent of the
 * deployment's sequencer key (post batch n, post/confirm assertion, bond withdrawals) with its
 * state, nonce, transaction hashes, fees and last error (docs/l1.md).
 * `./optio l1 force-include`: cli/l1ForceInclude.ts.
 */
import { parseArgs } from "node:util";
import { createPublicClient, http, type PublicClient } from "viem";
import { readDeployment } from "../deploy/index.ts";
import { statusCommand } from "../l1/statusCommand.ts";
import { l1QueuePrefix } from "../sequencer/l1/startL1Work.ts";
import { CliError } from "./CliError.ts";
import { forceIncludeCommand } from "./l1ForceInclude.ts";

export async function l1Command(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "force-include") return forceIncludeCommand(rest);
  if (sub !== "status")
    throw new CliError(
      `unknown l1 command "${sub ?? ""}"`,
      "./optio l1 status [--deployment FILE] [--redis HOST:PORT] [--json], or ./optio l1 force-include [--deployment FILE] [--key HEX | --account N] [--json]",
    );
  const { values } = parseArgs({
    args: rest,
    options: {
      deployment: { type: "string", default: ".optio/devnet.json" },
      redis: { type: "string" },
      json: { type: "boolean" },
    },
    strict: true,
  });
  let d: ReturnType<typeof readDeployment>;
  try {
    d = readDeployment(values.deployment);
  } catch (e) {
    throw new CliError(
      `cannot read ${values.deployment}: ${(e as Error).message}`,
      "run ./optio devnet or pass --deployment FILE",
    );
  }
  const client = createPublicClient({
    transport: http(d.l1Rpc, { retryCount: 0, timeout: 5_000 }),
  }) as PublicClient;
  let prefix: string;
  try {
    prefix = await l1QueuePrefix(client, d);
  } catch (e) {
    throw new CliError(
      `the L1 at ${d.l1Rpc} does not answer (${(e as Error).message})`,
      "start ./optio devnet or check the RPC",
    );
  }
  const redis =
    values.redis ?? (process.env.OPTIO_REDIS_URL ?? "redis://127.0.0.1:6379").replace(/^redis:\/\//, "");
  return statusCommand([
    "--signer",
    d.sequencer,
    "--chain",
    String(d.chainId),
    "--prefix",
    prefix,
    "--redis",
    redis,
    ...(values.json ? ["--json"] : []),
  ]);
}
