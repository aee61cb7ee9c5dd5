/**
 * Issue 12's problem 7: non-canonical machine-state encodings. Old prover (L1 and its TypeScript twin): a header
 * whose gas word had a byte set above its u64, or a running machine's status word with a trap code, opened its
 * (different) machine hash and stepped, because the gas was read as the word's last 8 bytes and the trap byte of a
 * running machine was read but never checked; a stopped machine's header was not decoded at all. Two hashes for
 * one state is not exploitable today (the honest party never agrees to a hash it did not compute), but each
 * state must have one hash: both provers now refuse such headers, running or stopped.
 */
import { network } from "hardhat";
import { bytesToHex, type Hex, keccak256 } from "viem";
import { expect, test } from "vitest";
import { deployOneStepProver } from "../prover/deployOneStepProver.ts";
import { InvalidProofError } from "../prover/proof/InvalidProofError.ts";
import { type LabelledStepVector, sampleStepVectors } from "../prover/proof/sampleStepVectors.ts";
import { verifyStep } from "../prover/proof/verifyStep.ts";

const { viem } = await network.create();
const deployment = await deployOneStepProver(viem);
const osp = (await viem.getContractAt("OneStepProver", deployment.entry)) as unknown as {
  read: { proveOneStep(args: readonly [{ codeRoot: Hex }, Hex, Hex]): Promise<Hex> };
};
const hex = (b: Uint8Array): Hex => bytesToHex(b);
const vectors = sampleStepVectors({ programs: 10, perKind: 1 });

/** The machine hash a header opens: keccak(0x10 || bytes 0..223 || keccak(0x17 || bytes 224..351)). */
function headerHash(proof: Uint8Array): Uint8Array {
  const global = keccak256(Uint8Array.of(0x17, ...proof.subarray(224, 352)), "bytes");
  return keccak256(Uint8Array.of(0x10, ...proof.subarray(0, 224), ...global), "bytes");
}

const codeRoot = (proof: Uint8Array): Hex => hex(proof.subarray(160, 192));

async function bothRefuse(v: LabelledStepVector, edit: (p: Uint8Array) => void, error: RegExp) {
  const proof = v.proof.slice();
  edit(proof);
  const before = headerHash(proof);
  expect(() => verifyStep(before, proof)).toThrow(InvalidProofError);
  await expect(
    osp.read.proveOneStep([{ codeRoot: codeRoot(v.proof) }, hex(before), hex(proof)]),
  ).rejects.toThrow(error);
}

const running = vectors.find((v) => v.op >= 0 && v.outcome === "running") as LabelledStepVector;
const stopped = vectors.filter((v) => v.op === -1);

test("test_proveOneStep_canonicalHeaders_stillStep_succeeds", async () => {
  // The unmutated vectors: both provers step them to the honest hash.
  for (const v of [running, ...stopped]) {
    expect(verifyStep(v.before, v.proof)).toEqual(v.after);
    expect(await osp.read.proveOneStep([{ codeRoot: codeRoot(v.proof) }, hex(v.before), hex(v.proof)])).toBe(
      hex(v.after),
    );
  }
});

test("test_proveOneStep_gasWordAboveU64_reverts", async () => {
  for (const v of [running, ...stopped])
    for (const at of [320, 335, 343]) {
      await bothRefuse(
        v,
        (p) => {
          p[at] = 1;
        },
        /MalformedGasWord/,
      );
    }
});

test("test_proveOneStep_reservedStatusWordBytes_reverts", async () => {
  // A running machine with a trap code, a status above out-of-gas, bytes 30-31 set.
  await bothRefuse(
    running,
    (p) => {
      p[1] = 3;
    },
    /MalformedStatusWord/,
  );
  await bothRefuse(
    running,
    (p) => {
      p[31] = 1;
    },
    /MalformedStatusWord/,
  );
  await bothRefuse(
    running,
    (p) => {
      p[0] = 4;
    },
    /MalformedStatusWord/,
  );
  // A stopped machine's header used to be hashed only, never decoded: a trapped machine with a register set, a
  // halted one with a trap code.
  expect(stopped.some((v) => v.proof[0] === 1)).toBe(true);
  expect(stopped.some((v) => v.proof[0] >= 2)).toBe(true);
  for (const v of stopped) {
    await bothRefuse(
      v,
      (p) => {
        if (p[0] >= 2) p[10] = 1;
        else p[1] = 3;
      },
      /MalformedStatusWord/,
    );
  }
});
