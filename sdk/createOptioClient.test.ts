/**
 * The SDK against the real trader API server (sequencer/api) over loopback sockets, with the
 * FakeNode test double behind it (the engine's signature and nonce rules, a toy book): typed
 * calls, EIP-712 signing with a viem account, nonces under concurrent sends, typed errors, and
 * subscriptions that resync after the connection drops.
 */
import { toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeSettle, MalformedTxError } from "../protocol/engine/index.ts";
import { transactionHash } from "../protocol/index.ts";
import { type ApiServer, createApiServer } from "../sequencer/api/index.ts";
import { FakeNode } from "../sequencer/api/testing/FakeNode.ts";
import { hexOf, signOrder, testKey } from "../sequencer/api/testing/signing.ts";
import {
  BadNonceError,
  BadSignatureError,
  createOptioClient,
  NotClaimableError,
  type OptioClient,
  type OptioRpcError,
} from "./index.ts";

const CHAIN = 31337n;
const alice = privateKeyToAccount(`0x${"11".repeat(32)}`);
const bob = privateKeyToAccount(`0x${"22".repeat(32)}`);
const order = (side: 0n | 1n, price: bigint, quantity: bigint) => ({
  market: 1n,
  subaccount: 0n,
  side,
  timeInForce: 0n,
  reduceOnly: false,
  price,
  quantity,
});

let node: FakeNode;
let server: ApiServer;
let a: OptioClient;
let b: OptioClient;

beforeAll(async () => {
  node = new FakeNode(CHAIN);
  for (const acct of [alice, bob]) node.fund(acct.address.toLowerCase() as `0x${string}`, 0, 10n ** 12n);
  server = await createApiServer({ node, limits: { addressRatePerSecond: 10_000, addressBurst: 10_000 } });
  a = createOptioClient({ url: server.url, account: alice });
  b = createOptioClient({ url: server.url, account: bob });
});
afterAll(async () => {
  a.close();
  b.close();
  await server.close();
});

