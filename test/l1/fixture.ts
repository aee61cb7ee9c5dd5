// Shared pieces of the TxSender tests: accounts of Hardhat's test mnemonic, idempotent mint intents (L1 state says
// whether one was done), senders with short timings, and a Redis prefix per test that is deleted afterwards.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import {
  type Address,
  bytesToHex,
  decodeFunctionData,
  encodeFunctionData,
  type Hex,
  keccak256,
  type PublicClient,
  toBytes,
} from "viem";
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import {
  type AlreadyDone,
  DEFAULT_FEE_SCHEDULE,
  type Intent,
  silentLogger,
  type TxSenderConfig,
  type TxSenderOptions,
  testTokenAbi,
} from "../../l1/index.ts";
import { encodeProof, OUTBOX_ROOT_KEY } from "../../protocol/index.ts";
import { referenceHash, referenceProof } from "../../protocol/smt/reference.ts";

export const REDIS = { host: "127.0.0.1", port: 6379 } as const;
const MNEMONIC = "test test test test test test test test test test test junk";

/** Hardhat's funded account `i` (0-19); tests use 5+ so the deployment's keys stay untouched. */
export const hardhatAccount = (i: number) => mnemonicToAccount(MNEMONIC, { addressIndex: i });

/** A fresh address with no tokens. */
export const freshAddress = (): Address => privateKeyToAccount(generatePrivateKey()).address;

/** A unique Redis prefix for one test. */
export const testPrefix = () => `optio-test-l1-${randomUUID().slice(0, 8)}`;

/** Deletes every key under `prefix`. */
export async function cleanRedis(prefix: string): Promise<void> {
  const r = new Redis({ ...REDIS, lazyConnect: true });
  await r.connect();
  let cursor = "0";
  do {
    const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await r.del(...keys);
  } while (cursor !== "0");
  r.disconnect();
}

/** "Mint 1 unit to `to`": done exactly when `to` holds a token (each recipient is fresh). */
export const mintIntent = (token: Address, to: Address, key = `mint/${to}`): Intent => ({
  key,
  kind: "call",
  to: token,
  data: encodeFunctionData({ abi: testTokenAbi, functionName: "mint", args: [to, 1n] }),
});

export const balanceOf = (client: PublicClient, token: Address, who: Address) =>
  client.readContract({ address: token, abi: testTokenAbi, functionName: "balanceOf", args: [who] });

/** The alreadyDone of the tests' "call" intents: for a mint, its recipient holds a token. */
export const mintDone =
  (client: PublicClient): AlreadyDone =>
  async (intent) => {
    const { functionName, args } = decodeFunctionData({ abi: testTokenAbi, data: intent.data });
    if (functionName !== "mint") return false; // other calls of the tests have no check
    return (await balanceOf(client, intent.to, args[0] as Address)) >= 1n;
  };

/** Short timings so each test runs in seconds. */
export const FAST: Partial<TxSenderConfig> = {
  confirmations: 1,
  pollMs: 50,
  lockTtlMs: 1_500,
  jobLockMs: 1_500,
  retryMinMs: 100,
  retryMaxMs: 1_000,
  untrackedWaitMs: 5_000,
  fees: { ...DEFAULT_FEE_SCHEDULE, bumpAfterMs: 60_000 },
};

export function senderOptions(
  client: PublicClient,
  account: TxSenderOptions["account"],
  prefix: string,
  config: Partial<TxSenderConfig> = {},
  checks: TxSenderOptions["checks"] = {},
): TxSenderOptions {
  return {
    redis: REDIS,
    prefix,
    // The test's own lock namespace: other test files may run devnets with the same chain id and accounts.
    lockNamespace: prefix,
    publicClient: client,
    account,
    chainId: 31337,
    checks: { call: mintDone(client), ...checks },
    config: { ...FAST, ...config },
    logger: process.env.OPTIO_L1_LOG ? undefined : silentLogger,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `f` until it returns a truthy value or `ms` pass. */
export async function until<T>(
  what: string,
  f: () => Promise<T | null | undefined | false>,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A state tree of one leaf named by `salt` (no outbox yet): its root and the proof that OUTBOX_ROOT_KEY is empty. */
export function saltedState(salt: string): { root: Hex; outboxProof: Hex } {
  const leaves = [
    { key: toBytes(keccak256(toBytes(`key-${salt}`))), value: toBytes(keccak256(toBytes(salt))) },
  ];
  return {
    root: bytesToHex(referenceHash(leaves)),
    outboxProof: bytesToHex(encodeProof(referenceProof(leaves, OUTBOX_ROOT_KEY))),
  };
}
