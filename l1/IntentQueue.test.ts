// Bad intents are refused before anything reaches Redis (uses the Redis on 127.0.0.1:6379, a unique prefix).
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, expect, test } from "vitest";
import { IntentQueue, InvalidIntentError } from "./IntentQueue.ts";
import type { Intent } from "./intent.ts";

const prefix = `optio-test-iq-${randomUUID().slice(0, 8)}`;
const redis = new Redis({ host: "127.0.0.1", port: 6379, maxRetriesPerRequest: null });
const q = new IntentQueue(redis, {
  prefix,
  chainId: 31337,
  signer: "0x0000000000000000000000000000000000000001",
});

afterAll(async () => {
  await q.queue.obliterate({ force: true });
  await q.close();
  redis.disconnect();
});

const good: Intent = {
  key: "postBatch/1",
  kind: "postBatch",
  to: "0x0000000000000000000000000000000000000002",
  data: "0x",
};

test("submit_badIntent_refusedAndNothingQueued", async () => {
  const bad: [Partial<Intent>, string][] = [
    [{ key: "postBatch:1" }, "key"], // BullMQ ids may not hold ':'
    [{ key: "12" }, "key"], // nor be an integer
    [{ key: "" }, "key"],
    [{ key: "a\nb" }, "key"],
    [{ to: "0x1234" as `0x${string}` }, "to"],
    [{ data: "calldata" as `0x${string}` }, "data"],
    [{ value: "-1" }, "value"],
    [{ value: "1e18" }, "value"],
    [{ gas: "01" }, "gas"],
  ];
  for (const [patch, field] of bad) {
    const e = await q.submit({ ...good, ...patch }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidIntentError);
    expect((e as InvalidIntentError).message).toMatch(new RegExp(`^intent ${field}: expected `));
  }
  expect(await q.queue.count()).toBe(0);
});

test("submit_sameKeyTwice_oneJob", async () => {
  await q.submit(good);
  await q.submit({ ...good, data: "0x1234" });
  expect(await q.queue.count()).toBe(1);
  expect((await q.status(good.key))?.progress.state).toBe("queued");
  expect((await q.queue.getJob(good.key))?.data.intent.data).toBe("0x");
});
