/**
 * The load generator against the API server on a FakeNode: every pre-signed order is acknowledged
 * in both modes (nonce order kept per signer across connections), and its process entry runs.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, expect, it } from "vitest";
import { type ApiServer, createApiServer } from "../createApiServer.ts";
import { FakeNode } from "./FakeNode.ts";
import { makeOrderMix, mixAccounts, runLoad } from "./loadGenerator.ts";

const CHAIN = 31337n;
let server: ApiServer;
afterEach(async () => {
  await server.close();
});

async function start(accounts: number) {
  const node = new FakeNode(CHAIN);
  for (const k of mixAccounts(accounts)) node.fund(k.address, 0, 10n ** 15n);
  server = await createApiServer({ node });
  return node;
}

it("max mode: all orders acknowledged with OK, in nonce order per signer", async () => {
  await start(8);
  const txs = makeOrderMix({ chainId: CHAIN, accounts: 8, count: 400 });
  const r = await runLoad({
    url: server.wsUrl,
    connections: 3,
    txs,
    mode: "max",
    window: 16,
    durationMs: 20_000,
  });
  expect(r).toMatchObject({ sent: 400, acked: 400, errors: {}, outcomes: { OK: 400 } });
  expect(r.latencyMs.p50).toBeGreaterThan(0);
  expect(r.latencyMs.p99).toBeGreaterThanOrEqual(r.latencyMs.p50);
});

it("rate mode with batched calls: offered load is paced, all acknowledged", async () => {
  await start(4);
  const txs = makeOrderMix({ chainId: CHAIN, accounts: 4, count: 200 });
  const r = await runLoad({
    url: server.wsUrl,
    connections: 2,
    txs,
    mode: "rate",
    rate: 1_000,
    perCall: 4,
    durationMs: 10_000,
  });
  expect(r).toMatchObject({ sent: 200, acked: 200, errors: {} });
  // 200 at 1,000/s is 200 ms of schedule: the run cannot be faster than its schedule.
  expect(r.elapsedMs).toBeGreaterThanOrEqual(190);
});

it("loadMain signs a mix to a file and runs it from the file in its own process", async () => {
  await start(4);
  const dir = mkdtempSync(join(tmpdir(), "optio-load-"));
  try {
    const file = join(dir, "txs.txt");
    const run = promisify(execFile);
    const main = join(import.meta.dirname, "loadMain.ts");
    const w = await run(process.execPath, [
      "--import",
      "tsx",
      main,
      "--mix",
      "100",
      "--accounts",
      "4",
      "--out",
      file,
    ]);
    expect(JSON.parse(w.stdout)).toEqual({ wrote: 100, file });
    const out = await run(process.execPath, [
      "--import",
      "tsx",
      main,
      "--url",
      server.wsUrl,
      "--txs",
      file,
      "--seconds",
      "10",
    ]);
    expect(JSON.parse(out.stdout)).toMatchObject({ mode: "max", sent: 100, acked: 100 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
