/**
 * `./optio trade` as a user runs it: the real command in its own process against the trader API
 * server (FakeNode behind it) on loopback.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HARDHAT_TEST_KEYS } from "../deploy/index.ts";
import { type ApiServer, createApiServer } from "../sequencer/api/index.ts";
import { FakeNode } from "../sequencer/api/testing/FakeNode.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const run = promisify(execFile);

async function trade(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ["--import", "tsx", "cli/main.ts", "trade", ...args], {
      cwd: ROOT,
    });
    return { code: 0, ...r };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

let server: ApiServer;
beforeAll(async () => {
  const node = new FakeNode(31337n);
  for (const k of HARDHAT_TEST_KEYS.slice(0, 3))
    node.fund(privateKeyToAccount(k).address.toLowerCase() as `0x${string}`, 0, 10n ** 12n);
  server = await createApiServer({ node });
});
afterAll(() => server.close());

describe("./optio trade", () => {
  it("places an order that fills against another account's, and shows the account", async () => {
    const ask = await trade(
      "order",
      "--api",
      server.url,
      "--account",
      "1",
      "--market",
      "1",
      "--side",
      "sell",
      "--price",
      "3000",
      "--qty",
      "0.5",
    );
    expect(ask.stderr).toBe("");
    expect(ask.stdout).toMatch(/ORDER OK .*\n\s+order id \d+, resting on the book/);
    const bid = await trade(
      "order",
      "--api",
      server.url,
      "--account",
      "2",
      "--market",
      "1",
      "--side",
      "buy",
      "--price",
      "3000",
      "--qty",
      "0.5",
      "--tif",
      "ioc",
    );
    expect(bid.stdout).toMatch(/fill 0.5 @ 3000 against order/);
    const acct = await trade("account", "--api", server.url, "--account", "2", "--json");
    expect(JSON.parse(acct.stdout).subaccounts[0].positions[0]).toMatchObject({
      market: 1,
      base: "50000000",
    });
  }, 60_000);

  it("says what is wrong and what to do", async () => {
    const side = await trade(
      "order",
      "--api",
      server.url,
      "--market",
      "1",
      "--side",
      "up",
      "--price",
      "1",
      "--qty",
      "1",
    );
    expect(side.code).toBe(1);
    expect(side.stderr).toMatch(/--side: expected buy or sell, got "up"\n\s+fix: add --side buy/);
    const decimals = await trade(
      "order",
      "--api",
      server.url,
      "--market",
      "1",
      "--side",
      "buy",
      "--price",
      "1.0000001",
      "--qty",
      "1",
    );
    expect(decimals.stderr).toMatch(/price: at most 6 decimals/);
    const down = await trade("account", "--api", "http://127.0.0.1:1");
    expect(down.stderr).toMatch(/the sequencer does not answer at http:\/\/127.0.0.1:1.*\n\s+fix: start it/);
    const unknown = await trade("fly");
    expect(unknown.stderr).toMatch(/unknown trade command "fly"/);
  }, 60_000);
});
