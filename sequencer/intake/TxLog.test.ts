import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Receipt } from "../nodeTypes.ts";
import { TxLog } from "./TxLog.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function receipt(seq: number): Receipt {
  return {
    txHash: `0x${seq.toString(16).padStart(64, "0")}`,
    seq: String(seq),
    block: 0,
    index: seq,
    type: "ORDER",
    signer: null,
    nonce: null,
    outcome: 0,
    outcomeName: "OK",
    orderId: null,
    market: null,
    fills: [],
    resting: false,
    gasUsed: "1",
  };
}

function hash(seq: number): Uint8Array {
  const h = new Uint8Array(32);
  new DataView(h.buffer).setUint32(28, seq);
  return h;
}

describe("TxLog", () => {
  it("group-commits: thousands of appends in one turn are made durable by a handful of LMDB commits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optio-log-"));
    dirs.push(dir);
    const log = new TxLog(dir, "flushed");
    const before = log.commits;
    const n = 5_000;
    const done = [];
    for (let i = 0; i < n; i++)
      done.push(log.append(i, new Uint8Array([i & 255, 1, 2]), receipt(i), hash(i), 0));
    await Promise.all(done);
    const commits = log.commits - before;
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThanOrEqual(5);
    expect(log.nextSeq()).toBe(n);
    expect(log.tx(1234)?.receipt).toEqual(receipt(1234));
    expect(log.seqOfHash(hash(4321))).toBe(4321);
    await log.close();
    // Reopened: everything acknowledged is there, in order.
    const again = new TxLog(dir);
    expect([...again.range(4998, 6000)].map((l) => l.seq)).toEqual([4998, 4999]);
    await again.close();
  });

  it("finds the head when only seq 0 and batch 0 exist (a reverse scan must not skip key 0)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "optio-log-"));
    dirs.push(dir);
    const log = new TxLog(dir);
    expect(log.nextSeq()).toBe(0);
    expect(log.lastBatch()).toBeUndefined();
    await log.append(0, new Uint8Array([1]), receipt(0), hash(0), 1);
    await log.putBatch({
      number: 0,
      timestamp: 5,
      firstSeq: 0,
      delayedFrom: 0,
      delayedTo: 0,
      prevStateRoot: "0x00",
    });
    expect(log.nextSeq()).toBe(1);
    expect(log.lastBatch()?.number).toBe(0);
    expect(log.tx(0)?.origin).toBe(1);
    await log.close();
  });
});
