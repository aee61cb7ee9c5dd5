import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createMPT } from "@ethereumjs/mpt";
import type { BatchDBOp, DB } from "@ethereumjs/util";
import { network } from "hardhat";
import { open, type RootDatabase } from "lmdb";
import { bytesToHex } from "viem";
import { encodeProof, type StateProof } from "../protocol/smt/proof.ts";
import { StateTree } from "../protocol/smt/StateTree.ts";
import { emit, median, note, round, seconds } from "./report.ts";

/**
 * `npm run bench -- smt [--leaves N] [--baseline-leaves N] [--batch N] [--rounds N] [--baseline-rounds N] [--no-baseline]`
 *
 * smt.update: leaf writes/s committing batches of 10,000 random writes (half
 *   updates, half inserts) to a persisted tree of 1,000,000 leaves with
 *   commit(): one batch hashed and written (one LMDB transaction) at a time,
 *   durable when it returns. Baseline:
 *   @ethereumjs/mpt over LMDB, doing the same kind of writes in this run on a
 *   trie of 100,000 leaves: building it with 1,000,000 takes over ten minutes
 *   and ~10 GB here, and a smaller trie is faster per write, so the ratio
 *   understates ours. Ours is the median of 9 commits (a commit takes ~0.2 s,
 *   and one slow round on a shared machine then moves the median less); the
 *   baseline's of the first 5 batches (each takes several seconds).
 * smt.update.pipelined: the same with commitAsync, as a sequencer streams its
 *   batches: a batch's root is computed while the writer thread stores the one
 *   before (two in flight); a round is one batch's start to the next one's, so
 *   it counts waiting for the writer. Same baseline.
 * smt.prove: proofs generated (and encoded) per second at that size.
 * smt.verify.gas: execution gas of the Solidity library verifying one inclusion
 *   proof from that tree, with the proof's size and calldata gas beside it.
 */