describe("createOptioClient", () => {
  it("reads the chain id from the node and signs orders that fill against another account's", async () => {
    expect(await a.chainId()).toBe(CHAIN);
    const ask = await a.send("ORDER", order(1n, 3_000_000_000n, 100_000_000n));
    expect(ask).toMatchObject({ outcomeName: "OK", resting: true, fills: [] });
    const bid = await b.send("ORDER", order(0n, 3_000_000_000n, 100_000_000n));
    expect(bid.outcomeName).toBe("OK");
    expect(bid.fills).toHaveLength(1);
    expect(bid.fills[0]).toMatchObject({ price: "3000000000", quantity: "100000000" });
    expect(await a.getReceipt(ask.txHash)).toMatchObject({ txHash: ask.txHash });
    expect((await a.getAccount()).address.toLowerCase()).toBe(alice.address.toLowerCase());
  });

  it("gives 40 concurrent sends from one account consecutive nonces, all executed", async () => {
    const start = await a.getNonce(alice.address);
    const receipts = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        a.send("ORDER", order(1n, 4_000_000_000n + BigInt(i) * 1_000_000n, 1_000_000n)),
      ),
    );
    expect(receipts.map((r) => BigInt(r.nonce ?? -1))).toEqual(
      Array.from({ length: 40 }, (_, i) => start + BigInt(i)),
    );
    expect(receipts.every((r) => r.outcomeName === "OK")).toBe(true);
    expect(await a.getNonce(alice.address)).toBe(start + 40n);
  });

  it("recovers when another sender used the key: BAD_NONCE refetches and signs again", async () => {
    // A second client with the same key moves the nonce behind the first client's cached value.
    const other = createOptioClient({ url: server.url, account: alice, chainId: CHAIN });
    await other.send("ORDER", order(1n, 5_000_000_000n, 1_000_000n));
    const r = await a.send("ORDER", order(1n, 5_000_000_000n, 1_000_000n));
    expect(r.outcomeName).toBe("OK");
  });

  it("types the API's errors: a stale nonce and a forged signature carry their data", async () => {
    const key = testKey(7);
    node.fund(key.address, 0, 10n ** 9n);
    const tx = signOrder(key, CHAIN, 0n, { side: 0, price: 1_000_000n, quantity: 1_000_000n });
    await a.sendRawTransaction(tx);
    const again = a.sendRawTransaction(hexOf(tx));
    await expect(again).rejects.toBeInstanceOf(BadNonceError);
    const e = (await again.catch((x) => x)) as BadNonceError;
    expect(e.expected).toBe(1n);
    expect(e.code).toBe(-32012);

    const forged = signOrder(key, CHAIN, 1n, { side: 0, price: 1_000_000n, quantity: 1_000_000n });
    forged[forged.length - 2] ^= 1; // s changes: recovers to someone else (or no one)
    const bad = (await a.sendRawTransaction(forged).catch((x) => x)) as BadSignatureError;
    expect(bad).toBeInstanceOf(BadSignatureError);
    expect(bad.expectedDigest).toMatch(/^0x[0-9a-f]{64}$/);
    expect(bad.recovered?.toLowerCase()).not.toBe(key.address);
  });

  it("settle: sends the unsigned SETTLE for any account, no signing key needed; out-of-range ids never leave", async () => {
    const anyone = createOptioClient({ url: server.url });
    const r = await anyone.settle(20, 3);
    expect(r).toMatchObject({ type: "SETTLE", signer: null, nonce: null, outcomeName: "OK" });
    expect(r.txHash).toBe(toHex(transactionHash(encodeSettle(20, 3))));
    const calls = node.submitCalls;
    await expect(anyone.settle(70_000, 1)).rejects.toBeInstanceOf(MalformedTxError);
    await expect(anyone.settle(1, 2 ** 32)).rejects.toBeInstanceOf(MalformedTxError);
    expect(node.submitCalls).toBe(calls);
    anyone.close();
  });

  it("withdrawals: listed with their stage; the proof is typed, and NotClaimableError says the stage until confirmed", async () => {
    const w = await a.send("WITHDRAW", { subaccount: 0n, amount: 7_000_000n });
    expect(w.outcomeName).toBe("OK");
    const [mine] = await a.getWithdrawals();
    expect(mine).toMatchObject({ index: "0", amount: "7000000", txHash: w.txHash, stage: "pending" });
    expect(await b.getWithdrawals()).toEqual([]);
    const batch = node.seal();
    node.advance(batch, "asserted");
    const early = (await a.getWithdrawalProof(0n).catch((x) => x)) as NotClaimableError;
    expect(early).toBeInstanceOf(NotClaimableError);
    expect([early.code, early.reason, early.stage]).toEqual([-32041, "NOT_CLAIMABLE", "asserted"]);
    expect(early.confirmableAt).toBe(BigInt(FakeNode.CONFIRMABLE_AT));
    node.advance(batch, "confirmed");
    expect(await a.getWithdrawalProof(0n)).toMatchObject({
      index: "0",
      amount: "7000000",
      assertion: FakeNode.ASSERTION,
      outbox: FakeNode.OUTBOX,
      claimed: false,
    });
    const unknown = (await a.getWithdrawalProof(9n).catch((x) => x)) as OptioRpcError;
    expect([unknown.code, unknown.reason]).toEqual([-32040, "UNKNOWN_WITHDRAWAL"]);
  });

  it("subscriptions resync after the connection drops: no delta is lost or repeated", async () => {
    const sub = a.subscriber();
    const seqs: number[] = [];
    const fills: string[] = [];
    sub.subscribe<{ quantity: string }>("trades", { market: 1 }, (m) => {
      seqs.push(m.seq);
      if (m.type === "delta") fills.push(m.data.quantity);
    });
    await sub.ready();
    await new Promise((r) => setTimeout(r, 100));
    const trade = async (q: bigint) => {
      await a.send("ORDER", order(1n, 2_000_000_000n, q));
      await b.send("ORDER", order(0n, 2_000_000_000n, q));
    };
    await trade(1_000_000n);
    await new Promise((r) => setTimeout(r, 100));
    sub.reconnect();
    await trade(2_000_000n);
    await trade(3_000_000n);
    const deadline = Date.now() + 5_000;
    while (fills.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(fills).toEqual(["1000000", "2000000", "3000000"]);
    expect(sub.reconnects).toBe(1);
    // Strictly increasing after the first snapshot: nothing repeated.
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1] + 1);
  });
});
