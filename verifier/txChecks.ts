import { type Address, bytesToHex, decodeFunctionData, type Hex, hexToBytes, type PublicClient } from "viem";
import { type AlreadyDone, challengeManagerAbi, type IntentKind, rollupAbi } from "../l1/index.ts";
import { bisectionCommitment } from "../protocol/index.ts";
import { ChallengeStatus } from "./dispute/game.ts";
import type { VerifierDeployment } from "./VerifierDeployment.ts";

const PENDING = 1; // Rollup.Status.Pending

/**
 * The alreadyDone checks of the verifier's intents (docs/l1.md, "Intents"), run by its TxSender before every
 * (re)send, all against L1: a move is done once the challenge is over or has moved past the segment the move
 * answers (its commitment changed); a challenge once the assertion no longer stands or we already challenge it;
 * a confirmation once the assertion is not pending; a withdrawal once nothing is owed.
 */
export function verifierChecks(
  client: PublicClient,
  deployment: VerifierDeployment,
  me: Address,
): Partial<Record<IntentKind, AlreadyDone>> {
  const cm = deployment.contracts.challengeManager.address;
  const rollup = deployment.contracts.rollup.address;
  return {
    challengeMove: async (intent) => {
      const call = decodeFunctionData({ abi: challengeManagerAbi, data: intent.data });
      const id = call.args?.[0] as bigint;
      const c = await client.readContract({
        address: cm,
        abi: challengeManagerAbi,
        functionName: "getChallenge",
        args: [id],
      });
      if (c.status !== ChallengeStatus.OPEN) return true;
      if (call.functionName === "timeout" || call.functionName === "dismiss") return false;
      const prev = call.args?.[1] as { lo: bigint; hi: bigint; values: readonly Hex[] };
      const commitment = bisectionCommitment(
        Number(prev.lo),
        Number(prev.hi),
        prev.values.map((v) => hexToBytes(v)),
      );
      return bytesToHex(commitment) !== c.commitment;
    },
    call: async (intent) => {
      if (intent.to.toLowerCase() === rollup.toLowerCase()) {
        // Rollup.reject of a dead assertion: done once it is no longer pending.
        const r = decodeFunctionData({ abi: rollupAbi, data: intent.data });
        const a = await client.readContract({
          address: rollup,
          abi: rollupAbi,
          functionName: "getAssertion",
          args: [r.args?.[0] as Hex],
        });
        return Number(a.status) !== PENDING;
      }
      const call = decodeFunctionData({ abi: challengeManagerAbi, data: intent.data });
      if (call.functionName !== "startChallenge") return false;
      const assertion = call.args[0] as Hex;
      const standing = await client.readContract({
        address: rollup,
        abi: rollupAbi,
        functionName: "isStanding",
        args: [assertion],
      });
      if (!standing) return true;
      const started = await client.getContractEvents({
        address: cm,
        abi: challengeManagerAbi,
        eventName: "ChallengeStarted",
        args: { assertion, challenger: me },
        fromBlock: BigInt(deployment.fromBlock),
      });
      return started.length > 0;
    },
    confirmAssertion: async (intent) => {
      const call = decodeFunctionData({ abi: rollupAbi, data: intent.data });
      const a = await client.readContract({
        address: rollup,
        abi: rollupAbi,
        functionName: "getAssertion",
        args: [call.args?.[0] as Hex],
      });
      return Number(a.status) !== PENDING;
    },
    // A fault-injecting verifier's own assertion (verifier/fault): done once it exists.
    postAssertion: async (intent) => {
      const a = await client.readContract({
        address: rollup,
        abi: rollupAbi,
        functionName: "getAssertion",
        args: [intent.key.slice("postAssertion/".length) as Hex],
      });
      return Number(a.status) !== 0;
    },
    withdrawBonds: async (intent) => {
      const owed = (await client.readContract({
        address: intent.to,
        abi: intent.to.toLowerCase() === cm.toLowerCase() ? challengeManagerAbi : rollupAbi,
        functionName: "withdrawable",
        args: [me],
      })) as bigint;
      return owed === 0n;
    },
  };
}
