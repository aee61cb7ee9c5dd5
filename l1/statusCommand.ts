// The operator view of one key's intents: `node --import tsx l1/statusCommand.ts --signer 0x... [--chain 31337]
// [--prefix optio] [--redis 127.0.0.1:6379] [--json]`; one line per intent (key, job and intent state, nonce,
// bumps, transaction hashes and fees, last error). `./optio l1 status` is to run it.
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { type Address, formatGwei, isAddress } from "viem";
import { IntentQueue, type IntentStatus } from "./IntentQueue.ts";

/** One line of the table for an intent. */
export function formatIntentStatus(s: IntentStatus): string {
  const p = s.progress;
  const last = p.attempts.at(-1);
  const fees = last
    ? `${formatGwei(BigInt(last.maxFeePerGas))}/${formatGwei(BigInt(last.maxPriorityFeePerGas))} gwei`
    : "-";
  const hashes = p.attempts.map((a) => a.hash.slice(0, 10)).join(",") || "-";
  const err = p.lastError ? ` error=${p.lastError.errorName ?? p.lastError.kind}` : "";
  const fee = s.result?.feePaid ? ` paid=${formatGwei(BigInt(s.result.feePaid))}gwei-gas` : "";
  return `${s.key}\t${s.jobState}/${p.state}\tnonce=${p.nonce ?? "-"}\tbumps=${p.bumps}\treorgs=${p.reorgs}\ttxs=${hashes}\tfees=${fees}${fee}${err}`;
}

export async function statusCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      signer: { type: "string" },
      chain: { type: "string", default: "31337" },
      prefix: { type: "string", default: "optio" },
      redis: { type: "string", default: "127.0.0.1:6379" },
      json: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (!values.signer || !isAddress(values.signer)) {
    process.stderr.write("l1 status: expected --signer 0x<address> (the key whose intents to list)\n");
    return 2;
  }
  const [host, port] = values.redis.split(":");
  const redis = new Redis({ host, port: Number(port ?? 6379), maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
  } catch (e) {
    process.stderr.write(
      `l1 status: no Redis at ${values.redis} (${String(e)})\nfix: start redis-server or pass --redis HOST:PORT\n`,
    );
    return 1;
  }
  const q = new IntentQueue(redis, {
    prefix: values.prefix,
    chainId: Number(values.chain),
    signer: values.signer as Address,
  });
  try {
    const rows = await q.list();
    if (values.json) for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
    else for (const r of rows) process.stdout.write(`${formatIntentStatus(r)}\n`);
    if (rows.length === 0)
      process.stderr.write(`l1 status: no intents for ${values.signer} in queue ${q.name}\n`);
    return 0;
  } finally {
    await q.close();
    redis.disconnect();
  }
}

if (process.argv[1]?.endsWith("statusCommand.ts")) process.exit(await statusCommand(process.argv.slice(2)));