export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      leaves: { type: "string", default: "1000000" },
      "baseline-leaves": { type: "string", default: "100000" },
      batch: { type: "string", default: "10000" },
      rounds: { type: "string", default: "9" },
      "baseline-rounds": { type: "string", default: "5" },
      "no-baseline": { type: "boolean", default: false },
    },
  });
  const leaves = Number(values.leaves);
  const batch = Number(values.batch);
  const rounds = Number(values.rounds);
  const baselineRounds = Math.min(rounds, Number(values["baseline-rounds"]));
  const dir = mkdtempSync(join(tmpdir(), "optio-bench-smt-"));
  try {
    const keys = Array.from({ length: leaves }, () => word());
    // One warm-up batch first, unmeasured, for both trees: the first commit after a
    // million-write build pays the build's garbage-collection debt.
    const batches = Array.from({ length: rounds + 1 }, () => randomWrites(keys, batch));

    note(`building a ${leaves}-leaf state tree`);
    const tree = StateTree.open({ path: join(dir, "smt"), keepRoots: 64 });
    const buildTime = await seconds(() => {
      for (let i = 0; i < leaves; i += 50_000) {
        tree.commit(keys.slice(i, i + 50_000).map((k) => [k, word()] as [Uint8Array, Uint8Array]));
      }
    });
    note(`built in ${round(buildTime, 1)} s`);
    const ours: number[] = [];
    for (const writes of batches) ours.push(batch / (await seconds(() => tree.commit(writes))));
    ours.shift();
    note(`smt.update rounds (writes/s): ${ours.map((x) => Math.round(x)).join(", ")}`);
    // Fresh batches (the ones above are committed: writing them again would change nothing).
    const fresh = Array.from({ length: rounds + 2 }, () => randomWrites(keys, batch));
    const pipelined = await pipelinedRates(tree, fresh, batch);
    note(`smt.update.pipelined rounds (writes/s): ${pipelined.map((x) => Math.round(x)).join(", ")}`);

    let baseline: number | undefined;
    const baselineLeaves = Math.min(leaves, Number(values["baseline-leaves"]));
    if (!values["no-baseline"])
      baseline = await mptRate(
        join(dir, "mpt"),
        keys.slice(0, baselineLeaves),
        batches.slice(0, baselineRounds + 1),
      );

    const base =
      baseline === undefined
        ? {}
        : {
            baseline: `@ethereumjs/mpt on LMDB, ${baselineLeaves} leaves`,
            baselineValue: Math.round(baseline),
            baselineRounds,
          };
    emit({
      name: "smt.update",
      value: Math.round(median(ours)),
      unit: "leaf writes/s",
      leaves,
      batch,
      rounds,
      ...base,
    });
    emit({
      name: "smt.update.pipelined",
      value: Math.round(median(pipelined)),
      unit: "leaf writes/s",
      leaves,
      batch,
      rounds,
      ...base,
    });

    const probe = [...keys.slice(0, 5_000), ...Array.from({ length: 5_000 }, () => word())];
    const proveRates: number[] = [];
    let proofBytes = 0;
    for (let r = 0; r < rounds; r++) {
      proveRates.push(
        probe.length /
          (await seconds(() => {
            for (const k of probe) proofBytes = Math.max(proofBytes, encodeProof(tree.prove(k)).length);
          })),
      );
    }
    emit({
      name: "smt.prove",
      value: Math.round(median(proveRates)),
      unit: "proofs/s",
      leaves,
      maxProofBytes: proofBytes,
    });

    await verifyGas(tree, keys);
    await tree.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Commits `batches` with commitAsync, starting each once the one two back is
 * written, and returns writes/s per round (one batch's start to the next one's).
 * The first batch is a warm-up written before the clock starts (it starts the
 * writer thread); the last one only ends the last round.
 */
async function pipelinedRates(
  tree: StateTree,
  batches: [Uint8Array, Uint8Array][][],
  batch: number,
): Promise<number[]> {
  await tree.commitAsync(batches[0]).written;
  const starts: number[] = [];
  let previous: Promise<unknown> = Promise.resolve();
  for (const writes of batches.slice(1)) {
    starts.push(performance.now());
    const { written } = tree.commitAsync(writes);
    await previous;
    previous = written;
  }
  await previous;
  const rates: number[] = [];
  for (let i = 0; i + 1 < starts.length; i++) rates.push((batch * 1000) / (starts[i + 1] - starts[i]));
  return rates;
}

function word(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

function randomWrites(keys: Uint8Array[], n: number): [Uint8Array, Uint8Array][] {
  return Array.from({ length: n }, (_, i) => [
    i % 2 ? keys[(Math.random() * keys.length) | 0] : word(),
    word(),
  ]);
}

async function verifyGas(tree: StateTree, keys: Uint8Array[]): Promise<void> {
  const { viem } = await network.create();
  const harness = await viem.deployContract("SparseMerkleHarness");
  const samples: { gas: number; bytes: number; depth: number }[] = [];
  for (const key of keys.slice(0, 200)) {
    const proof: StateProof = tree.prove(key);
    const enc = encodeProof(proof);
    const [ok, gas] = (await harness.read.verifyGas([
      bytesToHex(tree.root),
      bytesToHex(key),
      bytesToHex(tree.get(key)),
      bytesToHex(enc),
    ])) as readonly [boolean, bigint];
    if (!ok) throw new Error("the Solidity library rejected an honest proof");
    samples.push({ gas: Number(gas), bytes: enc.length, depth: proof.depth });
  }
  samples.sort((a, b) => a.gas - b.gas);
  const mid = samples[samples.length >> 1];
  const calldataGas = (bytes: number) => bytes * 16; // upper bound: every byte non-zero
  emit({
    name: "smt.verify.gas",
    value: mid.gas,
    unit: "gas (execution, median of 200 inclusion proofs)",
    max: samples[samples.length - 1].gas,
    depth: mid.depth,
    proofBytes: mid.bytes,
    calldataGasAtMost: calldataGas(mid.bytes),
  });
}

/** The same writes through @ethereumjs/mpt, persisted in LMDB like ours. */
async function mptRate(
  path: string,
  keys: Uint8Array[],
  batches: [Uint8Array, Uint8Array][][],
): Promise<number> {
  const env = open({ path, compression: false });
  const db = new LmdbAdapter(env);
  const trie = await createMPT({ db, useKeyHashing: false });
  note(`building the baseline Merkle Patricia trie with ${keys.length} leaves (slow)`);
  const t = await seconds(async () => {
    for (let i = 0; i < keys.length; i++) {
      await trie.put(keys[i], word());
      if (i % 10_000 === 9_999) await db.flush(); // bounds the write-behind overlay
    }
    await db.flush();
  });
  note(`baseline built in ${round(t, 1)} s`);
  const rates: number[] = [];
  for (const writes of batches) {
    rates.push(
      writes.length /
        (await seconds(async () => {
          for (const [k, v] of writes) await trie.put(k, v);
          await db.flush();
        })),
    );
  }
  rates.shift(); // the warm-up batch
  note(`baseline rounds (writes/s): ${rates.map((x) => Math.round(x)).join(", ")}`);
  await env.close();
  return median(rates);
}

/** ethereumjs's DB interface over LMDB, writing behind a small overlay so reads see pending writes. */
class LmdbAdapter implements DB<string, string | Uint8Array> {
  private readonly overlay = new Map<string, Uint8Array | string | undefined>();
  private pending: Promise<unknown> = Promise.resolve();
  constructor(private readonly env: RootDatabase) {}
  async get(key: string): Promise<string | Uint8Array | undefined> {
    return this.overlay.has(key) ? this.overlay.get(key) : this.env.get(key);
  }
  async put(key: string, val: string | Uint8Array): Promise<void> {
    this.overlay.set(key, val);
    this.pending = this.env.put(key, val);
  }
  async del(key: string): Promise<void> {
    this.overlay.set(key, undefined);
    this.pending = this.env.remove(key);
  }
  async batch(ops: BatchDBOp<string, string | Uint8Array>[]): Promise<void> {
    for (const op of ops) {
      if (op.type === "put") await this.put(op.key, op.value);
      else await this.del(op.key);
    }
  }
  /** Waits until every write is committed, as our tree's commit does. */
  async flush(): Promise<void> {
    await this.pending;
    this.overlay.clear();
  }
  shallowCopy(): DB<string, string | Uint8Array> {
    return this;
  }
  async open(): Promise<void> {}
}
