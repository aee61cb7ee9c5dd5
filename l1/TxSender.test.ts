// Start-up refusals that need no chain (the Redis on 127.0.0.1:6379 only).
import { Redis } from "ioredis";
import { createPublicClient, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { expect, test } from "vitest";
import { L1Error } from "./errors.ts";
import { silentLogger } from "./logger.ts";
import { TxSender } from "./TxSender.ts";

const account = privateKeyToAccount(`0x${"42".repeat(32)}`);

test("start_noL1Rpc_refusesWithTheFixAndTakesNoLock", async () => {
  const client = createPublicClient({
    transport: http("http://127.0.0.1:1", { retryCount: 0, timeout: 1_000 }),
  });
  const e = await TxSender.start({
    redis: { host: "127.0.0.1", port: 6379 },
    prefix: "optio-test-nochain",
    publicClient: client as PublicClient,
    account,
    chainId: 31337,
    logger: silentLogger,
  }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(L1Error);
  expect((e as L1Error).message).toMatch(/^no L1 RPC answers \(unavailable\)/);
  expect((e as L1Error).fix).toMatch(/start the L1 node or fix the RPC URL/);
  const r = new Redis({ host: "127.0.0.1", port: 6379 });
  expect(await r.exists(TxSender.lockKey(31337, account.address))).toBe(0);
  r.disconnect();
});

test("start_feeBumpUnderTenPercent_refused", async () => {
  const client = createPublicClient({ transport: http("http://127.0.0.1:1", { retryCount: 0 }) });
  await expect(
    TxSender.start({
      redis: { host: "127.0.0.1", port: 6379 },
      prefix: "optio-test-nochain",
      publicClient: client as PublicClient,
      account,
      chainId: 31337,
      config: {
        fees: {
          bumpAfterMs: 1,
          bumpPercent: 5,
          baseFeeMultiplier: 2,
          minTipWei: 1n,
          maxFeeCapWei: 10n ** 12n,
        },
      },
      logger: silentLogger,
    }),
  ).rejects.toThrow(/bumpPercent: expected an integer >= 10, got 5/);
});
