import { encodeProof } from "../protocol/index.ts";
import { type Leaf, referenceHash, referenceProof } from "../protocol/smt/reference.ts";
import { stepsToEnd } from "../prover/proof/stepVectors.ts";
import type { BatchContext } from "../vm/host/BatchContext.ts";
import { codeRoot, type FlatModule, loadModule } from "../vm/index.ts";
import { ProvableTransaction } from "../vm/ProvableTransaction.ts";
import { TX_GAS_LIMIT } from "../vm/params.ts";
import { ProvableState } from "../vm/state/ProvableState.ts";
import {
  HOST_CONTEXT as CONTEXT,
  PRE_LEAVES as PRE,
  signedEcrecoverInput,
} from "../vm/testing/hostFixtures.ts";
import { H, hostProgram } from "../vm/testing/hostProgram.ts";
import { hostScenarios } from "../vm/testing/hostScenarios.ts";
import { buildModule, i32, i64 } from "../vm/testing/wasmBuilder.ts";
import { type OspVector, stepLabel } from "./ospCorpus.ts";

export { signedEcrecoverInput };

/** input_size, context(2) and input_read(64, 3) through the table, then an empty slot (a trap). */
const throughTheTable = buildModule({
  types: [
    { params: [], results: [i32] },
    { params: [i32], results: [i64] },
    { params: [i32, i32], results: [] },
  ],
  imports: [
    { module: "optio", name: "input_size", type: 0 },
    { module: "optio", name: "context", type: 1 },
    { module: "optio", name: "input_read", type: 2 },
  ],
  table: { min: 4 },
  elems: [{ offset: 0, funcs: [0, 1, 2] }],
  memory: { min: 1 },
  funcs: [
    {
      type: 0,
      export: "main",
      body: [
        ...[0x41, 0, 0x11, 0, 0], // input_size via slot 0
        ...[0x41, 2, 0x41, 1, 0x11, 1, 0, 0xa7, 0x6a], // + context(2) via slot 1
        ...[0x41, 0xc0, 0x00, 0x41, 3, 0x41, 2, 0x11, 2, 0], // input_read(64, 3) via slot 2
        ...[0x41, 3, 0x11, 0, 0, 0x1a], // slot 3 is empty: uninitialized element trap
      ],
    },
  ],
});

/** Every step of one transaction at `gasLimit` on the pre-state `pre`, in batch context `context`. */
export function* transactionVectors(
  flat: FlatModule,
  input: Uint8Array,
  gasLimit: number,
  pre: Leaf[] = PRE,
  preRoot: Uint8Array = referenceHash(pre),
  context: BatchContext = CONTEXT,
): Generator<OspVector> {
  const tx = ProvableTransaction.start(flat, {
    input,
    batchContext: context,
    state: ProvableState.fromSource({ root: preRoot, prove: (k) => referenceProof(pre, k) }),
    gasLimit,
  });
  const witnesses = { input, proveState: (k: Uint8Array) => encodeProof(tx.state.prove(k)) };
  const root = codeRoot(flat);
  for (const v of stepsToEnd(tx.interpreter, { witnesses })) {
    yield { ...v, codeRoot: root, label: stepLabel(v) };
  }
}

/** The host programs' steps: each scenario at the full gas and at limits that stop it early. */
export function* hostProgramVectors(ecrecoverInput: Uint8Array): Generator<OspVector> {
  const invalid = ecrecoverInput.slice();
  invalid[63] = 29;
  const scenarios = [
    ...hostScenarios(ecrecoverInput),
    { ...hostScenarios(invalid).find((s) => s.name === "ecrecover")!, name: "ecrecoverInvalid" },
    { name: "throughTheTable", bytes: throughTheTable, input: new Uint8Array(40).fill(9) },
  ];
  for (const s of scenarios) {
    const flat = loadModule(s.bytes);
    let steps = 0;
    for (const v of transactionVectors(flat, s.input, TX_GAS_LIMIT)) {
      steps++;
      yield v;
    }
    // Limits that stop the run inside blocks and at host calls' own costs.
    for (const gas of [0, 50, 101, 150, 300, 1_100, 3_200, 7 * steps])
      yield* transactionVectors(flat, s.input, gas);
  }
}

/**
 * State reads and writes on a tree shaped like a real one: `leaves` random keys (as the engine's
 * hashed keys are), so paths are about log2(leaves) deep, unlike the scenarios' hand-picked keys that
 * share long prefixes. Reads a present key, inserts a new one, deletes one, updates one.
 */
export function* realisticStateVectors(leaves: number, seed: number): Generator<OspVector> {
  let x = BigInt(seed) | 1n;
  const word = (): Uint8Array => {
    const w = new Uint8Array(32);
    for (let i = 0; i < 32; i += 8) {
      x ^= x << 13n;
      x &= 0xffffffffffffffffn;
      x ^= x >> 7n;
      x ^= x << 17n;
      x &= 0xffffffffffffffffn;
      new DataView(w.buffer).setBigUint64(i, x);
    }
    return w;
  };
  const pre: Leaf[] = Array.from({ length: leaves }, () => ({ key: word(), value: word() }));
  const root = referenceHash(pre);
  const [k1, k3, k4] = [pre[1].key, pre[2].key, pre[3].key];
  const data = [
    { offset: 0, bytes: [...k1] }, // state_read(0): k1, value to 32
    { offset: 64, bytes: [...word(), ...word()] }, // state_write(64): a new key
    { offset: 128, bytes: [...k3] }, // state_write(128): k3 := 0, a delete
    { offset: 192, bytes: [...k4, ...word()] }, // state_write(192): k4 updated
  ];
  const at = (ptr: number, f: number) => [
    0x41,
    ...(ptr < 64 ? [ptr] : [(ptr & 0x7f) | 0x80, ptr >> 7]),
    0x10,
    f,
  ];
  const body = [
    ...at(0, H.state_read),
    ...at(64, H.state_write),
    ...at(128, H.state_write),
    ...at(192, H.state_write),
    ...at(0, H.state_read),
    0x41,
    0,
  ];
  const flat = loadModule(hostProgram(body, { datas: data }));
  yield* transactionVectors(flat, new Uint8Array(0), TX_GAS_LIMIT, pre, root);
}
