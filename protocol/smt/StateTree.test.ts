import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, hexToBytes } from "viem";
import { afterEach, describe, expect, test } from "vitest";
import { InvalidLengthError, UnknownRootError } from "../errors.ts";
import { bitAt, ZERO } from "./hash.ts";
import { computeRoot, encodeProof, rootAfterWrite, verifyRead } from "./proof.ts";
import { type Leaf, referenceHash } from "./reference.ts";
import { StateTree } from "./StateTree.ts";
import { deterministicBatch } from "./testing/deterministicBatch.ts";

const word = () => new Uint8Array(randomBytes(32));
const dirs: string[] = [];
const trees: StateTree[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "optio-smt-"));
  dirs.push(dir);
  return dir;
}

function openTree(path = tempDir(), keepRoots = 1000, cachePages?: number): StateTree {
  const tree = StateTree.open({ path, keepRoots, cachePages });
  trees.push(tree);
  return tree;
}

afterEach(async () => {
  for (const t of trees.splice(0)) await t.close().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A key sharing its first `shared` bits with `base`. */
function near(base: Uint8Array, shared: number): Uint8Array {
  const k = word();
  for (let i = 0; i < shared; i++) {
    const mask = 0x80 >> (i & 7);
    k[i >> 3] = (k[i >> 3] & ~mask) | (bitAt(base, i) ? mask : 0);
  }
  return k;
}

/** The state as a plain map, applied write by write: the model the tree must match. */
class Model {
  readonly map = new Map<string, Uint8Array>();
  apply(writes: [Uint8Array, Uint8Array][]): void {
    for (const [k, v] of writes) {
      if (v.every((x) => x === 0)) this.map.delete(bytesToHex(k));
      else this.map.set(bytesToHex(k), v);
    }
  }
  leaves(): Leaf[] {
    return [...this.map].map(([k, v]) => ({ key: hexToBytes(k as `0x${string}`), value: v }));
  }
}

function randomBatch(model: Model, size: number, base: Uint8Array): [Uint8Array, Uint8Array][] {
  const existing = [...model.map.keys()];
  const out: [Uint8Array, Uint8Array][] = [];
  for (let i = 0; i < size; i++) {
    const r = Math.random();
    if (r < 0.2 && existing.length) {
      out.push([hexToBytes(existing[(Math.random() * existing.length) | 0] as `0x${string}`), ZERO]);
    } else if (r < 0.4 && existing.length) {
      out.push([hexToBytes(existing[(Math.random() * existing.length) | 0] as `0x${string}`), word()]);
    } else if (r < 0.6) {
      out.push([near(base, 8 + ((Math.random() * 240) | 0)), word()]);
    } else out.push([word(), word()]);
  }
  // Repeated keys inside one batch: the later write wins.
  if (out.length > 2) out.push([out[0][0], word()]);
  return out;
}

describe("StateTree", () => {
  test("matches the reference tree over random batches of inserts, updates and deletes", () => {
    const tree = openTree();
    const model = new Model();
    const base = word();
    expect(tree.root).toEqual(ZERO);
    for (let round = 0; round < 30; round++) {
      const batch = randomBatch(model, [1, 5, 40, 300][round % 4], base);
      const { root, version } = tree.commit(batch);
      model.apply(batch);
      expect(version).toBe(round + 1);
      expect(bytesToHex(root)).toBe(bytesToHex(referenceHash(model.leaves())));
      for (const leaf of model.leaves().slice(0, 10)) expect(tree.get(leaf.key)).toEqual(leaf.value);
    }
    // Delete everything: back to the empty root.
    const all = model.leaves().map((l): [Uint8Array, Uint8Array] => [l.key, ZERO]);
    expect(tree.commit(all).root).toEqual(ZERO);
  });

  test("proofs verify against the root and agree with single-key writes", () => {
    const tree = openTree();
    const model = new Model();
    const base = word();
    for (let i = 0; i < 4; i++) {
      const batch = randomBatch(model, 400, base);
      tree.commit(batch);
      model.apply(batch);
    }
    const root = tree.root;
    const keys = [
      ...model
        .leaves()
        .slice(0, 150)
        .map((l) => l.key),
      ...Array.from({ length: 60 }, () => word()),
      ...Array.from({ length: 60 }, (_, i) => near(base, 10 + i * 3)),
    ];
    for (const key of keys) {
      const proof = tree.prove(key);
      expect(computeRoot(key, proof)).toEqual(root);
      const enc = encodeProof(proof);
      expect(verifyRead(root, key, enc)).toEqual(tree.get(key));
      // The proof's write rule gives the root a real commit of that one write gives.
      const value = Math.random() < 0.4 ? ZERO : word();
      const expected = rootAfterWrite(root, key, value, enc);
      const scratch = openTree(undefined, 10);
      scratch.commit(model.leaves().map((l) => [l.key, l.value] as [Uint8Array, Uint8Array]));
      expect(scratch.commit([[key, value]]).root).toEqual(expected);
      if (keys.indexOf(key) > 20) break; // a fresh scratch tree per key is slow; 20 writes suffice here
    }
  });

  test("reads and proofs at older roots keep working until pruned", () => {
    const tree = openTree(undefined, 5);
    const key = word();
    const history: { root: Uint8Array; value: Uint8Array }[] = [];
    for (let v = 0; v < 8; v++) {
      const value = word();
      const { root } = tree.commit([
        [key, value],
        [word(), word()],
      ]);
      history.push({ root, value });
    }
    // Kept: the last five roots.
    for (const { root, value } of history.slice(3)) {
      expect(tree.get(key, root)).toEqual(value);
      expect(verifyRead(root, key, encodeProof(tree.prove(key, root)))).toEqual(value);
    }
    for (const { root } of history.slice(0, 3)) {
      expect(() => tree.get(key, root)).toThrow(UnknownRootError);
      expect(tree.hasRoot(root)).toBe(false);
    }
    expect(tree.keptRoots().map((r) => r.version)).toEqual([4, 5, 6, 7, 8]);
    expect(() => tree.get(key, word())).toThrow(
      /unknown state root 0x[0-9a-f]{64}: never committed, or pruned/,
    );
  });

  test("pruning deletes replaced pages but never one a kept root still uses", () => {
    const tree = openTree(undefined, 3, 1); // a one-page cache forces every read to the database
    const model = new Model();
    const base = word();
    const roots: { root: Uint8Array; leaves: Leaf[] }[] = [];
    for (let i = 0; i < 12; i++) {
      const batch = randomBatch(model, 200, base);
      const { root } = tree.commit(batch);
      model.apply(batch);
      roots.push({ root, leaves: model.leaves() });
    }
    for (const { root, leaves } of roots.slice(-3)) {
      for (const l of leaves.slice(0, 50)) expect(tree.get(l.key, root)).toEqual(l.value);
    }
  });

  test("bad input throws a typed error and changes nothing", () => {
    const tree = openTree();
    const { root } = tree.commit([[word(), word()]]);
    expect(() => tree.commit([[new Uint8Array(31), word()]])).toThrow(InvalidLengthError);
    expect(() =>
      tree.commit([
        [word(), word()],
        [word(), new Uint8Array(33)],
      ]),
    ).toThrow("value: expected 32 bytes, got 33");
    expect(() => tree.get(new Uint8Array(20))).toThrow("key: expected 32 bytes, got 20");
    expect(() => tree.prove(word(), new Uint8Array(5))).toThrow("root: expected 32 bytes, got 5");
    expect(tree.root).toEqual(root);
    expect(tree.version).toBe(1);
    expect(() => StateTree.open({ path: tempDir(), keepRoots: 0 })).toThrow(
      /keepRoots: expected a whole number/,
    );
  });

  test("a leaf kept by a delete of an absent key beside it survives inserts that shift it in its page", () => {
    const tree = openTree();
    const model = new Model();
    // Root-page leaves at slots 0x40 and 0x80. Two inserts under slot 0x10 make a child page
    // there, whose 42-byte entry moves both leaves right in place by less than a leaf's
    // size, while the delete of an absent key in slot 0x80 hands that leaf its own bytes.
    const kept: [Uint8Array, Uint8Array][] = [0x40, 0x80].map((slot) => {
      const k = word();
      k[0] = slot;
      return [k, word()];
    });
    tree.commit(kept);
    model.apply(kept);
    const [a, b, absent] = [word(), word(), word()];
    a[0] = b[0] = 0x10;
    absent[0] = 0x80;
    const batch: [Uint8Array, Uint8Array][] = [
      [a, word()],
      [b, word()],
      [absent, ZERO],
    ];
    const { root } = tree.commit(batch);
    model.apply(batch);
    expect(bytesToHex(root)).toBe(bytesToHex(referenceHash(model.leaves())));
    for (const [k, v] of kept) expect(tree.get(k)).toEqual(v);
  });

  test("a batch that changes nothing keeps the root and still counts as a version", () => {
    const tree = openTree();
    const k = word();
    const v = word();
    const first = tree.commit([[k, v]]);
    const second = tree.commit([
      [k, v],
      [word(), ZERO],
    ]);
    expect(second.root).toEqual(first.root);
    expect(second.version).toBe(first.version + 1);
    expect(tree.get(k, first.root)).toEqual(v);
  });

  test("reopening reads back the last root and every kept older root", async () => {
    const path = tempDir();
    const tree = StateTree.open({ path, keepRoots: 4 });
    const model = new Model();
    const base = word();
    const snapshots: { root: Uint8Array; leaves: Leaf[] }[] = [];
    for (let i = 0; i < 6; i++) {
      const batch = randomBatch(model, 100, base);
      const { root } = tree.commit(batch);
      model.apply(batch);
      snapshots.push({ root, leaves: model.leaves() });
    }
    await tree.flushed();
    await tree.close();
    const again = openTree(path, 4);
    expect(again.root).toEqual(snapshots[5].root);
    expect(again.version).toBe(6);
    for (const { root, leaves } of snapshots.slice(2)) {
      for (const l of leaves.slice(0, 30)) {
        expect(again.get(l.key, root)).toEqual(l.value);
        expect(computeRoot(l.key, again.prove(l.key, root))).toEqual(root);
      }
    }
  });

  test.each(["sync", "async"])(
    "survives a process kill (%s commits): after reopening, the last acknowledged commit is intact",
    async (mode) => {
      const path = tempDir();
      // A child process commits batches as fast as it can and prints each root; it is killed mid-stream.
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(import.meta.dirname, "testing/commitForever.ts"), path, mode],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      const acked: string[] = [];
      let buffer = "";
      // Lines still in the pipe when the kill lands are acknowledged commits too: read to the end.
      const drained = new Promise((r) => child.stdout.once("end", r));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          buffer += chunk.toString();
          const lines = buffer.split("\n");
          buffer = lines.pop()!;
          acked.push(...lines.filter(Boolean));
          if (acked.length >= 25) {
            child.kill("SIGKILL");
            resolve();
          }
        });
        child.on("error", reject);
        child.on("exit", (code) =>
          acked.length >= 25 ? resolve() : reject(new Error(`child exited ${code}`)),
        );
      });
      await drained;
      if (child.exitCode === null && child.signalCode === null)
        await new Promise((r) => child.once("exit", r));
      const tree = openTree(path, 1000);
      // Every acknowledged root is there; the tree is at the last one or a little past it
      // (a commit can land between its printing and the kill): sync commits print each
      // line before the next commit starts, so at most one landed commit went unprinted;
      // async ones have one more in flight.
      const last = JSON.parse(acked[acked.length - 1]) as { version: number; root: string };
      expect(tree.version).toBeGreaterThanOrEqual(last.version);
      expect(tree.version).toBeLessThanOrEqual(last.version + (mode === "async" ? 2 : 1));
      for (const line of acked) {
        const { root } = JSON.parse(line) as { root: `0x${string}` };
        expect(tree.hasRoot(hexToBytes(root))).toBe(true);
      }
      // And the tree is whole: its root is the hash of the state that many batches make.
      const model = new Model();
      for (let i = 0; i < tree.version; i++) model.apply(deterministicBatch(i));
      expect(bytesToHex(tree.root)).toBe(bytesToHex(referenceHash(model.leaves())));
    },
    60_000,
  );
});

