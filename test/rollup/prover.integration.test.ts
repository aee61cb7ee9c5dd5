// The challenge manager with the real one-step prover (contracts/osp/) and a real transaction: the engine's
// initial machine parts from vm/initialMachineParts.ts, a host-calling program (reads, writes, keccak) posted to
// the inbox and run on the provable path; the initial machine hash L1 computes must be the interpreter's, and
// a dishonest proposer whose trace departs from the real one loses to the honest challenger's one-step proof.
import { expect, test } from "vitest";
import {
  assertionHash,
  DEVNET_PARAMS,
  encodeProof,
  type MachineOpening,
  machineHashOf,
  Origin,
  transactionHash,
} from "../../protocol/index.ts";
import { type Leaf, referenceHash, referenceProof } from "../../protocol/smt/reference.ts";
import { type ContractDeployer, deployOneStepProver } from "../../prover/deployOneStepProver.ts";
import {
  initialMachineParts,
  loadModule,
  nextStepProof,
  ProvableState,
  ProvableTransaction,
  stepsToEnd,
  params as vmParams,
} from "../../vm/index.ts";
import { hostScenarios, PRE_KEYS, PRE_VALUES } from "../../vm/testing/hostScenarios.ts";
import {
  assertionArg,
  bytes,
  createChain,
  deployRollup,
  headerArg,
  hex,
  stateWith,
  word,
} from "./fixture.ts";
import { type DisputeSetup, type Party, playDispute } from "./game.ts";

test("challenge_realProverAndTransaction_honestChallengerWins", async () => {
  const chain = await createChain();
  const { accounts } = chain;
  const osp = await deployOneStepProver(chain.viem as unknown as ContractDeployer);
  const scenario = hostScenarios(new Uint8Array(128)).find((s) => s.name === "readWrite");
  if (!scenario) throw new Error("vm/testing/hostScenarios.ts has no readWrite scenario");
  const flat = loadModule(scenario.bytes);
  const machine = initialMachineParts(flat);
  const pre: Leaf[] = PRE_KEYS.map((key, i) => ({ key, value: PRE_VALUES[i] }));
  const preRoot = referenceHash(pre);
  const params = { ...DEVNET_PARAMS, txGasLimit: vmParams.TX_GAS_LIMIT };
  const r = await deployRollup(chain, { params, genesisRoot: preRoot, machine, prover: osp.entry });

  // The transaction, posted by the sequencer, then run on the provable path in the batch's context.
  const { number, header } = await r.postBatch([scenario.input]);
  const batchContext = {
    timestamp: BigInt(header.timestamp),
    l2Block: BigInt(number),
    origin: BigInt(Origin.SEQUENCER),
  };
  const tx = ProvableTransaction.start(flat, {
    input: scenario.input,
    batchContext,
    state: ProvableState.fromSource({ root: preRoot, prove: (k) => referenceProof(pre, k) }),
    gasLimit: vmParams.TX_GAS_LIMIT,
  });
  const m0 = tx.interpreter.hash().slice();
  const context = hex(tx.interpreter.proofView().globalState.batchContext);
  expect(
    await r.cm.read.initialMachineHash([hex(preRoot), hex(transactionHash(scenario.input)), context]),
  ).toBe(hex(m0));
  const witnesses = { input: scenario.input, proveState: (k: Uint8Array) => encodeProof(tx.state.prove(k)) };
  const vectors = [...stepsToEnd(tx.interpreter, { witnesses })];
  const steps = vectors.findIndex((v) => v.op === -1);
  expect(steps).toBeGreaterThan(10);
  // The stopped machine's opening: the proof of a stopped machine is exactly its parts and global state.
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
  expect(hex(machineHashOf(opening))).toBe(hex(final));
  expect(opening.statusWord[0]).toBe(1); // halted: the root after is the machine's state root
  const postRoot = opening.stateRoot;
  expect(hex(postRoot)).not.toBe(hex(preRoot));

  // The dishonest proposer: the real trace up to step j, then its own, ending in a halted machine with its root.
  const bad = stateWith(new Uint8Array(32), "bad");
  const badEnd = { ...opening, stateRoot: bad.root };
  const j = Math.floor(steps / 2);
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
    assertion: hex(assertionHash(data)),
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
  const { id, moves } = await playDispute(setup, params);
  expect((await r.cm.read.getChallenge([id])).status).toBe(3);
  expect((await r.rollup.read.getAssertion([setup.assertion])).status).toBe(3);
  expect(moves.map((m) => m.kind)).toContain("proveStep");
});
