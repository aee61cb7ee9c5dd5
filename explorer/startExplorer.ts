/**
 * Builds the page and serves it (what `./optio explorer` runs, and what the devnet can call): returns the
 * server, whose `url` is the one to print.
 */
import { resolve } from "node:path";
import { buildExplorer } from "./buildExplorer.ts";
import type { ExplorerConfig } from "./explorerConfig.ts";
import { createExplorerServer, type ExplorerServer } from "./serve.ts";

/** Where the built page goes (not committed: .optio/ is ignored). */
export const DEFAULT_OUT_DIR = ".optio/explorer";
/** The explorer's port by default: the API is on 8547, the verifier's inspection API on 8549. */
export const DEFAULT_EXPLORER_PORT = 8548;

export interface StartExplorerOptions {
  readonly config: ExplorerConfig;
  readonly port?: number;
  readonly outDir?: string;
  /** Serve what is already built in outDir (tests build once). */
  readonly build?: boolean;
}

export async function startExplorer(options: StartExplorerOptions): Promise<ExplorerServer> {
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  if (options.build !== false) await buildExplorer(outDir);
  return createExplorerServer({
    root: outDir,
    config: options.config,
    port: options.port ?? DEFAULT_EXPLORER_PORT,
  });
}
