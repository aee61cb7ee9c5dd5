/**
 * Differential replay of the one-step prover: every step of host-calling programs, real engine
 * transactions (test/ospEngine.ts), the builder programs, the spec-test invocations and generated
 * random programs is proven by the
 * TypeScript generator (prover/proof/stepProof.ts) and executed on L1 (contracts/osp/ on Hardhat's
 * in-process chain); the Solidity after-hash must equal the interpreter's after every step, and
 * the TypeScript reference verifier (prover/proof/verifyStep.ts) must agree too. Steps are checked a
 * few hundred per eth_call through OspReplayHarness, which stops at the first disagreement.
 * Prints a coverage table (instruction -> steps checked).
 *
 * Sizes: OSP_STEPS (default 100,000) distinct steps at most; OSP_MAX_STEPS_PER_CALL (default 2,000)
 * caps one invocation. Needs the contracts built.
 */
import { network } from "hardhat";
import { type Address, bytesToHex, type Hex } from "viem";
import { describe, expect, test } from "vitest";
import { deployOneStepProver } from "../prover/deployOneStepProver.ts";
import { verifyStep } from "../prover/proof/verifyStep.ts";
import {
  HOST_NAMES,
  type OspVector,
  opName,
  randomProgramVectors,
  specVectors,
  stepProgramVectors,
} from "./ospCorpus.ts";
import { engineVectors } from "./ospEngine.ts";
import { hostProgramVectors, signedEcrecoverInput } from "./ospHostPrograms.ts";

const TARGET = Number(process.env.OSP_STEPS ?? 100_000);
const MAX_PER_CALL = Number(process.env.OSP_MAX_STEPS_PER_CALL ?? 2_000);
/** Steps of each real engine transaction (test/ospEngine.ts) replayed, from its first. */
const ENGINE_STEPS_PER_TX = Number(process.env.OSP_ENGINE_STEPS_PER_TX ?? 6_000);
/** Steps and proof bytes per eth_call. */
const BATCH_STEPS = 300;
const BATCH_BYTES = 400_000;

interface Replay {
  read: {
    replay(
      args: readonly [Address, readonly Hex[], readonly Hex[], readonly Hex[], readonly Hex[]],
    ): Promise<readonly [bigint, Hex, Hex]>;
  };
}

const { viem } = await network.create();
const osp = await deployOneStepProver(viem);
const harness = (await viem.deployContract("OspReplayHarness")) as unknown as Replay;

const hex = (b: Uint8Array): Hex => bytesToHex(b);

/** Checks batches of vectors on L1; throws with the first disagreement. */
class Checker {
  private batch: OspVector[] = [];
  private bytes = 0;
  readonly seen = new Set<string>();
  readonly coverage = new Map<string, number>();
  /** Largest proof per label, in bytes. */
  readonly maxBytes = new Map<string, number>();
  checked = 0;
  /** Milliseconds spent waiting for L1 (the rest of the test's time is the TypeScript side). */
  l1Ms = 0;

