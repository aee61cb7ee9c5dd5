// explorer/: the web explorer of markets, accounts, batches, assertions and disputes (docs/explorer.md): a
// static page (explorer/app, Preact, bundled by Vite) and the small server that serves it.
export { APP_DIR, buildExplorer } from "./buildExplorer.ts";
export {
  DEFAULT_CONFIG,
  type ExplorerConfig,
  ExplorerConfigError,
  parseExplorerConfig,
  withQuery,
} from "./explorerConfig.ts";
export { contentSecurityPolicy, createExplorerServer, type ExplorerServer } from "./serve.ts";
export { DEFAULT_EXPLORER_PORT, DEFAULT_OUT_DIR, startExplorer } from "./startExplorer.ts";
export type * from "./verifierApi.ts";
export {
  createVerifierClient,
  parseAssertions,
  parseGameDetail,
  parseGames,
  VerifierApiError,
} from "./verifierApi.ts";