describe("StateTree.commitAsync", () => {
  /** The page keys stored, to compare what two trees keep (their pruning included). */
  function storedPageKeys(tree: StateTree): string[] {
    const { pages } = (tree as unknown as { dbs: { pages: { getKeys(): Iterable<Uint8Array> } } }).dbs;
    return [...pages.getKeys()].map((k) => bytesToHex(k));
  }

  test("gives commit's roots, serves the latest root while writing, and stores what commit stores", async () => {
    const path = tempDir();
    const sync = openTree(tempDir(), 3);
    const tree = openTree(path, 3);
    const model = new Model();
    const base = word();
    let inFlight: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < 8; i++) {
      const batch = randomBatch(model, 150, base);
      model.apply(batch);
      const expected = sync.commit(batch);
      const pending = tree.commitAsync(batch);
      expect(pending).toMatchObject(expected);
      expect(tree.root).toEqual(expected.root);
      expect(tree.version).toBe(expected.version);
      expect(tree.hasRoot(expected.root)).toBe(true);
      // The latest root reads and proves before it is written.
      for (const { key, value } of model.leaves().slice(0, 20)) {
        expect(tree.get(key)).toEqual(value);
        expect(computeRoot(key, tree.prove(key))).toEqual(expected.root);
      }
      await inFlight; // two commits in flight at most, as a sequencer would run them
      inFlight = pending.written.then((r) => expect(r).toEqual(expected));
    }
    await inFlight;
    expect(tree.keptRoots()).toEqual(sync.keptRoots());
    expect(storedPageKeys(tree)).toEqual(storedPageKeys(sync));
    await tree.close();
    const again = openTree(path, 3);
    expect(again.root).toEqual(sync.root);
    expect(again.keptRoots()).toEqual(sync.keptRoots());
    for (const { key, value } of model.leaves().slice(0, 50)) expect(again.get(key)).toEqual(value);
  });

  test("prunes as commit does with keepRoots 1", async () => {
    const sync = openTree(tempDir(), 1);
    const tree = openTree(tempDir(), 1);
    const model = new Model();
    const base = word();
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < 5; i++) {
      const batch = randomBatch(model, 100, base);
      model.apply(batch);
      sync.commit(batch);
      all.push(tree.commitAsync(batch).written);
    }
    await Promise.all(all);
    expect(tree.keptRoots()).toEqual(sync.keptRoots());
    expect(storedPageKeys(tree)).toEqual(storedPageKeys(sync));
  });

  test("while writing, commit() and older pending roots are refused with the reason", async () => {
    const tree = openTree();
    const key = word();
    const first = tree.commitAsync([[key, word()]]);
    const second = tree.commitAsync([[key, word()]]);
    expect(() => tree.commit([[word(), word()]])).toThrow(
      /2 commit\(s\) from commitAsync are still being written/,
    );
    expect(() => tree.get(key, first.root)).toThrow(UnknownRootError);
    expect(() => tree.get(key, first.root)).toThrow(/still being written/);
    expect(tree.hasRoot(first.root)).toBe(true);
    await second.written;
    expect(tree.get(key, first.root)).toEqual(tree.get(key, first.root));
    expect(computeRoot(key, tree.prove(key, first.root))).toEqual(first.root);
    expect(tree.commit([[word(), word()]]).version).toBe(3);
  });

  test("a failed write undoes that commit and every later pending one; the tree goes on from its last written commit", async () => {
    const path = tempDir();
    const tree = openTree(path);
    const kept = tree.commit([[word(), word()]]);
    // The writer thread refuses a commit whose pages do not sort last in the database (as it
    // would a disk error): here the first request's page keys name version 0.
    const internals = tree as unknown as { write(r: { type: string; keys?: Uint8Array }): Promise<unknown> };
    const write = internals.write.bind(tree);
    let corrupt = 1;
    internals.write = (r) => {
      if (r.type === "write" && r.keys && corrupt-- > 0) r.keys.fill(0, 1, 9);
      return write(r);
    };
    const k = word();
    const failed = tree.commitAsync([[k, word()]]);
    const later = tree.commitAsync([[word(), word()]]);
    await expect(failed.written).rejects.toThrow(
      /failed to write \(.*did not sort last\); the tree is back at its last written commit/,
    );
    await expect(later.written).rejects.toThrow(/undone: an earlier commit failed to write/);
    expect(tree.root).toEqual(kept.root);
    expect(tree.version).toBe(kept.version);
    expect(tree.get(k)).toEqual(ZERO);
    expect(tree.hasRoot(failed.root)).toBe(false);
    const next = tree.commitAsync([[k, word()]]);
    expect(next.version).toBe(kept.version + 1);
    await next.written;
    await tree.close();
    const again = openTree(path);
    expect(again.root).toEqual(next.root);
  });
});
