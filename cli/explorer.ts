/**
 * `./optio explorer`: builds the web explorer and serves it on 127.0.0.1 until Ctrl-C (docs/explorer.md).
 */
import { parseArgs } from "node:util";
import {
  DEFAULT_CONFIG,
  DEFAULT_EXPLORER_PORT,
  ExplorerConfigError,
  parseExplorerConfig,
  startExplorer,
} from "../explorer/index.ts";
import { CliError } from "./CliError.ts";

const USAGE = `usage: ./optio explorer [--port N] [--api URL] [--ws URL] [--verifier URL|none] [--out DIR] [--no-build]
  --port      the explorer's port on 127.0.0.1 (default ${DEFAULT_EXPLORER_PORT}; 0: any free port)
  --api       the sequencer's trader API (default $OPTIO_API_URL or ${DEFAULT_CONFIG.apiUrl})
  --ws        its WebSocket (default: --api with ws://)
  --verifier  the verifier's inspection API (default $OPTIO_VERIFIER_URL or ${DEFAULT_CONFIG.verifierUrl}; none: no verifier)
  --out       where the page is built (default .optio/explorer); --no-build serves what is there`;

export async function explorerCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: "string" },
      api: { type: "string" },
      ws: { type: "string" },
      verifier: { type: "string" },
      out: { type: "string" },
      "no-build": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = values.port === undefined ? DEFAULT_EXPLORER_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new CliError(`--port: expected 0..65535, got "${values.port}"`, "e.g. --port 8548");
  const apiUrl = values.api ?? process.env.OPTIO_API_URL ?? DEFAULT_CONFIG.apiUrl;
  const verifier = values.verifier ?? process.env.OPTIO_VERIFIER_URL ?? DEFAULT_CONFIG.verifierUrl;
  let config: ReturnType<typeof parseExplorerConfig>;
  try {
    config = parseExplorerConfig({
      apiUrl,
      wsUrl: values.ws,
      // The verifier's inspection API serves the explorer's view under /explorer: a user gives the verifier's URL.
      verifierUrl:
        verifier === null || verifier === "none"
          ? null
          : verifier.replace(/\/+$/, "").replace(/(\/explorer)?$/, "/explorer"),
    });
  } catch (e) {
    if (e instanceof ExplorerConfigError) throw new CliError(e.message, e.fix);
    throw e;
  }
  let server: Awaited<ReturnType<typeof startExplorer>>;
  try {
    server = await startExplorer({ config, port, outDir: values.out, build: !values["no-build"] });
  } catch (e) {
    if ((e as { code?: string }).code === "EADDRINUSE")
      throw new CliError(`port ${port} is in use`, "pass --port N (or --port 0 for any free port)");
    throw e;
  }
  console.log(`explorer: ${server.url} (API ${config.apiUrl}, verifier ${config.verifierUrl ?? "none"})`);
  await new Promise<void>((done) => {
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => done());
  });
  await server.close();
  return 0;
}
