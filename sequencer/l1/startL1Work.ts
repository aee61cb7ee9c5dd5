/**
 * The sequencer's L1 work (docs/l1.md): the delayed-inbox follower feeds bridge messages
 * (deposits, forced withdrawals and cancels) to the node in order; the batch poster posts every
 * sealed batch once, in order; the proposer asserts the posted batches' roots with the bond,
 * confirms them after the challenge period and withdraws bonds. Every L1 transaction goes through
 * the key's one TxSender (BullMQ on Redis, a lock per key). Redis is a work queue only: what must
 * survive is on L1 and in the node's data directory.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { createPublicClient, type Hex, http, type PublicClient, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  BatchPoster,
  type DelayedFollowerState,
  DelayedInboxFollower,
  type IntentKind,
  Proposer,
  type ReplaySource,
  TxSender,
} from "../../l1/index.ts";
import { encodeProof, OUTBOX_ROOT_KEY } from "../../protocol/index.ts";
import { ServiceError } from "../../service/index.ts";
import type { SequencerNode } from "../SequencerNode.ts";
import { AssertionRecord } from "./AssertionRecord.ts";
import { JsonFile } from "./JsonFile.ts";
import { NodeBatchSource } from "./nodeBatchSource.ts";

/** What L1 work reads from the deployment record (docs/deploy.md; sequencer/ does not import deploy/). */
export interface L1Deployment {
  readonly chainId: number;
  readonly l1Rpc: string;
  readonly proposers: readonly Hex[];
  readonly contracts: Record<
    "bridge" | "sequencerInbox" | "rollup",
    { readonly address: Hex; readonly block: number }
  >;
}

export function l1DeploymentFrom(path: string): L1Deployment {
  const j = JSON.parse(readFileSync(path, "utf8")) as L1Deployment;
  for (const c of ["bridge", "sequencerInbox", "rollup"] as const)
    if (!/^0x[0-9a-fA-F]{40}$/.test(j.contracts?.[c]?.address ?? ""))
      throw new ServiceError(
        `deployment record ${path}: no ${c} address`,
        "deploy again with ./optio deploy",
      );
  return j;
}

/**
 * The Redis prefix of a deployment's L1 queues: the hash of the block that created the rollup tells two chains apart
 * even where a deterministic deployment repeats its addresses (every new devnet), so a new chain never sees an old
 * one's intents. `./optio l1 status` finds the queues with it.
 */
export async function l1QueuePrefix(client: PublicClient, d: L1Deployment): Promise<string> {
  const created = await client.getBlock({ blockNumber: BigInt(d.contracts.rollup.block) });
  return `optio:${d.chainId}:${created.hash.slice(2, 18)}`;
}

export interface L1WorkOptions {
  readonly node: SequencerNode;
  readonly deployment: L1Deployment;
  readonly rpcUrl: string;
  /** The sequencer's (and, on the devnet, the proposer's) key. */
  readonly key: Hex;
  readonly redisUrl: string;
  readonly dataDir: string;
  /** Blocks an L1 event must be deep before it is used. */
  readonly confirmations: number;
  /** Seconds between the proposer's assertions; 0: no proposer. */
  readonly proposeEveryS: number;
  readonly pollMs: number;
  readonly logger: Logger;
}

export interface L1Work {
  readonly batches: NodeBatchSource;
  /** Every assertion's and outbox claim's L1 events, as far as read (the trader API's withdrawal stages). */
  readonly assertions: AssertionRecord;
  /** Why L1 work is degraded now (an RPC outage, a refused batch), or null. */
  degraded(): string | null;
  stop(): Promise<void>;
}

const redisOptions = (url: string) => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 6379), db: Number(u.pathname.slice(1) || 0) };
};

