import { randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { MalformedProofError } from "../errors.ts";
import { bitAt, equalBytes, isZero, ZERO } from "./hash.ts";
import { computeRoot, decodeProof, encodeProof, rootAfterWrite, verifyRead } from "./proof.ts";
import { type Leaf, referenceHash, referenceProof } from "./reference.ts";

const word = () => new Uint8Array(randomBytes(32));

function randomLeaves(n: number): Leaf[] {
  return Array.from({ length: n }, () => ({ key: word(), value: word() }));
}

/** Keys that share a long prefix, to exercise deep terminals and long splits. */
function clusteredKey(base: Uint8Array, shared: number): Uint8Array {
  const k = word();
  for (let i = 0; i < shared; i++) {
    const mask = 0x80 >> (i & 7);
    k[i >> 3] = (k[i >> 3] & ~mask) | (bitAt(base, i) ? mask : 0);
  }
  return k;
}

describe("state proofs against the reference tree", () => {
  test("empty tree: root ZERO, every key absent", () => {
    const key = word();
    const proof = encodeProof(referenceProof([], key));
    expect(proof.length).toBe(35);
    expect(verifyRead(ZERO, key, proof)).toEqual(ZERO);
  });

  test("inclusion and exclusion proofs read the right value and round-trip", () => {
    for (const n of [1, 2, 3, 7, 50, 300]) {
      const leaves = randomLeaves(n);
      const root = referenceHash(leaves);
      for (const l of leaves.slice(0, 20)) {
        const enc = encodeProof(referenceProof(leaves, l.key));
        expect(verifyRead(root, l.key, enc)).toEqual(l.value);
        expect(encodeProof(decodeProof(enc, l.key))).toEqual(enc);
      }
      for (let i = 0; i < 20; i++) {
        const key = i % 2 ? word() : clusteredKey(leaves[i % n].key, 20);
        const enc = encodeProof(referenceProof(leaves, key));
        expect(verifyRead(root, key, enc)).toEqual(ZERO);
      }
    }
  });

  test("rootAfterWrite matches rebuilding the tree: insert, update, delete", () => {
    for (let round = 0; round < 40; round++) {
      const base = word();
      const n = 1 + (round % 9);
      // Half the rounds cluster keys so terminals and splits go deep.
      const leaves = Array.from({ length: n }, () => ({
        key: round % 2 ? clusteredKey(base, 100 + round) : word(),
        value: word(),
      }));
      const root = referenceHash(leaves);
      const writes: [Uint8Array, Uint8Array][] = [
        [round % 2 ? clusteredKey(base, 120) : word(), word()], // insert
        [leaves[0].key, word()], // update
        [leaves[n - 1].key, ZERO], // delete
        [word(), ZERO], // delete of an absent key
      ];
      for (const [key, value] of writes) {
        const enc = encodeProof(referenceProof(leaves, key));
        const next: Leaf[] = leaves.filter((l) => !equalBytes(l.key, key));
        if (!isZero(value)) next.push({ key, value });
        expect(rootAfterWrite(root, key, value, enc)).toEqual(referenceHash(next));
      }
    }
  });

  test("a wrong root, a wrong value or a flipped byte is rejected or reads differently", () => {
    const leaves = randomLeaves(64);
    const root = referenceHash(leaves);
    const key = leaves[3].key;
    const enc = encodeProof(referenceProof(leaves, key));
    expect(() => verifyRead(word(), key, enc)).toThrow(MalformedProofError);
    for (let i = 0; i < enc.length; i++) {
      const bad = enc.slice();
      bad[i] ^= 1 << (i % 8);
      let read: Uint8Array | undefined;
      try {
        read = verifyRead(root, key, bad);
      } catch (e) {
        expect(e).toBeInstanceOf(MalformedProofError);
        continue;
      }
      expect(read).not.toEqual(leaves[3].value);
    }
  });

  test("malformed encodings name what is wrong", () => {
    const key = word();
    expect(() => decodeProof(new Uint8Array(3), key)).toThrow(/expected at least 35 bytes/);
    const deep = new Uint8Array(35);
    deep[0] = 2; // depth 512
    expect(() => decodeProof(deep, key)).toThrow(/depth must be at most 256/);
    const stray = new Uint8Array(35);
    stray[3] = 0x80; // bitmap bit 0 set with depth 0
    expect(() => decodeProof(stray, key)).toThrow(/beyond depth/);
    expect(() => decodeProof(new Uint8Array(35), new Uint8Array(31))).toThrow(/expected 32 bytes, got 31/);
    const leaves = randomLeaves(5);
    const enc = encodeProof(referenceProof(leaves, leaves[0].key));
    expect(() => decodeProof(enc.subarray(0, enc.length - 1), leaves[0].key)).toThrow(/bytes for/);
    expect(computeRoot(leaves[0].key, decodeProof(enc, leaves[0].key))).toEqual(referenceHash(leaves));
  });
});