  async add(v: OspVector): Promise<void> {
    // A machine state has one next step (and one proof of it): the hash before names the step.
    const key = hex(v.before);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    // The TypeScript reference verifier first: it must agree with the interpreter.
    const ref = hex(verifyStep(v.before, v.proof));
    if (ref !== hex(v.after)) throw new Error(`verifyStep disagrees with the interpreter on ${v.label}`);
    this.coverage.set(v.label, (this.coverage.get(v.label) ?? 0) + 1);
    this.maxBytes.set(v.label, Math.max(this.maxBytes.get(v.label) ?? 0, v.proof.length));
    this.batch.push(v);
    this.bytes += v.proof.length;
    if (this.batch.length >= BATCH_STEPS || this.bytes >= BATCH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    const b = this.batch;
    if (b.length === 0) return;
    this.batch = [];
    this.bytes = 0;
    const t0 = performance.now();
    const [mismatch, got, revertData] = await harness.read.replay([
      osp.entry,
      b.map((v) => hex(v.codeRoot)),
      b.map((v) => hex(v.before)),
      b.map((v) => hex(v.proof)),
      b.map((v) => hex(v.after)),
    ]);
    this.l1Ms += performance.now() - t0;
    if (mismatch !== BigInt(b.length)) {
      const v = b[Number(mismatch)];
      throw new Error(
        `L1 disagrees on ${v.label} (op 0x${v.op.toString(16)}): got ${got}, revert ${revertData}, ` +
          `expected ${hex(v.after)}\nbefore ${hex(v.before)}\nproof ${hex(v.proof)}`,
      );
    }
    this.checked += b.length;
  }

  full(): boolean {
    return this.seen.size >= TARGET;
  }
}

function printCoverage(c: Map<string, number>, maxBytes: Map<string, number>, total: number): void {
  const rows = [...c.entries()].sort((a, b) => b[1] - a[1]);
  const lines = rows.map(
    ([k, n]) => `  ${k.padEnd(32)} ${String(n).padStart(8)} steps, largest proof ${maxBytes.get(k)} bytes`,
  );
  console.log(`osp differential: ${total} distinct steps, per instruction:\n${lines.join("\n")}`);
}

/** Every flat instruction of the profile (names as the coverage table prints them). */
function profileInstructions(): string[] {
  const ops = [
    0x00,
    0x01,
    0x04,
    0x0c,
    0x0d,
    0x0e,
    0x0f,
    0x10,
    0x11,
    0x1a,
    0x1b,
    0x20,
    0x21,
    0x22,
    0x23,
    0x24,
    0x28,
    0x29,
    ...Array.from({ length: 10 }, (_, i) => 0x2c + i),
    0x36,
    0x37,
    0x3a,
    0x3b,
    0x3c,
    0x3d,
    0x3e,
    0x3f,
    0x40,
    0x41,
    0x42,
    ...Array.from({ length: 0x8a - 0x45 + 1 }, (_, i) => 0x45 + i),
    0xa7,
    0xac,
    0xad,
    0xc0,
    0xc1,
    0xc2,
    0xc3,
    0xc4,
  ].filter((op) => op < 0x5b || op > 0x66);
  return [...ops.map(opName), ...HOST_NAMES.map((h) => `call_host:${h}`)];
}

describe("one-step prover: differential replay against the interpreter", () => {
  test(`up to ${TARGET} distinct steps agree on L1, in TypeScript and in the interpreter`, {
    timeout: 30 * 60_000,
  }, async () => {
    const c = new Checker();
    const ecrecoverInput = await signedEcrecoverInput();
    const sources = [
      () => hostProgramVectors(ecrecoverInput),
      () => engineVectors(ENGINE_STEPS_PER_TX),
      () => stepProgramVectors(MAX_PER_CALL),
      () => specVectors(MAX_PER_CALL),
      () => randomProgramVectors(1, 2_000, MAX_PER_CALL),
    ];
    for (const source of sources) {
      for (const v of source()) {
        await c.add(v);
        if (c.full()) break;
      }
      if (c.full()) break;
    }
    await c.flush();
    printCoverage(c.coverage, c.maxBytes, c.checked);
    // Only proofs that carry the transaction input or keccak's source may pass 3 KB (the bound).
    for (const [label, bytes] of c.maxBytes) {
      if (/input_(read|size)|keccak/.test(label)) continue;
      expect(bytes, `largest ${label} proof`).toBeLessThanOrEqual(3_072);
    }
    console.log(`osp differential: ${Math.round(c.l1Ms / 1000)} s waiting for L1`);
    expect(c.checked).toBe(c.seen.size);
    // The full run (the default size) must reach every instruction and the 100,000 steps.
    if (TARGET >= 100_000) {
      const missing = profileInstructions().filter((name) => !c.coverage.has(name));
      expect(missing, `instructions never checked: ${missing.join(", ")}`).toEqual([]);
      expect(c.checked).toBeGreaterThanOrEqual(100_000);
    }
  });
});
