import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeProof, rootAfterWrite, ZERO } from "../../protocol/index.ts";
import { type Leaf, referenceHash, referenceProof } from "../../protocol/smt/reference.ts";
import { ProvableState, StateSourceError } from "./ProvableState.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** A proof source over a plain leaf list (the reference tree), counting its proofs. */
function source(leaves: Leaf[]) {
  const snapshot = leaves.map((l) => ({ key: l.key, value: l.value }));
  const s = {
    root: referenceHash(snapshot),
    proofs: 0,
    prove: (k: Uint8Array) => {
      s.proofs++;
      return referenceProof(snapshot, k);
    },
  };
  return s;
}

function setLeaf(leaves: Leaf[], key: Uint8Array, value: Uint8Array): void {
  const i = leaves.findIndex((l) => hex(l.key) === hex(key));
  if (i >= 0) leaves.splice(i, 1);
  if (value.some((b) => b !== 0)) leaves.push({ key, value });
}

/** Keys that share long prefixes, so writes split and merge deep branches. */
function keyFrom(seed: number, pool: Uint8Array[]): Uint8Array {
  const k = new Uint8Array(randomBytes(32));
  if (pool.length > 0 && seed % 3 !== 0) {
    const base = pool[seed % pool.length];
    const bits = seed % 40;
    for (let i = 0; i < bits >> 3; i++) k[i] = base[i];
    const mask = 0xff00 >> (bits & 7);
    k[bits >> 3] = (base[bits >> 3] & mask) | (k[bits >> 3] & ~mask & 0xff);
  }
  return k;
}

describe("ProvableState", () => {
  it("test_provableState_matchesReferenceTreeUnderWritesAndDeletes_succeeds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(3)), { maxLength: 40 }),
        (n, ops) => {
          const leaves: Leaf[] = [];
          const pool: Uint8Array[] = [];
          for (let i = 0; i < n; i++) {
            const k = keyFrom(i * 7 + 1, pool);
            pool.push(k);
            leaves.push({ key: k, value: new Uint8Array(randomBytes(32)) });
          }
          const src = source(leaves);
          const state = ProvableState.fromSource(src);
          expect(hex(state.root)).toBe(hex(src.root));
          for (const [seed, kind] of ops) {
            // kind 0: delete an existing key, 1: update one, 2-3: insert a near or fresh key.
            const existing = leaves.length > 0 ? leaves[seed % leaves.length].key : undefined;
            const key = kind <= 1 && existing !== undefined ? existing : keyFrom(seed, pool);
            pool.push(key);
            const value = kind === 0 ? ZERO : new Uint8Array(randomBytes(32));
            // The proof at the current root, as a one-step proof carries it, gives the same root after the write.
            const proof = encodeProof(state.prove(key));
            expect(hex(proof)).toBe(hex(encodeProof(referenceProof(leaves, key))));
            const expected = rootAfterWrite(state.root, key, value, proof);
            setLeaf(leaves, key, value);
            expect(hex(state.write(key, value))).toBe(hex(referenceHash(leaves)));
            expect(hex(state.root)).toBe(hex(expected));
            expect(hex(state.get(key))).toBe(hex(value));
          }
          for (const l of leaves) expect(hex(state.get(l.key))).toBe(hex(l.value));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("test_provableState_fork_isIndependent_succeeds", () => {
    const leaves: Leaf[] = [0, 1, 2, 3].map(() => ({
      key: new Uint8Array(randomBytes(32)),
      value: new Uint8Array(randomBytes(32)),
    }));
    const a = ProvableState.fromSource(source(leaves));
    const before = a.root.slice();
    const b = a.fork();
    b.write(leaves[0].key, ZERO);
    b.write(new Uint8Array(32).fill(7), new Uint8Array(32).fill(1));
    expect(hex(a.root)).toBe(hex(before));
    expect(hex(a.get(leaves[0].key))).toBe(hex(leaves[0].value));
    expect(hex(b.get(leaves[0].key))).toBe(hex(ZERO));
  });

  it("test_provableState_opensOnlyWhatItTouches_succeeds", () => {
    const leaves: Leaf[] = [];
    for (let i = 0; i < 200; i++)
      leaves.push({ key: new Uint8Array(randomBytes(32)), value: new Uint8Array(randomBytes(32)) });
    const src = source(leaves);
    const state = ProvableState.fromSource(src);
    state.get(leaves[5].key);
    state.write(leaves[9].key, new Uint8Array(32).fill(3));
    state.prove(leaves[9].key);
    expect(src.proofs).toBeLessThanOrEqual(4);
  });

  it("test_provableState_wrongSource_reverts", () => {
    const leaves: Leaf[] = [0, 1, 2].map(() => ({
      key: new Uint8Array(randomBytes(32)),
      value: new Uint8Array(randomBytes(32)),
    }));
    const other: Leaf[] = [0, 1, 2].map(() => ({
      key: new Uint8Array(randomBytes(32)),
      value: new Uint8Array(randomBytes(32)),
    }));
    const state = ProvableState.fromSource({
      root: referenceHash(leaves),
      prove: (k) => referenceProof(other, k),
    });
    expect(() => state.get(leaves[0].key)).toThrow(StateSourceError);
    expect(() => state.get(new Uint8Array(31))).toThrow(/expected 32 bytes, got 31/);
  });

  it("test_provableState_empty_succeeds", () => {
    const s = ProvableState.empty();
    expect(hex(s.root)).toBe(hex(ZERO));
    const k = new Uint8Array(32).fill(9);
    s.write(k, new Uint8Array(32).fill(1));
    expect(hex(encodeProof(s.prove(k)))).toBe(
      hex(encodeProof(referenceProof([{ key: k, value: new Uint8Array(32).fill(1) }], k))),
    );
    s.write(k, ZERO);
    expect(hex(s.root)).toBe(hex(ZERO));
  });
});
