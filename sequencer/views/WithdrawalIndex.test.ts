import type { Hex } from "viem";
import { describe, expect, it } from "vitest";
import { engineKeys, Outcome } from "../../protocol/engine/index.ts";
import type { LoggedTx } from "../intake/TxLog.ts";
import type { Receipt } from "../nodeTypes.ts";
import { type LogReader, OutboxMismatchError, WithdrawalIndex } from "./WithdrawalIndex.ts";

const addr = (n: number): Hex => `0x${n.toString(16).padStart(40, "0")}`;
const entry = (recipient: Hex, amount: bigint) => {
  const v = new Uint8Array(32);
  v.set(Buffer.from(recipient.slice(2), "hex"), 0);
  new DataView(v.buffer).setBigUint64(20, amount, false);
  return v;
};

/** A log of `n` transactions where every 7th is an OK WITHDRAW of signer 1 + (seq % 3), and its outbox. */
function fixture(n: number) {
  const txs: LoggedTx[] = [];
  const outbox = new Map<string, Uint8Array>();
  let k = 0n;
  for (let seq = 0; seq < n; seq++) {
    const withdraw = seq % 7 === 3;
    const signer = addr(1 + (seq % 3));
    const receipt = {
      txHash: `0x${seq.toString(16).padStart(64, "0")}`,
      block: Math.floor(seq / 100),
      type: withdraw ? "WITHDRAW" : "ORDER",
      signer,
      outcome: seq % 49 === 3 ? Outcome.INSUFFICIENT_COLLATERAL : Outcome.OK,
    } as unknown as Receipt;
    txs.push({ seq, tx: new Uint8Array(0), receipt, origin: 0 });
    if (withdraw && receipt.outcome === Outcome.OK) {
      outbox.set(Buffer.from(engineKeys.outbox(k)).toString("hex"), entry(signer, BigInt(seq)));
      k++;
    }
  }
  const log: LogReader & { visible: number } = {
    visible: n,
    nextSeq: () => log.visible,
    range: (from, to) => txs.slice(from, Math.min(to, log.visible)),
  };
  const get = (key: Uint8Array) => outbox.get(Buffer.from(key).toString("hex")) ?? new Uint8Array(32);
  return { log, get, outbox, count: k };
}

describe("WithdrawalIndex", () => {
  it("test_catchUp_longLogInChunks_indexesEveryOkWithdrawInOrder_succeeds", async () => {
    const f = fixture(10_000);
    f.log.visible = 6_000;
    const idx = new WithdrawalIndex(f.log, f.get);
    await Promise.all([idx.catchUp(), idx.catchUp()]); // one shared pass
    const early = idx.count;
    f.log.visible = 10_000;
    await idx.catchUp();
    expect(idx.count).toBe(f.count);
    expect(early).toBeLessThan(f.count);
    // Index k is the k-th OK WITHDRAW: amounts (its seq here) increase, every one paying its signer.
    const all = [0n, 1n, 2n].flatMap((i) => idx.of(addr(1 + Number(i))));
    expect(all.length).toBe(Number(f.count));
    // seq 3 was refused by the engine (no entry): entry 0 is seq 10's.
    expect(idx.at(0n)).toMatchObject({ index: 0n, recipient: addr(2), amount: 10n, seq: 10, batch: 0 });
    for (let k = 1n; k < f.count; k++) expect(idx.at(k)!.seq).toBeGreaterThan(idx.at(k - 1n)!.seq);
    expect(idx.at(f.count)).toBeUndefined();
  });

  it("test_catchUp_entryPaysSomeoneElse_reverts", async () => {
    const f = fixture(100);
    f.outbox.set(Buffer.from(engineKeys.outbox(1n)).toString("hex"), entry(addr(9), 1n));
    const idx = new WithdrawalIndex(f.log, f.get);
    await expect(idx.catchUp()).rejects.toBeInstanceOf(OutboxMismatchError);
    expect(idx.count).toBe(1n); // the cursor stays before the bad entry
    await expect(idx.catchUp()).rejects.toThrow(
      /outbox entry 1 pays 0x0000000000000000000000000000000000000009/,
    );
  });
});
