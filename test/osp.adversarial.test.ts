/**
 * Adversarial tests of the one-step prover: sampled honest steps of every instruction family
 * (spec invocations, builder, random and host-calling programs, engine transactions) with their proofs mutated (bits
 * flipped in the header, the instruction, its code siblings and the witnesses; 32-byte words
 * dropped, swapped or replaced; revealed stack values changed; bytes cut off or appended; another
 * step's instruction or memory opening spliced in). A forged proof must never reproduce the honest
 * after-hash: on L1 (contracts/osp/ through OspReplayHarness.tryMany) each mutation either reverts
 * or returns another hash, and so does the TypeScript reference verifier.
 *
 * Sizes: OSP_MUTATIONS (default 12,000). Random but reproducible: OSP_SEED=<n>.
 */
import { randomInt } from "node:crypto";
import { network } from "hardhat";
import { type Address, bytesToHex, type Hex } from "viem";
import { describe, expect, onTestFailed, test } from "vitest";
import { deployOneStepProver } from "../prover/deployOneStepProver.ts";
import { InvalidProofError } from "../prover/proof/InvalidProofError.ts";
import { verifyStep } from "../prover/proof/verifyStep.ts";
import { type OspVector, randomProgramVectors, specVectors, stepProgramVectors } from "./ospCorpus.ts";
import { engineVectors } from "./ospEngine.ts";
import { hostProgramVectors, signedEcrecoverInput } from "./ospHostPrograms.ts";

const SEED = process.env.OSP_SEED ? Number(process.env.OSP_SEED) : randomInt(2 ** 31);
const MUTATIONS = Number(process.env.OSP_MUTATIONS ?? 12_000);
/** Sampled steps per label (instruction, host call, stopped, out of gas). */
const PER_LABEL = 30;
const BATCH = 250;

interface Harness {
  read: {
    tryMany(
      args: readonly [Address, readonly Hex[], readonly Hex[], readonly Hex[]],
    ): Promise<readonly [readonly boolean[], readonly Hex[]]>;
  };
}

const { viem } = await network.create();
const osp = await deployOneStepProver(viem);
const harness = (await viem.deployContract("OspReplayHarness")) as unknown as Harness;
const hex = (b: Uint8Array): Hex => bytesToHex(b);

function makeRng(seed: number) {
  let a = seed >>> 0 || 1;
  const u32 = (): number => {
    a ^= a << 13;
    a >>>= 0;
    a ^= a >>> 17;
    a ^= a << 5;
    a >>>= 0;
    return a;
  };
  return { int: (n: number) => u32() % n, u32 };
}
const rng = makeRng(SEED);

/** Offsets of the proof format (docs/machine.md, "One-step proof", "Layout"). */
const HEADER = 352;
const WITNESSES = 1088;

interface Mutation {
  kind: string;
  v: OspVector;
  proof: Uint8Array;
}

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(256);
  return out;
}

function flipBit(p: Uint8Array, from: number, to: number): Uint8Array {
  const m = p.slice();
  const at = from + rng.int(to - from);
  m[at] ^= 1 << rng.int(8);
  return m;
}

/** Mutation `k` of vector `v` (others: vectors of the same module, for splicing). */
function mutate(v: OspVector, others: OspVector[]): Mutation {
  const p = v.proof;
  const hasWitness = p.length > WITNESSES;
  const words = (from: number) => Math.floor((p.length - from) / 32);
  for (;;) {
    switch (rng.int(11)) {
      case 0:
        return { kind: "flip any bit", v, proof: flipBit(p, 0, p.length) };
      case 1:
        return { kind: "flip a header bit", v, proof: flipBit(p, 0, HEADER) };
      case 2:
        if (p.length < WITNESSES) break;
        return { kind: "flip an instruction or code-sibling bit", v, proof: flipBit(p, HEADER, WITNESSES) };
      case 3:
        if (!hasWitness) break;
        return { kind: "flip a witness bit", v, proof: flipBit(p, WITNESSES, p.length) };
      case 4: {
        // Drop a 32-byte word (a sibling, a leaf, a link) from the instruction or the witnesses.
        if (p.length < WITNESSES) break;
        const from = HEADER + 32 * rng.int(words(HEADER));
        const m = new Uint8Array(p.length - 32);
        m.set(p.subarray(0, from));
        m.set(p.subarray(from + 32), from);
        return { kind: "drop a word", v, proof: m };
      }
      case 5: {
        // Swap two different adjacent words past the header (siblings, leaves).
        if (p.length < WITNESSES) break;
        const at = HEADER + 32 * rng.int(words(HEADER) - 1);
        const m = p.slice();
        const a = p.slice(at, at + 32);
        const b = p.slice(at + 32, at + 64);
        if (hex(a) === hex(b)) break;
        m.set(b, at);
        m.set(a, at + 32);
        return { kind: "swap adjacent words", v, proof: m };
      }
      case 6: {
        // Replace a word past the header with random bytes (a wrong leaf, sibling or value).
        if (p.length < WITNESSES) break;
        const at = HEADER + rng.int(p.length - HEADER - 31);
        const m = p.slice();
        m.set(randomBytes(32), at);
        return { kind: "replace a word", v, proof: m };
      }
      case 7: {
        // Change a revealed stack value (the first value of the first opening, after its base link).
        if (p.length < WITNESSES + 40) break;
        const m = p.slice();
        m[WITNESSES + 32 + rng.int(8)] ^= 1 + rng.int(255);
        return { kind: "change a revealed value", v, proof: m };
      }
      case 8: {
        // Cut bytes off the end, or append some.
        if (rng.int(2) === 0) {
          const n = 1 + rng.int(Math.min(64, p.length));
          return { kind: "truncate", v, proof: p.slice(0, p.length - n) };
        }
        const m = new Uint8Array(p.length + (rng.int(2) === 0 ? 1 : 32));
        m.set(p);
        m.set(randomBytes(m.length - p.length), p.length);
        return { kind: "append bytes", v, proof: m };
      }
      case 9: {
        // Another step's instruction and code siblings (the wrong instruction for this pc).
        if (p.length < WITNESSES) break;
        const o = others[rng.int(others.length)];
        if (
          o.proof.length < WITNESSES ||
          hex(o.proof.subarray(HEADER, WITNESSES)) === hex(p.subarray(HEADER, WITNESSES))
        )
          break;
        const m = p.slice();
        m.set(o.proof.subarray(HEADER, WITNESSES), HEADER);
        return { kind: "wrong instruction", v, proof: m };
      }
      case 10: {
        // Another step's witnesses (a wrong leaf, frame or stack opening) in place of this one's.
        if (!hasWitness) break;
        const o = others[rng.int(others.length)];
        if (o.proof.length <= WITNESSES) break;
        const w = o.proof.subarray(WITNESSES);
        if (hex(w) === hex(p.subarray(WITNESSES))) break;
        const m = new Uint8Array(WITNESSES + w.length);
        m.set(p.subarray(0, WITNESSES));
        m.set(w, WITNESSES);
        return { kind: "wrong witnesses", v, proof: m };
      }
    }
  }
}