export async function startL1Work(o: L1WorkOptions): Promise<L1Work> {
  const d = o.deployment;
  const client = createPublicClient({
    transport: http(o.rpcUrl, { retryCount: 0, timeout: 15_000 }),
  }) as PublicClient;
  const account = privateKeyToAccount(o.key);
  const log = {
    info: (f: Record<string, unknown>, m: string) => o.logger.info(f, m),
    warn: (f: Record<string, unknown>, m: string) => o.logger.warn(f, m),
    error: (f: Record<string, unknown>, m: string) => o.logger.error(f, m),
  };
  const sender = await TxSender.start({
    redis: redisOptions(o.redisUrl),
    prefix: await l1QueuePrefix(client, d),
    // One writer per key per chain; the genesis block's hash tells apart local chains that share a chain id.
    lockNamespace: await TxSender.chainNamespace(client),
    publicClient: client,
    account,
    chainId: d.chainId,
    config: { confirmations: o.confirmations },
    logger: log,
  });
  sender.registerCheck("postBatch", BatchPoster.alreadyPosted(client, d.contracts.sequencerInbox.address));
  const batches = new NodeBatchSource(o.node, o.dataDir);
  const poster = new BatchPoster({
    source: batches,
    sender,
    client,
    inbox: d.contracts.sequencerInbox.address,
    bridge: d.contracts.bridge.address,
    inboxBlock: BigInt(d.contracts.sequencerInbox.block),
    confirmations: o.confirmations,
    logger: log,
  });

  // Delayed messages: the node's log is the truth of what it consumed; the follower's cursor may lag it.
  const followerFile = new JsonFile<DelayedFollowerState>(join(o.dataDir, "l1-delayed.json"));
  const follower = new DelayedInboxFollower({
    client,
    bridge: d.contracts.bridge.address,
    inbox: d.contracts.sequencerInbox.address,
    fromBlock: BigInt(d.contracts.bridge.block),
    confirmations: o.confirmations,
    logger: log,
    sink: {
      load: async () => followerFile.read() ?? null,
      accept: async (messages, state) => {
        const fresh = messages.filter((m) => m.index >= BigInt(o.node.delayedConsumed));
        if (fresh.length > 0) {
          const results = await o.node.includeDelayed(
            fresh.map((m) => Buffer.from(m.transaction.slice(2), "hex")),
          );
          for (const [i, r] of results.entries())
            o.logger.info(
              {
                delayed: fresh[i].index.toString(),
                l1Block: fresh[i].l1Block.toString(),
                ...(r.ok
                  ? { tx: r.receipt.txHash, outcome: r.receipt.outcomeName }
                  : { rejection: r.rejection.reason }),
              },
              "delayed message included",
            );
        }
        followerFile.write(state);
      },
      rewind: async (fromIndex, state) => {
        if (fromIndex < BigInt(o.node.delayedConsumed))
          o.logger.error(
            { fromIndex: fromIndex.toString(), consumed: o.node.delayedConsumed },
            "an L1 reorg deeper than the confirmation depth removed delayed messages the node executed; rebuild the node from L1",
          );
        followerFile.write(state);
      },
    },
  });

  const assertions = await AssertionRecord.open({
    client,
    rollup: d.contracts.rollup.address,
    bridge: d.contracts.bridge.address,
    fromBlock: BigInt(d.contracts.rollup.block),
    confirmations: o.confirmations,
    dataDir: o.dataDir,
    logger: log,
  });

  let proposer: Proposer | undefined;
  if (
    o.proposeEveryS > 0 &&
    d.proposers.map((p) => p.toLowerCase()).includes(account.address.toLowerCase())
  ) {
    for (const [kind, check] of Object.entries(
      Proposer.checks(client, d.contracts.rollup.address, account.address),
    ))
      sender.registerCheck(kind as IntentKind, check);
    const replay: ReplaySource = {
      async stateAfter(end) {
        const rec = end === 0n ? undefined : o.node.log.batch(Number(end) - 1);
        if (rec?.stateRoot === undefined) return null;
        const root = Buffer.from(rec.stateRoot.slice(2), "hex");
        return {
          stateRoot: rec.stateRoot as Hex,
          outboxRoot: toHex(o.node.tree.get(OUTBOX_ROOT_KEY, root)),
          outboxProof: toHex(encodeProof(o.node.tree.prove(OUTBOX_ROOT_KEY, root))),
        };
      },
    };
    proposer = new Proposer({
      sender,
      client,
      rollup: d.contracts.rollup.address,
      inbox: d.contracts.sequencerInbox.address,
      fromBlock: BigInt(d.contracts.rollup.block),
      batches,
      replay,
      cadenceS: BigInt(o.proposeEveryS),
      confirmations: o.confirmations,
      logger: log,
    });
  }

  let degraded: string | null = null;
  let stopped = false;
  const step = async (what: string, f: () => Promise<unknown>) => {
    try {
      await f();
      return true;
    } catch (e) {
      degraded = `${what}: ${(e as Error).message}`;
      o.logger.warn({ err: e, step: what }, "L1 work degraded; retrying");
      return false;
    }
  };
  const loop = (async () => {
    while (!stopped) {
      let ok = await step("delayed inbox", async () => {
        while ((await follower.poll()) && !stopped);
      });
      ok = (await step("batch poster", () => poster.tick())) && ok;
      if (proposer !== undefined) ok = (await step("proposer", () => proposer.tick())) && ok;
      ok =
        (await step("assertion record", async () => {
          while ((await assertions.poll()) && !stopped);
        })) && ok;
      if (ok) degraded = null;
      await new Promise((r) => setTimeout(r, o.pollMs));
    }
  })();

  return {
    batches,
    assertions,
    degraded: () => degraded,
    async stop() {
      stopped = true;
      await loop;
      await sender.stop();
    },
  };
}
