/**
 * The one-step prover's cost on L1 (`npm run bench -- osp`): for each instruction family, the
 * most execution gas one proveOneStep call took over the measured steps, with the largest proof
 * and the number of steps measured. Steps come from the test corpus (test/ospCorpus.ts: spec
 * invocations, builder programs, random programs; test/ospHostPrograms.ts: host calls;
 * test/ospEngine.ts: engine transactions). Each
 * family's candidates are its largest proofs plus a spread of the rest; each is measured in its
 * own eth_call, so cold account accesses are included, as in a real dispute's final transaction.
 * Real engine transactions (test/ospEngine.ts) are part of the corpus: their frames are the deepest.
 *
 * `host_other` (beyond the issue's eleven families) is context and revert. A host function reached
 * through call_indirect counts in its host's family.
 *
 * Baselines are the anchors of ../shared/ANCHORS.md (not run here): Cannon's MIPS32 `add`
 * (18,836 gas, 1,316-byte proof) for arithmetic, control and locals; `lw` (24,976) for loads
 * and `sw` (30,218) for stores.
 *
 * state_read and state_write are measured on a tree of `--state-leaves` random keys (default 65,536:
 * paths about 17 deep; a 1M-leaf tree adds about 4 levels, ~100 gas per level for each of the
 * proof's two folds). The host scenarios' hand-picked keys share prefixes up to 250 bits, which hashed
 * engine keys never do: their state steps are reported apart as `state_read.crafted_keys` and
 * `state_write.crafted_keys` (a write splitting at bit p folds p levels).
 *
 * Args: `--steps N` corpus steps to scan (default 60,000), `--per-family N` steps measured per
 * family (default 40).
 */
import { network } from "hardhat";
import { type Address, bytesToHex, type Hex } from "viem";
import { deployOneStepProver } from "../prover/deployOneStepProver.ts";
import { type OspVector, randomProgramVectors, specVectors, stepProgramVectors } from "../test/ospCorpus.ts";
import { engineVectors } from "../test/ospEngine.ts";
import { hostProgramVectors, realisticStateVectors, signedEcrecoverInput } from "../test/ospHostPrograms.ts";
import { emit, note } from "./report.ts";

const FAMILIES = [
  "arithmetic",
  "control",
  "locals",
  "memory_load",
  "memory_store",
  "memory_grow",
  "state_read",
  "state_write",
  "input_read",
  "ecrecover",
  "keccak",
  "host_other",
  "state_read.crafted_keys",
  "state_write.crafted_keys",
] as const;
type Family = (typeof FAMILIES)[number];

const ANCHORS: Partial<Record<Family, { baseline: string; baselineValue: number }>> = {
  arithmetic: { baseline: "Cannon MIPS32 add (ANCHORS.md)", baselineValue: 18_836 },
  control: { baseline: "Cannon MIPS32 add (ANCHORS.md)", baselineValue: 18_836 },
  locals: { baseline: "Cannon MIPS32 add (ANCHORS.md)", baselineValue: 18_836 },
  memory_load: { baseline: "Cannon MIPS32 lw (ANCHORS.md)", baselineValue: 24_976 },
  memory_store: { baseline: "Cannon MIPS32 sw (ANCHORS.md)", baselineValue: 30_218 },
};

/** The family a step belongs to, from its label (test/ospCorpus.ts), or undefined (stopped, out of gas, ...). */
function familyOf(label: string): Family | undefined {
  const hostCall = /^call_(host|indirect:host):(.*)$/.exec(label);
  if (hostCall !== null) {
    const host = hostCall[2];
    if (host === "state_read" || host === "state_write" || host === "ecrecover" || host === "keccak")
      return host;
    if (host === "input_read" || host === "input_size") return "input_read";
    return "host_other"; // context and revert
  }
  if (/^i(32|64)\.(load|store)/.test(label)) return label.includes(".load") ? "memory_load" : "memory_store";
  if (label === "memory.grow" || label === "memory.size") return "memory_grow";
  if (/^(local|global)\./.test(label)) return "locals";
  if (/^i(32|64)\./.test(label) || label === "drop" || label === "select") return "arithmetic";
  if (label === "stopped" || label === "out of gas") return undefined;
  return "control";
}

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

interface Harness {
  read: {
    measure(args: readonly [Address, Hex, Hex, Hex]): Promise<readonly [Hex, bigint]>;
  };
}

export async function main(args: string[]): Promise<void> {
  const scan = arg(args, "--steps", 60_000);
  const stateLeaves = arg(args, "--state-leaves", 65_536);
  const perFamily = arg(args, "--per-family", 40);
  const { viem } = await network.create();
  const osp = await deployOneStepProver(viem);
  const h = (await viem.deployContract("OspReplayHarness")) as unknown as Harness;

  note(`scanning up to ${scan} corpus steps`);
  const byFamily = new Map<Family, OspVector[]>();
  let seen = 0;
  const ecrecoverInput = await signedEcrecoverInput();
  note(`a state tree of ${stateLeaves} random keys`);
  const realistic = [...realisticStateVectors(stateLeaves, 7)];
  const sources = [
    () => realistic,
    () => hostProgramVectors(ecrecoverInput),
    () => engineVectors(20_000),
    () => stepProgramVectors(2_000),
    () => specVectors(2_000),
    () => randomProgramVectors(1, 400, 2_000),
  ];
  outer: for (const [k, source] of sources.entries()) {
    for (const v of source()) {
      let f = familyOf(v.label);
      // State steps of the hand-picked scenarios (keys sharing up to 250-bit prefixes) are reported apart.
      if (k === 1 && (f === "state_read" || f === "state_write")) f = `${f}.crafted_keys`;
      if (f !== undefined) {
        const list = byFamily.get(f) ?? [];
        list.push(v);
        byFamily.set(f, list);
      }
      if (++seen >= scan) break outer;
    }
  }

  for (const f of FAMILIES) {
    const all = byFamily.get(f) ?? [];
    if (all.length === 0) {
      note(`${f}: no steps in the corpus`);
      continue;
    }
    // The largest proofs (the costliest openings) and an even spread over the rest.
    // Crafted-key state steps cost by their split depth, not their size: measure (nearly) all of them.
    const budget = f.endsWith(".crafted_keys") ? 10 * perFamily : perFamily;
    const bySize = [...all].sort((a, b) => b.proof.length - a.proof.length);
    const picked = new Set<OspVector>(bySize.slice(0, budget >> 1));
    const stride = Math.max(1, Math.floor(all.length / (budget - picked.size)));
    for (let i = 0; i < all.length && picked.size < budget; i += stride) picked.add(all[i]);
    let maxGas = 0;
    let maxBytes = 0;
    let worst = "";
    for (const v of picked) {
      const [after, gas] = await h.read.measure([
        osp.entry,
        bytesToHex(v.codeRoot),
        bytesToHex(v.before),
        bytesToHex(v.proof),
      ]);
      if (after !== bytesToHex(v.after))
        throw new Error(`osp bench: ${v.label} disagrees with the interpreter`);
      if (Number(gas) > maxGas) {
        maxGas = Number(gas);
        worst = v.label;
      }
      maxBytes = Math.max(maxBytes, v.proof.length);
    }
    emit({
      name: `osp.gas.${f}`,
      value: maxGas,
      unit: "gas",
      proofBytes: maxBytes,
      steps: picked.size,
      worst,
      ...(ANCHORS[f] ?? {}),
    });
  }
}