/** Sampled honest steps, at most PER_LABEL per label, from every corpus. */
async function sample(): Promise<OspVector[]> {
  const perLabel = new Map<string, number>();
  const out: OspVector[] = [];
  const take = (v: OspVector, p: number) => {
    const n = perLabel.get(v.label) ?? 0;
    if (n >= PER_LABEL || rng.int(1000) >= p * 1000) return;
    perLabel.set(v.label, n + 1);
    out.push(v);
  };
  const ecrecoverInput = await signedEcrecoverInput();
  for (const v of hostProgramVectors(ecrecoverInput)) take(v, 0.5);
  for (const v of engineVectors(2_000)) take(v, 0.2);
  for (const v of stepProgramVectors(2_000)) take(v, 0.3);
  let n = 0;
  for (const v of specVectors(500)) {
    take(v, 0.05);
    if (++n > 40_000) break;
  }
  n = 0;
  for (const v of randomProgramVectors(7, 100, 500)) {
    take(v, 0.1);
    if (++n > 20_000) break;
  }
  return out;
}

describe("one-step prover: mutated proofs", () => {
  test(`${MUTATIONS} mutations never give the honest after-hash`, { timeout: 20 * 60_000 }, async () => {
    onTestFailed(() => console.error(`osp.adversarial: reproduce with OSP_SEED=${SEED}`));
    const steps = await sample();
    expect(steps.length).toBeGreaterThan(300);
    const byRoot = new Map<string, OspVector[]>();
    for (const v of steps) {
      const k = hex(v.codeRoot);
      byRoot.set(k, [...(byRoot.get(k) ?? []), v]);
    }
    const mutations: Mutation[] = [];
    while (mutations.length < MUTATIONS) {
      const v = steps[rng.int(steps.length)];
      mutations.push(mutate(v, byRoot.get(hex(v.codeRoot)) ?? [v]));
    }
    const kinds = new Map<string, { tried: number; reverted: number }>();
    for (let i = 0; i < mutations.length; i += BATCH) {
      const batch = mutations.slice(i, i + BATCH);
      const [reverted, afters] = await harness.read.tryMany([
        osp.entry,
        batch.map((m) => hex(m.v.codeRoot)),
        batch.map((m) => hex(m.v.before)),
        batch.map((m) => hex(m.proof)),
      ]);
      for (const [k, m] of batch.entries()) {
        const honest = hex(m.v.after);
        const tally = kinds.get(m.kind) ?? { tried: 0, reverted: 0 };
        tally.tried++;
        if (reverted[k]) tally.reverted++;
        kinds.set(m.kind, tally);
        if (!reverted[k] && afters[k] === honest) {
          expect.fail(`L1 accepted a mutated proof (${m.kind}) of ${m.v.label} with the honest after-hash`);
        }
        // The reference verifier must not accept it with the honest hash either.
        let ts: Hex | undefined;
        try {
          ts = hex(verifyStep(m.v.before, m.proof));
        } catch (e) {
          if (!(e instanceof InvalidProofError)) throw e;
        }
        if (ts === honest) expect.fail(`verifyStep accepted a mutated proof (${m.kind}) of ${m.v.label}`);
        // Both sides reject the same mutations: a proof is valid or not, whoever checks it.
        expect(ts === undefined, `${m.kind} of ${m.v.label}: L1 reverted=${reverted[k]}`).toBe(reverted[k]);
        if (ts !== undefined) expect(afters[k]).toBe(ts);
      }
    }
    const rows = [...kinds.entries()].map(
      ([k, t]) => `  ${k.padEnd(40)} ${t.tried} tried, ${t.reverted} reverted`,
    );
    console.log(
      `osp adversarial: ${mutations.length} mutations of ${steps.length} steps\n${rows.join("\n")}`,
    );
  });
});
