// The stored tree (protocol/smt/StateTree.ts) against the Solidity library: proofs the
// node serves must be accepted on L1 and give the same reads and the same roots after a
// write as the node's own commits. (test/smt.differential.test.ts pins the library
// against the reference tree; this closes the loop with what a node actually serves.)
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { bytesToHex, type Hex } from "viem";
import { afterAll, expect, test } from "vitest";
import { encodeProof, StateTree, ZERO } from "../protocol/index.ts";

type Words = readonly Hex[];
interface Harness {
  read: {
    readMany(args: readonly [Words, Words, Words]): Promise<readonly Hex[]>;
    writeMany(args: readonly [Words, Words, Words, Words]): Promise<readonly Hex[]>;
  };
}

const { viem } = await network.create();
const harness = (await viem.deployContract("SparseMerkleHarness")) as unknown as Harness;
const dir = mkdtempSync(join(tmpdir(), "optio-smt-sol-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const word = () => new Uint8Array(randomBytes(32));

/** Calls `f` on slices of 100 items (one call's calldata must stay under the block gas limit). */
async function inChunks<T>(n: number, f: (lo: number, hi: number) => Promise<readonly T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let lo = 0; lo < n; lo += 100) out.push(...(await f(lo, Math.min(n, lo + 100))));
  return out;
}

/** Keys sharing a long prefix with `base`, so terminals sit deep inside pages and across page edges. */
function near(base: Uint8Array, bytes: number): Uint8Array {
  const k = word();
  k.set(base.subarray(0, bytes));
  return k;
}

test("stateTree_proofsReadAndWriteOnL1_succeeds", async () => {
  const tree = StateTree.open({ path: join(dir, "a"), keepRoots: 8 });
  const base = word();
  const keys = [
    ...Array.from({ length: 1500 }, word),
    ...Array.from({ length: 300 }, (_, i) => near(base, 1 + (i % 31))),
  ];
  tree.commit(keys.map((k) => [k, word()] as [Uint8Array, Uint8Array]));
  // Delete some, so pages collapse and leaves move up.
  tree.commit(keys.filter((_, i) => i % 7 === 0).map((k) => [k, ZERO] as [Uint8Array, Uint8Array]));
  const root = tree.root;
  const probes = [...keys.slice(0, 150), ...keys.slice(1500, 1650), ...Array.from({ length: 50 }, word)];
  const proofs = probes.map((k) => bytesToHex(encodeProof(tree.prove(k))));
  const roots = probes.map(() => bytesToHex(root));
  const hexKeys = probes.map((k) => bytesToHex(k));

  const values = await inChunks(probes.length, (lo, hi) =>
    harness.read.readMany([roots.slice(lo, hi), hexKeys.slice(lo, hi), proofs.slice(lo, hi)]),
  );
  expect(values).toEqual(probes.map((k) => bytesToHex(tree.get(k))));

  // One write per key: L1's new root must be the root the node gets by committing that write alone.
  const newValues = probes.map((_, i) => (i % 3 === 0 ? ZERO : word()));
  const hexValues = newValues.map((v) => bytesToHex(v));
  const l1Roots = await inChunks(probes.length, (lo, hi) =>
    harness.read.writeMany([
      roots.slice(lo, hi),
      hexKeys.slice(lo, hi),
      hexValues.slice(lo, hi),
      proofs.slice(lo, hi),
    ]),
  );
  for (let i = 0; i < probes.length; i += 10) {
    const scratch = StateTree.open({ path: join(dir, `w${i}`), keepRoots: 2 });
    const leaves: [Uint8Array, Uint8Array][] = [];
    for (const k of keys) {
      const v = tree.get(k);
      if (v.some((b) => b !== 0)) leaves.push([k, v]);
    }
    scratch.commit(leaves);
    expect(bytesToHex(scratch.root)).toBe(bytesToHex(root));
    expect(bytesToHex(scratch.commit([[probes[i], newValues[i]]]).root)).toBe(l1Roots[i]);
    await scratch.close();
  }
  await tree.close();
}, 120_000);
