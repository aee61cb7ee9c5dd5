/**
 * The README's main command as a new user runs it: `./optio devnet` (cli/main.ts devnet, on free
 * loopback ports) reaches "ready"; a trader deposits through the bridge on L1, sees it credited on
 * L2, places an order that fills against the devnet's market maker, gets the receipt and the fill
 * on the WebSocket, and the batch reaches L1; Ctrl-C stops everything.
 */
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, expect, test } from "vitest";
import { HARDHAT_TEST_KEYS, readDeployment } from "../../deploy/index.ts";
import { createOptioClient, depositToL2 } from "../../sdk/index.ts";
import { type DevnetProcess, startDevnetProcess } from "./devnetProcess.ts";

let devnet: DevnetProcess | undefined;

afterAll(async () => {
  await devnet?.stop(5_000);
});

test("devnet_newUser_depositsTradesAndSeesTheFill", async () => {
  devnet = await startDevnetProcess();
  const { child, out } = devnet;
  const { l1: l1Port, api: apiPort, explorer: explorerPort, verifier: verifierPort } = devnet.ports;
  const stdout = devnet.stdout();
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
  await depositToL2({
    walletClient: wallet,
    publicClient: pub,
    token: d.token.address,
    bridge: d.contracts.bridge.address,
    amount,
  });

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
