/**
 * kill -9 under load: the real `sequencer` process is killed at random moments while clients
 * submit signed orders; after each restart every acknowledged receipt must be served unchanged,
 * and transactions never acknowledged may appear only as whole, correctly numbered receipts.
 * OPTIO_KILL9_ROUNDS sets the number of kills (default 20; docs/sequencer.md gives the longer run).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { keccak256 } from "../protocol/keccak.ts";
import { transactionHash } from "../protocol/rollup/batch.ts";
import type { Receipt, SubmitResult } from "../sequencer/nodeTypes.ts";
import { LOT, order, PRICE, setupTxs, trader } from "../sequencer/testing/traders.ts";

const ROOT = join(import.meta.dirname, "..");
const ROUNDS = Number(process.env.OPTIO_KILL9_ROUNDS ?? 20);
const TOKEN = "kill9-test-token-0123456789";
const CHAIN = 31337n;
const admin = trader(500);
const oracle = trader(501);
const traders = Array.from({ length: 6 }, (_, i) => trader(600 + i));

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
}

function start(dir: string): Promise<Running> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "sequencer/cli.ts",
      "--deployment",
      join(dir, "deployment.json"),
      "--data-dir",
      join(dir, "data"),
      "--operator-port",
      "0",
      "--batch-time-ms",
      "40",
      "--recovery-threads",
      "1",
      "--dev-deposits",
    ],
    { cwd: ROOT, env: { ...process.env, OPTIO_ADMIN_TOKEN: TOKEN }, stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    let url: string | undefined;
    const timer = setTimeout(() => reject(new Error(`no start in 30 s:\n${out}`)), 30_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      for (const line of out.split("\n")) {
        if (!line.startsWith("{")) continue;
        const j = JSON.parse(line);
        if (j.msg === "operator server listening") url = `http://127.0.0.1:${j.port}`;
        if (j.msg === "sequencer serving" && url !== undefined) {
          clearTimeout(timer);
          resolve({ child, url });
        }
      }
      if (out.length > 1e6) out = out.slice(-1e5);
    });
    child.stderr!.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("exit", (code) => reject(new Error(`exited ${code} before serving:\n${out}`)));
  });
}

async function admin_(url: string, action: string, body: unknown): Promise<unknown> {
  const r = await fetch(`${url}/admin/${action}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  if (r.status !== 200) throw new Error(`${action}: HTTP ${r.status} ${await r.text()}`);
  return ((await r.json()) as { result: unknown }).result;
}

/** Receipts by hash, 400 per request (the admin body limit is 64 KiB). */
async function receipts(url: string, hashes: Hex[]): Promise<(Receipt | null)[]> {
  const out: (Receipt | null)[] = [];
  for (let i = 0; i < hashes.length; i += 400)
    out.push(
      ...((await admin_(url, "receipts", { hashes: hashes.slice(i, i + 400) })) as (Receipt | null)[]),
    );
  return out;
}

function kill9(r: Running): Promise<void> {
  return new Promise((resolve) => {
    if (r.child.exitCode !== null) return resolve();
    r.child.once("exit", () => resolve());
    r.child.kill("SIGKILL");
  });
}

