/**
 * TEST DOUBLE as a process: the trader API on a FakeNode, its mix accounts funded, for measuring
 * the API layer alone with loadMain (the real node is wired by `./optio sequencer`).
 *
 *   node --import tsx sequencer/api/testing/fakeServerMain.ts [--port 8547] [--accounts 64] [--null]
 *
 * --null: submit answers a fixed receipt at once (no signature check, no book), so a run measures
 * only the API (WebSocket, JSON-RPC, checks, admission, serialization). Prints {"url","wsUrl"}
 * once listening; runs until SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { createApiServer } from "../createApiServer.ts";
import type { Receipt } from "../NodeApi.ts";
import { FakeNode } from "./FakeNode.ts";
import { mixAccounts } from "./loadGenerator.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    accounts: { type: "string", default: "64" },
    null: { type: "boolean", default: false },
  },
});
const node = new FakeNode();
for (const k of mixAccounts(Number(values.accounts))) node.fund(k.address, 0, 10n ** 15n);
if (values.null) {
  let seq = 0;
  const receipt = (): Receipt => ({
    txHash: `0x${"5f".repeat(32)}`,
    seq: String(seq++),
    block: 1,
    index: seq % 1000,
    type: "ORDER",
    signer: `0x${"12".repeat(20)}`,
    nonce: String(seq),
    outcome: 0,
    outcomeName: "OK",
    orderId: String(seq),
    market: 0,
    fills: [],
    resting: true,
    gasUsed: "40000",
  });
  node.submit = async () => ({ ok: true, receipt: receipt() });
  node.submitMany = async (txs) => txs.map(() => ({ ok: true, receipt: receipt() }));
}
const server = await createApiServer({
  node,
  port: Number(values.port),
  limits: {
    connectionRatePerSecond: 1_000_000,
    connectionBurst: 1_000_000,
    ipRatePerSecond: 1_000_000,
    ipBurst: 1_000_000,
    addressRatePerSecond: 1_000_000,
    addressBurst: 1_000_000,
  },
});
console.log(JSON.stringify({ url: server.url, wsUrl: server.wsUrl }));
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.once(sig, () => void server.close().then(() => process.exit(0)));
