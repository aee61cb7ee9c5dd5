import { createPublicClient, type Hex, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  type ConfigOf,
  createLogger,
  createMetrics,
  type OperatorServer,
  ServiceError,
  Shutdown,
  startOperatorServer,
} from "../service/index.ts";
import { type InspectionServer, startInspectionServer } from "./api/startInspectionServer.ts";
import type { VerifierMode } from "./dispute/GameAgent.ts";
import type { FaultSetting } from "./fault/FaultInjector.ts";
import type { VERIFIER_SETTINGS } from "./settings.ts";
import { Verifier } from "./Verifier.ts";
import type { VerifierDeployment } from "./VerifierDeployment.ts";

export type VerifierConfig = ConfigOf<typeof VERIFIER_SETTINGS>;

/** Batches one assertion of ours covers at most (the sequencer's proposer uses the same bound). */
const PROPOSE_MAX_BATCHES = 1_000;

export interface RunningVerifier {
  readonly verifier: Verifier;
  readonly operator: OperatorServer;
  readonly api: InspectionServer;
  readonly shutdown: Shutdown;
}

/** Redis options from a redis:// URL. */
export function redisOptions(url: string): { host: string; port: number; password?: string; db?: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ServiceError(`redisUrl ${url} is not a URL`, "pass e.g. --redis-url redis://127.0.0.1:6379");
  }
  if (u.protocol !== "redis:")
    throw new ServiceError(
      `redisUrl ${url}: expected redis://`,
      "pass e.g. --redis-url redis://127.0.0.1:6379",
    );
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
  };
}

/**
 * Starts the verifier as `./optio verifier` runs it: the service (follow, replay, judge, play), its inspection
 * API on the public port, the operator port (/healthz /readyz /metrics, POST /admin/challenge) and the ordered
 * shutdown (stop the loop and the game worker -> close the database). With `exitOnSignal`, SIGINT/SIGTERM run that
 * shutdown from before the "verifier running" line is logged.
 */
