// A dispute over a real transaction with the real one-step prover (contracts/osp/): the engine's initial machine
// parts from vm/initialMachineParts.ts, a host-calling program (vm/testing/hostScenarios.ts "readWrite": reads,
// writes, keccak) posted to the inbox and run on the provable path, and a dishonest proposer whose trace departs
// from the real one after step `divergeStep`. Shared by the integration test and the contracts benchmark.
import {
  assertionHash,
  DEVNET_PARAMS,
  encodeProof,
  type MachineOpening,
  machineHashOf,
  Origin,
  type RollupParams,
} from "../../protocol/index.ts";
import { type Leaf, referenceHash, referenceProof } from "../../protocol/smt/reference.ts";
import { type ContractDeployer, deployOneStepProver } from "../../prover/deployOneStepProver.ts";
import { nextStepProof, type StepVector, stepsToEnd } from "../../prover/index.ts";
import {
  initialMachineParts,
  loadModule,
  ProvableState,
  ProvableTransaction,
  params as vmParams,
} from "../../vm/index.ts";
import { hostScenarios, PRE_KEYS, PRE_VALUES } from "../../vm/testing/hostScenarios.ts";
import { assertionArg, bytes, type Chain, deployRollup, headerArg, hex, stateWith, word } from "./fixture.ts";
import type { DisputeSetup, Party } from "./game.ts";

export interface RealDispute {
  setup: DisputeSetup;
  params: RollupParams;
  /** Every step of the transaction (vectors[s]: before hash, proof, after hash of step s). */
  vectors: StepVector[];
  /** Steps until the machine stopped. */
  steps: number;
  /** The initial machine hash the interpreter computed. */
  m0: Uint8Array;
  preRoot: Uint8Array;
  postRoot: Uint8Array;
  inputHash: Uint8Array;
  batchContext: Uint8Array;
}

/** Deploys the rollup on the real prover, posts and runs the transaction, and posts the dishonest assertion. */
export async function setupRealDispute(
  chain: Chain,
  opts: { divergeStep?: (steps: number, vectors: StepVector[]) => number; degree?: number } = {},
): Promise<RealDispute> {
  const { accounts } = chain;
  const osp = await deployOneStepProver(chain.viem as unknown as ContractDeployer);
  const scenario = hostScenarios(new Uint8Array(128)).find((s) => s.name === "readWrite");
  if (!scenario) throw new Error("vm/testing/hostScenarios.ts has no readWrite scenario");
  const flat = loadModule(scenario.bytes);
  const machine = initialMachineParts(flat);
  const pre: Leaf[] = PRE_KEYS.map((key, i) => ({ key, value: PRE_VALUES[i] }));
  const preRoot = referenceHash(pre);
  const params = {
    ...DEVNET_PARAMS,
    txGasLimit: vmParams.TX_GAS_LIMIT,
    degree: opts.degree ?? DEVNET_PARAMS.degree,
  };
  const r = await deployRollup(chain, { params, genesisRoot: preRoot, machine, prover: osp.entry });

  const { number, header } = await r.postBatch([scenario.input]);
  const tx = ProvableTransaction.start(flat, {
    input: scenario.input,
    batchContext: {
      timestamp: BigInt(header.timestamp),
      l2Block: BigInt(number),
      origin: BigInt(Origin.SEQUENCER),
    },
    state: ProvableState.fromSource({ root: preRoot, prove: (k) => referenceProof(pre, k) }),
    gasLimit: vmParams.TX_GAS_LIMIT,
  });
  const m0 = tx.interpreter.hash().slice();
  const view = tx.interpreter.proofView().globalState;
  const inputHash = view.inputHash.slice();
  const batchContext = view.batchContext.slice();
  const witnesses = { input: scenario.input, proveState: (k: Uint8Array) => encodeProof(tx.state.prove(k)) };
  const vectors = [...stepsToEnd(tx.interpreter, { witnesses })];
  const steps = vectors.findIndex((v) => v.op === -1);
  // The stopped machine's proof is exactly its opening: status word, six parts, global-state preimage.
  const w = nextStepProof(tx.interpreter);
  const at = (i: number) => w.slice(32 * i, 32 * i + 32);
  const opening: MachineOpening = {
    statusWord: at(0),
    valueStackHash: at(1),
    frameStackHash: at(2),
    globalsRoot: at(3),
    memoryRoot: at(4),
    codeRoot: at(5),
    tableRoot: at(6),
    stateRoot: at(7),
    inputHash: at(8),
    batchContext: at(9),
    gasWord: at(10),
  };
  const final = vectors[steps].before;
  if (hex(machineHashOf(opening)) !== hex(final))
    throw new Error("the stopped machine's opening is not its hash");
  const postRoot = opening.statusWord[0] === 1 ? opening.stateRoot : preRoot;

  const bad = stateWith(new Uint8Array(32), "bad");
  const badEnd = { ...opening, stateRoot: bad.root };
  const j = opts.divergeStep ? opts.divergeStep(steps, vectors) : Math.floor(steps / 2);
  const honestMachine = (s: number) => (s < steps ? vectors[s].before : final);
  const honest: Party = {
    address: accounts.challenger,
    root: (p) => (p === 0 ? preRoot : postRoot),
    machine: honestMachine,
    end: opening,
  };
  const dishonest: Party = {
    address: accounts.proposer,
    root: (p) => (p === 0 ? preRoot : bad.root),
    machine: (s) => (s <= j ? honestMachine(s) : s >= steps ? machineHashOf(badEnd) : word(`bad step ${s}`)),
    end: badEnd,
  };
  const data = {
    parent: bytes(await r.rollup.read.genesis()),
    stateRoot: bad.root,
    outboxRoot: new Uint8Array(32),
    batchEnd: 1,
    txEnd: 1,
    delayedEnd: 0,
  };
  await r.send(
    r.rollup,
    "createAssertion",
    [assertionArg(data), headerArg(header), bad.outboxProof],
    accounts.proposer,
    params.assertionBond,
  );
  const setup: DisputeSetup = {
    r,
    honest,
    dishonest,
    defender: dishonest,
    challenger: honest,
    assertion: hex(assertionHash(data, accounts.proposer)),
    withdrawalProof: bad.withdrawalProof,
    txs: [
      {
        bytes: scenario.input,
        batchNumber: number,
        header,
        origin: Origin.SEQUENCER,
        seqIndex: 0,
        batchTxs: [scenario.input],
      },
    ],
    disputedTx: 0,
    stepProof: (s) => vectors[s].proof,
  };
  return { setup, params, vectors, steps, m0, preRoot, postRoot, inputHash, batchContext };
}
