import { join } from "node:path";
import { type Hex, hexToBytes, isHex } from "viem";
import { createGreeksCalculator } from "../engine/math/createGreeksCalculator.ts";
import { encodeDeposit } from "../protocol/engine/index.ts";
import {
  type ConfigOf,
  createLogger,
  createMetrics,
  type OperatorServer,
  ServiceError,
  Shutdown,
  startOperatorServer,
} from "../service/index.ts";
import { type ApiServer, createApiServer } from "./api/index.ts";
import { type L1Work, l1DeploymentFrom, startL1Work } from "./l1/startL1Work.ts";
import { readDeploymentRecord } from "./readDeploymentRecord.ts";
import { SequencerMetrics } from "./SequencerMetrics.ts";
import { SequencerNode } from "./SequencerNode.ts";
import type { SEQUENCER_SETTINGS } from "./settings.ts";
import { createNodeApi } from "./views/createNodeApi.ts";

export type SequencerConfig = ConfigOf<typeof SEQUENCER_SETTINGS>;

export interface RunningSequencer {
  readonly node: SequencerNode;
  readonly operator: OperatorServer;
  readonly api: ApiServer;
  readonly l1: L1Work | undefined;
  readonly shutdown: Shutdown;
}

/** Most transactions in one /admin/submit call. */
const MAX_ADMIN_TXS = 1_000;

function hexList(body: unknown, field: string): Uint8Array[] {
  const list = (body as Record<string, unknown> | null)?.[field];
  if (
    !Array.isArray(list) ||
    list.length > MAX_ADMIN_TXS ||
    !list.every((x) => typeof x === "string" && isHex(x))
  )
    throw new ServiceError(
      `expected { ${field}: [0x hex, ...] } with at most ${MAX_ADMIN_TXS} items`,
      "fix the request body",
    );
  return list.map((x) => hexToBytes(x as Hex));
}

/**
 * Starts the sequencer as `./optio sequencer` runs it: the node (replaying its log), the
 * operator port, and the ordered shutdown (stop intake -> drain -> flush -> close). With
 * `exitOnSignal`, SIGINT/SIGTERM run that shutdown from before the "serving" line is logged, so
 * whoever waits for that line can always stop the process cleanly.
 */
