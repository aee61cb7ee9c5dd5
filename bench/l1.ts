/**
 * l1: what posting the engine's transactions to L1 costs, and how fast the poster gets a sealed batch on L1.
 *
 * l1.batch.bytes_per_tx: postBatch calldata (selector, ABI framing, u16 length prefixes and the signed
 *   transactions of the engine bench's seeded mix) per L2 transaction, against the OP Stack's floor of 100
 *   compressed bytes per transaction (its fjord cost model's minimum). Brotli-compressed size as an extra field (the
 *   protocol posts uncompressed calldata today).
 * l1.batch.gas_per_tx: L1 gas of postBatch (calldata, the Merkle commitment of the transactions, the batch hash
 *   stored) per L2 transaction, from receipts on the devnet (Hardhat's EDR node, prague rules).
 * l1.post.latency: seconds from a batch being sealed (handed to the BatchSource) to its L1 inclusion (receipt),
 *   through the BatchPoster and the TxSender on the devnet (automine, confirmations 1): p50 and p99.
 *
 * Needs the Redis on 127.0.0.1:6379 (a unique key prefix, deleted afterwards). Args: --txs N (default 2,000),
 * --batch N (transactions per batch, default 500), --latency N (batches timed, default 30).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { brotliCompressSync, constants } from "node:zlib";
import { Redis } from "ioredis";
import { createPublicClient, encodeFunctionData, http, type PublicClient } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import {
  BatchPoster,
  type BatchSource,
  type PostedBatch,
  type SealedBatch,
  sequencerInboxAbi,
  silentLogger,
  TxSender,
} from "../l1/index.ts";
import { startDevnet } from "../l1/testing/startDevnet.ts";
import { encodeSignedTx } from "../protocol/engine/index.ts";
import { encodeBatch } from "../protocol/index.ts";
import { plan } from "./engine.ts";
import { emit, median, note, round } from "./report.ts";

/** OP Stack's floor: its fjord L1 cost model charges at least 100 compressed bytes per transaction. */
const OP_STACK_FLOOR_BYTES = 100;

class MemorySource implements BatchSource {
  readonly batches: SealedBatch[] = [];
  readonly posted = new Map<bigint, PostedBatch>();
  readonly sealedAt = new Map<bigint, number>();
  readonly postedAt = new Map<bigint, number>();
  async sealedFrom(from: bigint, limit: number) {
    return this.batches.filter((b) => b.number >= from).slice(0, limit);
  }
  async postedCount() {
    let n = 0n;
    while (this.posted.has(n)) n++;
    return n;
  }
  async markPosted(p: PostedBatch) {
    this.posted.set(p.number, p);
  }
  seal(b: SealedBatch) {
    this.batches.push(b);
    this.sealedAt.set(b.number, performance.now());
  }
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      txs: { type: "string", default: "2000" },
      batch: { type: "string", default: "500" },
      latency: { type: "string", default: "30" },
    },
  });
  const n = Number(values.txs);
  const per = Number(values.batch);
  // The engine bench's seeded mix, signed transactions at their real length: 65 bytes of signature each, random
  // (a real signature neither compresses nor has zero bytes, which calldata prices lower).
  const sig = () => {
    const s = randomBytes(65);
    s[64] = 27;
    return new Uint8Array(s);
  };
  const mix = plan(n).map((p) => (p.tx ? encodeSignedTx(p.tx as never, sig()) : p.bytes));
  const batches: Uint8Array[][] = [];
  for (let i = 0; i < mix.length; i += per) batches.push(mix.slice(i, i + per));
  const calldata = batches.map((b) =>
    encodeFunctionData({
      abi: sequencerInboxAbi,
      functionName: "postBatch",
      args: [`0x${Buffer.from(encodeBatch(b)).toString("hex")}`, 0n, 0n],
    }),
  );
  const calldataBytes = calldata.reduce((s, c) => s + (c.length - 2) / 2, 0);
  const brotli = batches.reduce(
    (s, b) =>
      s + brotliCompressSync(encodeBatch(b), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    0,
  );
  note(`${mix.length} transactions in ${batches.length} batches of ${per}`);

  const dev = await startDevnet();
  const prefix = `optio-bench-l1-${randomUUID().slice(0, 8)}`;
  let sender: TxSender | null = null;
  try {
    const client = createPublicClient({ transport: http(dev.url, { retryCount: 0 }) }) as PublicClient;
    const d = dev.deployment;
    const inbox = d.contracts.sequencerInbox.address;
    sender = await TxSender.start({
      redis: { host: "127.0.0.1", port: 6379 },
      prefix,
      lockNamespace: prefix,
      publicClient: client,
      account: mnemonicToAccount("test test test test test test test test test test test junk", {
        addressIndex: 0,
      }),
      chainId: d.chainId,
      checks: { postBatch: BatchPoster.alreadyPosted(client, inbox) },
      config: { confirmations: 1, pollMs: 20, maxInFlight: 4 },
      logger: silentLogger,
    });
    const source = new MemorySource();
    const poster = new BatchPoster({
      source,
      sender,
      client,
      inbox,
      bridge: d.contracts.bridge.address,
      inboxBlock: BigInt(d.contracts.sequencerInbox.block),
      logger: silentLogger,
    });
    const now = async () => Number((await client.getBlock()).timestamp);
    const post = async (txs: Uint8Array[]) => {
      const number = BigInt(source.batches.length);
      source.seal({
        number,
        transactions: txs,
        timestamp: await now(),
        delayedAfter: 0,
        postRoot: `0x${"00".repeat(32)}`,
      });
      for (;;) {
        await poster.tick();
        const s = await sender!.intents.status(`postBatch/${number}`);
        if (s?.jobState === "completed" && s.result) {
          source.postedAt.set(number, performance.now());
          return s.result;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    // Gas: the whole mix, batch by batch.
    let gas = 0n;
    for (const b of batches) gas += BigInt((await post(b)).gasUsed ?? "0");
    emit({
      name: "l1.batch.bytes_per_tx",
      value: round(calldataBytes / mix.length, 1),
      unit: "bytes/tx",
      baseline: "op-stack-floor",
      baselineValue: OP_STACK_FLOOR_BYTES,
      brotliBytesPerTx: round(brotli / mix.length, 1),
      txsPerBatch: per,
    });
    emit({
      name: "l1.batch.gas_per_tx",
      value: round(Number(gas) / mix.length, 1),
      unit: "gas/tx",
      txsPerBatch: per,
    });
    // Latency: small batches (20 transactions) one after another.
    const lat: number[] = [];
    for (let i = 0; i < Number(values.latency); i++) {
      const number = BigInt(source.batches.length);
      await post(mix.slice(i * 20, i * 20 + 20));
      lat.push((source.postedAt.get(number)! - source.sealedAt.get(number)!) / 1000);
    }
    emit({
      name: "l1.post.latency",
      value: round(median(lat), 3),
      unit: "s",
      p99: round(percentile(lat, 99), 3),
      batches: lat.length,
      note: "devnet, automine, confirmations 1",
    });
  } finally {
    await sender?.stop();
    const r = new Redis({ host: "127.0.0.1", port: 6379 });
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await r.del(...keys);
    } while (cursor !== "0");
    r.disconnect();
    await dev.stop();
  }
}
