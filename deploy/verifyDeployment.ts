import {
  type Abi,
  type Address,
  bytesToHex,
  type Hex,
  hexToBytes,
  keccak256,
  type PublicClient,
  toHex,
} from "viem";
import { gasWord, globalStateHash, machineHashFromParts } from "../protocol/index.ts";
import { loadArtifact } from "./loadArtifact.ts";
import type { RollupDeployment } from "./RollupDeployment.ts";

/** The part of a viem public client verification needs (hardhat-viem's and a plain http client both fit). */
export type ReadClient = Pick<PublicClient, "readContract" | "getChainId">;

/**
 * Reads the deployed contracts back and lists every address or parameter that differs from `d` (empty: the
 * wiring is as recorded). Services can run it on a deployment file before trusting it.
 */
export async function verifyDeployment(client: ReadClient, d: RollupDeployment): Promise<string[]> {
  const mismatches: string[] = [];
  const read =
    (contract: "Bridge" | "SequencerInbox" | "Rollup" | "ChallengeManager" | "Outbox" | "OneStepProver") =>
    async (address: Address, functionName: string, args: readonly unknown[] = []): Promise<unknown> =>
      client.readContract({ address, abi: loadArtifact(contract).abi as Abi, functionName, args });
  const expect = (what: string, got: unknown, want: unknown) => {
    const norm = (v: unknown) =>
      typeof v === "string" ? v.toLowerCase() : typeof v === "number" ? BigInt(v) : v;
    if (norm(got) !== norm(want)) mismatches.push(`${what} is ${String(got)}, expected ${String(want)}`);
  };
  const c = d.contracts;
  const p = d.params;

  expect("chain id", await client.getChainId(), d.chainId);

  const bridge = read("Bridge");
  expect("Bridge.token", await bridge(c.bridge.address, "token"), d.token.address);
  expect("Bridge.outbox", await bridge(c.bridge.address, "outbox"), c.outbox.address);
  expect("Bridge.inbox", await bridge(c.bridge.address, "inbox"), c.sequencerInbox.address);

  const inbox = read("SequencerInbox");
  expect("SequencerInbox.sequencer", await inbox(c.sequencerInbox.address, "sequencer"), d.sequencer);
  expect("SequencerInbox.bridge", await inbox(c.sequencerInbox.address, "bridge"), c.bridge.address);
  expect(
    "SequencerInbox.forceInclusionDelay",
    await inbox(c.sequencerInbox.address, "forceInclusionDelay"),
    p.forceInclusionDelay,
  );
  expect(
    "SequencerInbox.maxTimestampDrift",
    await inbox(c.sequencerInbox.address, "maxTimestampDrift"),
    p.maxTimestampDrift,
  );

  const rollup = read("Rollup");
  const r = c.rollup.address;
  expect("Rollup.inbox", await rollup(r, "inbox"), c.sequencerInbox.address);
  expect("Rollup.challengeManager", await rollup(r, "challengeManager"), c.challengeManager.address);
  expect("Rollup.challengePeriod", await rollup(r, "challengePeriod"), p.challengePeriod);
  expect("Rollup.assertionBond", await rollup(r, "assertionBond"), p.assertionBond);
  expect("Rollup.burnShareBps", await rollup(r, "burnShareBps"), p.burnShareBps);
  expect("Rollup.permissionless", await rollup(r, "permissionless"), p.permissionless);
  expect("Rollup.proposerInactivity", await rollup(r, "proposerInactivity"), p.proposerInactivity);
  for (const proposer of d.proposers) {
    expect(`Rollup.allowedProposer(${proposer})`, await rollup(r, "allowedProposer", [proposer]), true);
  }
  expect("Rollup.genesis", await rollup(r, "genesis"), d.genesisAssertion);
  const genesis = (await rollup(r, "getAssertion", [d.genesisAssertion])) as { stateRoot: Hex };
  expect("genesis assertion's state root", genesis.stateRoot, d.genesisStateRoot);

  const cm = read("ChallengeManager");
  const m = c.challengeManager.address;
  expect("ChallengeManager.rollup", await cm(m, "rollup"), r);
  expect("ChallengeManager.inbox", await cm(m, "inbox"), c.sequencerInbox.address);
  expect("ChallengeManager.bridge", await cm(m, "bridge"), c.bridge.address);
  expect("ChallengeManager.prover", await cm(m, "prover"), c.oneStepProver.address);
  expect("ChallengeManager.challengeBond", await cm(m, "challengeBond"), p.challengeBond);
  expect("ChallengeManager.clock", await cm(m, "clock"), p.clock);
  expect(
    "ChallengeManager.firstMoveDeadline",
    await cm(m, "firstMoveDeadline"),
    Math.min(p.firstMoveDeadline, p.clock),
  );
  expect("ChallengeManager.degree", await cm(m, "degree"), p.degree);
  expect("ChallengeManager.txGasLimit", await cm(m, "txGasLimit"), p.txGasLimit);
  expect("ChallengeManager.burnShareBps", await cm(m, "burnShareBps"), p.burnShareBps);
  // The seven machine words are internal immutables: check them through the initial machine hash of a probe
  // transaction, which L1 computes from them and TypeScript from the recorded words.
  const probe = [
    keccak256(toHex("optio/deploy/root")),
    keccak256(toHex("optio/deploy/input")),
    keccak256(toHex("c")),
  ];
  const words = Object.fromEntries(
    Object.entries(d.engine.initialMachine).map(([k, v]) => [k, hexToBytes(v)]),
  ) as unknown as Parameters<typeof machineHashFromParts>[0];
  const global = globalStateHash(
    hexToBytes(probe[0]),
    hexToBytes(probe[1]),
    hexToBytes(probe[2]),
    gasWord(p.txGasLimit),
  );
  expect(
    "ChallengeManager's initial machine (hash of a probe transaction)",
    await cm(m, "initialMachineHash", probe),
    bytesToHex(machineHashFromParts(words, global)),
  );

  const outbox = read("Outbox");
  expect("Outbox.rollup", await outbox(c.outbox.address, "rollup"), r);
  expect("Outbox.bridge", await outbox(c.outbox.address, "bridge"), c.bridge.address);

  if (c.oneStepProverHostIo) {
    expect(
      "OneStepProver.hostIo",
      await read("OneStepProver")(c.oneStepProver.address, "hostIo"),
      c.oneStepProverHostIo.address,
    );
  }
  return mismatches;
}
