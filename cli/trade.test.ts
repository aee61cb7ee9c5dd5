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

async function trade(
  ...args: (string | { env: Record<string, string> })[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = args.find((a): a is { env: Record<string, string> } => typeof a !== "string")?.env ?? {};
  const argv = args.filter((a): a is string => typeof a === "string");
  try {
    const r = await run(process.execPath, ["--import", "tsx", "cli/main.ts", "trade", ...argv], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    return { code: 0, ...r };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

let server: ApiServer;
let node: FakeNode;
beforeAll(async () => {
  node = new FakeNode(31337n);
  for (const k of HARDHAT_TEST_KEYS.slice(0, 4))
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

  it("withdraws, lists the withdrawal with its stage, and says when it is not claimable yet", async () => {
    const w = await trade("withdraw", "--api", server.url, "--account", "3", "--amount", "12.5");
    expect(w.stdout).toMatch(/^WITHDRAW OK/);
    const pending = await trade("withdrawals", "--api", server.url, "--account", "3");
    expect(pending.stdout).toMatch(
      /withdrawal 0: 12.5 to 0x[0-9a-f]{40}, batch \d+ \(tx 0x[0-9a-f]{64}\)\n {2}pending: batch \d+ is not on L1 yet/,
    );
    const none = await trade("claim", "--api", server.url, "--account", "3");
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(
      /nothing claimable yet for 0x[0-9a-fA-F]{40}:\n {2}withdrawal 0 \(12.5\): pending/,
    );
    const batch = node.seal();
    node.advance(batch, "asserted");
    const early = await trade("claim", "--api", server.url, "--account", "3", "--index", "0");
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      /withdrawal 0 is not claimable yet: asserted \(0x(a5){32}\), confirmable after 2023-11-14T22:18:20.000Z \(L1 time.*\n\s+fix: wait until its assertion is confirmed/,
    );
    const unknown = await trade("claim", "--api", server.url, "--account", "3", "--index", "9");
    expect(unknown.stderr).toMatch(
      /unknown withdrawal: no outbox entry at this index \(code -32040, UNKNOWN_WITHDRAWAL\)/,
    );
    node.advance(batch, "confirmed");
    const ready = await trade("withdrawals", "--api", server.url, "--account", "3");
    expect(ready.stdout).toContain("claimable: ./optio trade claim --index 0");
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

  it("withdraw --forced with neither the sequencer nor a verifier: says where a nonce comes from", async () => {
    const nowhere = { OPTIO_VERIFIER_URL: "http://127.0.0.1:2" };
    const r = await trade("withdraw", "--forced", "--amount", "1", "--api", "http://127.0.0.1:1", {
      env: nowhere,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /cannot learn the L2 nonce of 0x[0-9a-fA-F]{40}: the sequencer does not answer at http:\/\/127.0.0.1:1 and no verifier at http:\/\/127.0.0.1:2\n\s+fix: pass --from-verifier URL .* or --nonce N/,
    );
    const bad = await trade("withdraw", "--forced", "--amount", "1", "--nonce", "x");
    expect(bad.stderr).toMatch(/--nonce: expected a whole number, got "x"/);
  }, 60_000);
});