export async function startSequencer(
  config: SequencerConfig,
  repoRoot: string,
  exitOnSignal?: (code: number) => void,
): Promise<RunningSequencer> {
  const logger = createLogger({ service: "sequencer", level: config.logLevel });
  const dep = readDeploymentRecord(config.deployment, repoRoot);
  const registry = createMetrics("sequencer");
  const keepRoots =
    config.keepRoots > 0
      ? config.keepRoots
      : Math.max(4096, Math.ceil((2 * dep.challengePeriod * 1000) / config.batchTimeMs));
  logger.info(
    {
      deployment: config.deployment,
      chainId: dep.chainId.toString(),
      admin: dep.admin,
      engine: dep.enginePath,
      dataDir: config.dataDir,
    },
    "starting sequencer",
  );
  let node: SequencerNode | undefined;
  let l1: L1Work | undefined;
  let serving = false;
  if (config.l1Key !== "" && !/^0x[0-9a-fA-F]{64}$/.test(config.l1Key))
    throw new ServiceError(
      "l1Key: expected 0x followed by 64 hex digits",
      "set OPTIO_L1_KEY to the sequencer's key",
    );
  const shutdown = new Shutdown(logger);
  const operator = await startOperatorServer({
    host: config.host,
    port: config.operatorPort,
    metrics: registry,
    logger,
    adminToken: config.adminToken === "" ? undefined : config.adminToken,
    health: () => {
      const h = node?.haltReason;
      return h === undefined
        ? { ready: true }
        : {
            ready: false,
            reason: `halted: ${h.message}`,
            fix: "the node's data disagrees with itself; see the log, restore the data directory from a backup or resync",
          };
    },
    readiness: () =>
      node?.ready && !serving
        ? { ready: false, reason: "starting the trader API", fix: "wait a few seconds" }
        : node?.ready
          ? l1?.degraded()
            ? {
                ready: false,
                reason: `L1 work degraded: ${l1.degraded()}`,
                fix: "intake goes on; check the L1 RPC and Redis, posting resumes by itself",
              }
            : { ready: true }
          : shutdown.started
            ? { ready: false, reason: "shutting down", fix: "wait for the restart" }
            : {
                ready: false,
                reason: "replaying the log",
                fix: "wait: the node serves once its log is replayed",
              },
    admin: {
      submit: async (body) => node!.submitMany(hexList(body, "txs")),
      receipts: (body) =>
        hexList(body, "hashes").map((h) => node!.receipt(`0x${Buffer.from(h).toString("hex")}` as Hex)),
      seal: async () => ({ batch: (await node!.sealNow()) ?? null }),
      status: () => node!.status(),
      ...(config.devDeposits
        ? {
            deposit: async (body: unknown) => {
              const b = body as { to?: unknown; amount?: unknown; subaccount?: unknown } | null;
              if (
                typeof b?.to !== "string" ||
                !/^0x[0-9a-fA-F]{40}$/.test(b.to) ||
                typeof b.amount !== "string" ||
                !/^\d+$/.test(b.amount)
              )
                throw new ServiceError(
                  "expected { to: address, amount: decimal string, subaccount?: number }",
                  "fix the request body",
                );
              const [r] = await node!.includeDelayed([
                encodeDeposit(b.to as Hex, Number(b.subaccount ?? 0), BigInt(b.amount)),
              ]);
              return r;
            },
          }
        : {}),
    },
  });
  try {
    node = await SequencerNode.open({
      dataDir: config.dataDir,
      engineWasm: dep.engineWasm,
      chainId: dep.chainId,
      admin: dep.admin,
      logger,
      metrics: new SequencerMetrics(registry),
      limits: {
        batchTimeMs: config.batchTimeMs,
        maxBatchBytes: config.maxBatchBytes,
        maxBatchTxs: config.maxBatchTxs,
      },
      maxPending: config.maxPending,
      durability: config.durability as "flushed" | "committed",
      keepRoots,
      recoveryThreads: config.recoveryThreads,
    });
  } catch (e) {
    await operator.close();
    throw e;
  }
  const n = node;
  // Greeks and option marks come from the engine's own math module (compiled once at start).
  const greeks = await createGreeksCalculator().catch((e: unknown) => {
    logger.warn({ err: e }, "option Greeks unavailable: the math module did not compile");
    return undefined;
  });
  if (config.l1Key !== "") {
    const deployment = l1DeploymentFrom(config.deployment);
    l1 = await startL1Work({
      node: n,
      deployment,
      rpcUrl: config.l1Rpc === "" ? deployment.l1Rpc : config.l1Rpc,
      key: config.l1Key as Hex,
      redisUrl: config.redisUrl,
      dataDir: config.dataDir,
      confirmations: config.l1Confirmations,
      proposeEveryS: config.proposeEverySeconds,
      pollMs: config.l1PollMs,
      logger,
    });
  }
  const api = await createApiServer({
    node: createNodeApi(n, greeks, l1?.batches, l1?.assertions),
    host: config.host,
    port: config.apiPort,
    onInternalError: (e: unknown) => logger.error({ err: e }, "trader API internal error"),
  });
  serving = true;
  shutdown.add("stop intake", "trader API", () => api.drain());
  shutdown.add("stop intake", "node intake", () => n.stopIntake());
  shutdown.add("drain", "execution and durable writes", () => n.drain());
  shutdown.add("flush", "log and state tree", () => n.flush());
  shutdown.add("close", "node", () => n.close());
  if (l1 !== undefined) {
    const work = l1;
    shutdown.add("flush", "L1 work", () => work.stop());
  }
  shutdown.add("close", "trader API", () => api.close());
  shutdown.add("close", "operator port", () => operator.close());
  if (exitOnSignal !== undefined) shutdown.onSignals(exitOnSignal);
  logger.info(
    { api: api.url, operator: operator.url, dataDir: join(config.dataDir), ...n.status() },
    "sequencer serving",
  );
  return { node: n, operator, api, l1, shutdown };
}
