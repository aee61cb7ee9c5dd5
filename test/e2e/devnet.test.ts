/**
 * The README's main command as a new user runs it: `./optio devnet` (cli/main.ts devnet, on free
 * loopback ports) reaches "ready"; a trader deposits through the bridge on L1, sees it credited on
 * L2, places an order that fills against the devnet's market maker, gets the receipt and the fill
 * on the WebSocket, and the batch reaches L1; Ctrl-C stops everything.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, expect, test } from "vitest";
import { freePort } from "../../cli/devnet/ensureRedis.ts";
import { HARDHAT_TEST_KEYS, readDeployment } from "../../deploy/index.ts";
import { bridgeAbi, testTokenAbi } from "../../l1/index.ts";
import { createOptioClient } from "../../sdk/index.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
let devnet: ChildProcess | undefined;

afterAll(async () => {
  if (devnet?.pid !== undefined && devnet.exitCode === null) {
    devnet.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 5_000));
    try {
      process.kill(devnet.pid, "SIGKILL");
    } catch {}
  }
});

test("devnet_newUser_depositsTradesAndSeesTheFill", async () => {
  const ports: number[] = [];
  for (let i = 0; i < 6; i++) ports.push(await freePort());
  const [l1Port, apiPort, opPort, explorerPort, verifierPort, verifierOpPort] = ports;
  const out = join(mkdtempSync(join(tmpdir(), "optio-e2e-")), "devnet.json");
  const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "devnet", "--out", out], {
    cwd: ROOT,
    env: {
      ...process.env,
      OPTIO_L1_PORT: String(l1Port),
      OPTIO_API_PORT: String(apiPort),
      OPTIO_OPERATOR_PORT: String(opPort),
      OPTIO_EXPLORER_PORT: String(explorerPort),
      OPTIO_VERIFIER_PORT: String(verifierPort),
      OPTIO_VERIFIER_OPERATOR_PORT: String(verifierOpPort),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  devnet = child;
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const deadline = Date.now() + 240_000;
  while (!stdout.includes("optio devnet: ready")) {
    if (child.exitCode !== null) throw new Error(`devnet exited: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`devnet not ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(stdout).toContain(`http://127.0.0.1:${apiPort}`);
  // The explorer's page is served, with the API's URL in its config.
  const config = await (await fetch(`http://127.0.0.1:${explorerPort}/config.json`)).json();
  expect(config.apiUrl).toBe(`http://127.0.0.1:${apiPort}`);
  expect(config.verifierUrl).toBe(`http://127.0.0.1:${verifierPort}/explorer`);

  // Deposit on L1 through the bridge, as `./optio trade deposit` does.
  const d = readDeployment(out);
  const trader = privateKeyToAccount(HARDHAT_TEST_KEYS[1]);
  const transport = http(`http://127.0.0.1:${l1Port}`);
  const wallet = createWalletClient({ account: trader, transport });
  const pub = createPublicClient({ transport });
  const amount = 10_000n * 10n ** 6n;
  const approve = await wallet.writeContract({
    address: d.token.address,
    abi: testTokenAbi,
    functionName: "approve",
    args: [d.contracts.bridge.address, amount],
    chain: null,
  });
  await pub.waitForTransactionReceipt({ hash: approve });
  const deposit = await wallet.writeContract({
    address: d.contracts.bridge.address,
    abi: bridgeAbi,
    functionName: "deposit",
    args: [amount, trader.address, 0],
    chain: null,
  });
  await pub.waitForTransactionReceipt({ hash: deposit });

  const client = createOptioClient({ url: `http://127.0.0.1:${apiPort}`, account: trader });
  const credited = Date.now() + 30_000;
  let collateral = "0";
  while (collateral === "0" && Date.now() < credited) {
    collateral = (await client.getAccount()).subaccounts[0]?.collateral ?? "0";
    if (collateral === "0") await new Promise((r) => setTimeout(r, 250));
  }
  expect(collateral).toBe(amount.toString());

  // Subscribe to the market's trades, then take the market maker's best ask.
  const sub = client.subscriber();
  const fills: string[] = [];
  sub.subscribe<{ taker: string; quantity: string }>("trades", { market: 1 }, (m) => {
    if (m.type === "delta" && m.data.taker.toLowerCase() === trader.address.toLowerCase())
      fills.push(m.data.quantity);
  });
  await sub.ready();
  const book = await client.getBook(1, 1);
  expect(book?.asks.length).toBe(1);
  const receipt = await client.send("ORDER", {
    market: 1n,
    subaccount: 0n,
    side: 0n,
    timeInForce: 1n,
    reduceOnly: false,
    price: BigInt(book!.asks[0].price),
    quantity: 1_000_000n,
  });
  expect(receipt.outcomeName).toBe("OK");
  expect(receipt.fills).toHaveLength(1);
  const ws = Date.now() + 10_000;
  while (fills.length === 0 && Date.now() < ws) await new Promise((r) => setTimeout(r, 100));
  expect(fills).toEqual(["1000000"]);

  // The batch holding the order reaches L1.
  const posted = Date.now() + 60_000;
  let stage = "";
  while (stage !== "posted" && stage !== "asserted" && stage !== "confirmed" && Date.now() < posted) {
    stage = (await client.getTransactionStage(receipt.txHash))?.stage ?? "";
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(["posted", "asserted", "confirmed"]).toContain(stage);
  client.close();

  // Ctrl-C: everything stops, nothing answers afterwards.
  child.kill("SIGINT");
  await new Promise<void>((r) => child.once("exit", () => r()));
  await expect(fetch(`http://127.0.0.1:${apiPort}/`, { method: "POST" })).rejects.toThrow();
  await expect(fetch(`http://127.0.0.1:${l1Port}/`, { method: "POST" })).rejects.toThrow();
}, 420_000);