export async function startVerifier(
  config: VerifierConfig,
  deployment: VerifierDeployment,
  exitOnSignal?: (code: number) => void,
): Promise<RunningVerifier> {
  const logger = createLogger({ service: "verifier", level: config.logLevel });
  const registry = createMetrics("verifier");
  const rpc = config.l1Rpc;
  const client = createPublicClient({ transport: http(rpc, { retryCount: 2 }) }) as PublicClient;
  try {
    const chainId = await client.getChainId();
    if (chainId !== deployment.chainId)
      throw new ServiceError(
        `L1 at ${rpc} is chain ${chainId}, the deployment record's is ${deployment.chainId}`,
        "pass the RPC of the deployment's chain (--l1-rpc) or the right record (--deployment)",
      );
  } catch (e) {
    if (e instanceof ServiceError) throw e;
    throw new ServiceError(
      `L1 does not answer at ${rpc}: ${(e as Error).message}`,
      "start the L1 node (./optio devnet) or fix --l1-rpc",
    );
  }
  if (config.fault !== "" && (deployment.chainId !== 31337 || config.key === ""))
    throw new ServiceError(
      `--fault ${config.fault} plays a dishonest party: it runs only with a key on a local devnet (chain 31337), this is chain ${deployment.chainId}`,
      "remove --fault (it is for ./optio devnet --evil and the fault-injection tests)",
    );
  const account = config.key === "" ? undefined : privateKeyToAccount(config.key as Hex);
  const mode = (account === undefined ? "watch" : config.mode) as VerifierMode;
  if (account === undefined && config.mode !== "watch")
    logger.warn(
      { mode: config.mode },
      "no key: running in watch mode (pass OPTIO_KEY to challenge or defend)",
    );
  if (config.proposeWhenInactive && (account === undefined || mode === "watch"))
    throw new ServiceError(
      "--propose-when-inactive needs a key and a mode that sends (challenge, defend or all)",
      "pass OPTIO_KEY (an account with the assertion bond) and --mode all, or drop --propose-when-inactive",
    );
  if (config.proposeWhenInactive && (mode === "challenge" || config.fault !== ""))
    logger.warn(
      { mode },
      "proposeWhenInactive in challenge mode: our assertions would not be defended (use --mode all)",
    );
  const verifier = await Verifier.start({
    deployment,
    client,
    dataDir: config.dataDir,
    confirmations: config.confirmations,
    keepRoots: config.keepRoots,
    mode,
    account,
    redis: redisOptions(config.redisUrl),
    prefix: config.redisPrefix,
    pollMs: config.pollMs,
    recoveryThreads: config.recoveryThreads,
    txSender: {
      confirmations: config.txConfirmations,
      lockTtlMs: config.txLockTtlMs,
      jobLockMs: config.txJobLockMs,
      pollMs: Math.min(1000, config.pollMs),
    },
    propose: config.proposeWhenInactive
      ? { idleSeconds: config.proposeIdleSeconds, maxBatches: PROPOSE_MAX_BATCHES }
      : undefined,
    fault:
      config.fault === "" ? undefined : { setting: config.fault as FaultSetting, seed: config.faultSeed },
    logger,
    registry,
  });
  if (config.fault !== "")
    logger.warn(
      { fault: config.fault, seed: config.faultSeed, address: account?.address },
      "FAULT INJECTION: this verifier plays a dishonest party (replay the run with the same seed)",
    );
  const shutdown = new Shutdown(logger);
  const operator = await startOperatorServer({
    host: config.host,
    port: config.operatorPort,
    metrics: registry,
    logger,
    adminToken: config.adminToken === "" ? undefined : config.adminToken,
    readiness: () =>
      verifier.caughtUp
        ? { ready: true }
        : shutdown.started
          ? { ready: false, reason: "shutting down", fix: "wait for the restart" }
          : {
              ready: false,
              reason: "catching up with L1",
              fix: "wait: the verifier is reading and replaying L1",
            },
    health: () => {
      const s = verifier.status().replay;
      return s.kind === "blocked"
        ? {
            ready: false,
            reason: `replay waits at batch ${s.batch}: ${s.finding}`,
            fix: "the batch's transactions cannot be read from its L1 transaction; assertions past it stay unknown (docs/verifier.md, Failure policy)",
          }
        : { ready: true };
    },
    admin: {
      // A refusal is an answer ({ refused: { error, fix } }), not a throw: the operator server turns a throw into a
      // bare 500 "internal error", and the user must see why and what to do.
      challenge: async (body) => {
        const refuse = (error: string, fix: string) => ({ refused: { error, fix } });
        const b = body as { assertion?: unknown; force?: unknown } | null;
        if (typeof b?.assertion !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(b.assertion))
          return refuse("expected { assertion: 0x + 64 hex, force?: boolean }", "fix the request body");
        const a = verifier.store.assertions.get(b.assertion.toLowerCase() as Hex);
        if (a === undefined)
          return refuse(
            `assertion ${b.assertion} is not known`,
            "wait until the verifier has read it from L1",
          );
        if (a.verdict?.kind !== "disagree" && b.force !== true)
          return refuse(
            `we do not disagree with ${b.assertion} (verdict ${a.verdict?.kind ?? "not judged"})`,
            "a challenge on a claim we cannot show wrong loses its bond; pass --force to open it anyway",
          );
        const key = await verifier.challenge(a.id, a.proposer, true);
        if (key === undefined)
          return refuse(
            "no key, or the assertion is our own",
            "run the verifier with OPTIO_KEY of another account",
          );
        return { key, verdict: a.verdict ?? null };
      },
    },
  });
  const api = await startInspectionServer({
    host: config.host,
    port: config.port,
    verifier,
    me: account?.address,
    logger,
  });
  verifier.run();
  shutdown.add("stop intake", "verifier loop and game worker", () => verifier.stop());
  shutdown.add("close", "inspection API", () => api.close());
  shutdown.add("close", "operator port", () => operator.close());
  if (exitOnSignal !== undefined) shutdown.onSignals(exitOnSignal);
  logger.info(
    {
      mode,
      address: account?.address ?? null,
      api: api.url,
      operator: operator.url,
      dataDir: config.dataDir,
      l1: rpc,
    },
    "verifier running",
  );
  return { verifier, operator, api, shutdown };
}