describe("sequencer process under kill -9", () => {
  it(`loses or changes no acknowledged transaction over ${ROUNDS} kills under load`, {
    timeout: 600_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "optio-kill9-"));
    const wasm = readFileSync(join(ROOT, "engine/engine.wasm"));
    writeFileSync(
      join(dir, "deployment.json"),
      JSON.stringify({
        format: "optio-deployment/1",
        chainId: Number(CHAIN),
        admin: admin.address,
        engine: { path: "engine/engine.wasm", wasmHash: bytesToHex(keccak256(wasm)) },
        params: { challengePeriod: 300 },
      }),
    );
    const acked = new Map<Hex, Receipt>();
    /** Every transaction sent and not acknowledged (killed in flight): hash -> trader index. */
    const unsure = new Map<Hex, number>();
    let running = await start(dir);
    try {
      // Funds and a market, acknowledged before the first kill.
      const setup = (await admin_(running.url, "submit", {
        txs: setupTxs(CHAIN, admin, oracle, BigInt(Math.floor(Date.now() / 1000))).map((t) => bytesToHex(t)),
      })) as SubmitResult[];
      for (const r of setup) expect(r.ok && r.receipt.outcomeName).toBe("OK");
      for (const t of traders) {
        const r = (await admin_(running.url, "deposit", {
          to: t.address,
          amount: "1000000000000",
        })) as SubmitResult;
        expect(r.ok && r.receipt.outcomeName).toBe("OK");
      }
      let fills = 0;
      for (let round = 0; round < ROUNDS; round++) {
        // Load: 3 clients, each posting 10 orders per call, crossing each other around the price.
        let stop = false;
        const client = async (c: number) => {
          while (!stop) {
            const txs: Uint8Array[] = [];
            for (let i = 0; i < 10; i++) {
              const ti = (c * 2 + (i % 2)) % traders.length;
              const side = (i + c) % 2 === 0 ? 0 : 1;
              const tx = order(
                CHAIN,
                traders[ti],
                side as 0 | 1,
                PRICE + BigInt(((i * 7 + round) % 5) - 2) * 10_000n,
                LOT,
              );
              txs.push(tx);
              unsure.set(bytesToHex(transactionHash(tx)), ti);
            }
            let results: SubmitResult[];
            try {
              results = (await admin_(running.url, "submit", {
                txs: txs.map((t) => bytesToHex(t)),
              })) as SubmitResult[];
            } catch {
              return; // killed mid-request
            }
            for (const r of results) {
              if (!r.ok) throw new Error(`rejected under load: ${JSON.stringify(r.rejection)}`);
              acked.set(r.receipt.txHash, r.receipt);
              unsure.delete(r.receipt.txHash);
              fills += r.receipt.fills.length;
            }
          }
        };
        const clients = [0, 1, 2].map(client);
        // Kill under load: once this round has acknowledgements (a restarted process on a busy machine may take a
        // while to answer; at most 10 s), then at a random moment within the next half second.
        const before = acked.size;
        const waitUntil = Date.now() + 10_000;
        while (acked.size < before + 10 && Date.now() < waitUntil)
          await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 500)));
        await kill9(running);
        stop = true;
        await Promise.all(clients);
        const t0 = Date.now();
        running = await start(dir);
        if (process.env.OPTIO_KILL9_VERBOSE)
          console.error(`round ${round}: restart ${Date.now() - t0} ms, ${acked.size} acked`);
        // Every acknowledged receipt is served as it was acknowledged.
        const hashes = [...acked.keys()];
        const served0 = await receipts(running.url, hashes);
        for (let k = 0; k < hashes.length; k++) expect(served0[k]).toEqual(acked.get(hashes[k]));
        // Unacknowledged ones: either absent, or logged whole (then they count from now on).
        const maybe = [...unsure.keys()];
        const served = await receipts(running.url, maybe);
        const seqs = new Set([...acked.values()].map((r) => r.seq));
        for (let k = 0; k < maybe.length; k++) {
          const r = served[k];
          if (r === null) continue;
          expect(r.txHash).toBe(maybe[k]);
          expect(seqs.has(r.seq)).toBe(false);
          acked.set(r.txHash, r);
          seqs.add(r.seq);
        }
        // Traders' nonces: the next after the highest logged (unlogged ones are re-signed).
        for (let ti = 0; ti < traders.length; ti++) {
          let next = 0n;
          for (const r of acked.values())
            if (r.signer === traders[ti].address.toLowerCase())
              next = next > BigInt(r.nonce!) + 1n ? next : BigInt(r.nonce!) + 1n;
          traders[ti].nonce = next;
        }
        unsure.clear();
      }
      // Sequence numbers of everything served are dense from the first load transaction.
      const seqs = [...acked.values()].map((r) => Number(r.seq)).sort((a, b) => a - b);
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1] + 1);
      expect(acked.size).toBeGreaterThan(ROUNDS * 10);
      expect(fills).toBeGreaterThan(0);
    } finally {
      await kill9(running);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
