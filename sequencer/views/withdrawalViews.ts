/**
 * The trader API's withdrawal reads over the node: an address's outbox entries with their stage,
 * and for one entry the confirmed assertion to claim against with the state proof of
 * engineKeys.outbox(index) at its state root (Outbox.claim's arguments). Roots come from the
 * node's state tree, which keeps the last `keepRoots` batch roots provable; what L1 shows comes
 * from the assertion record (sequencer/l1/AssertionRecord.ts), never from L1 at call time.
 */
import { bytesToHex, type Hex, hexToBytes } from "viem";
import { engineKeys } from "../../protocol/engine/index.ts";
import { encodeProof } from "../../protocol/index.ts";
import type { WithdrawalProofResult, WithdrawalView } from "../api/NodeApi.ts";
import type { AssertionSource } from "../l1/assertionState.ts";
import { latestConfirmed } from "../l1/assertionState.ts";
import type { SequencerNode } from "../SequencerNode.ts";
import { WithdrawalIndex, type WithdrawalRecord } from "./WithdrawalIndex.ts";
import { withdrawalStage } from "./withdrawalStage.ts";

const ZERO_WORD = `0x${"00".repeat(32)}`;

export interface WithdrawalViews {
  withdrawals(address: Hex): Promise<WithdrawalView[]>;
  withdrawalProof(index: bigint): Promise<WithdrawalProofResult>;
}

const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString();

export function createWithdrawalViews(
  node: Pick<SequencerNode, "log" | "state" | "tree">,
  posted: ((batch: number) => { txHash: Hex | null } | undefined) | undefined,
  l1: AssertionSource | undefined,
): WithdrawalViews {
  const index = new WithdrawalIndex(node.log, (k) => node.state.get(k));
  const stageOf = (w: WithdrawalRecord) =>
    withdrawalStage({
      index: w.index,
      batch: w.batch,
      posted: posted?.(w.batch) !== undefined,
      l1: l1?.current(),
    });

  return {
    async withdrawals(address) {
      await index.catchUp();
      return index.of(address).map((w) => {
        const s = stageOf(w);
        return {
          index: w.index.toString(),
          recipient: w.recipient,
          amount: w.amount.toString(),
          txHash: w.txHash,
          seq: w.seq.toString(),
          batch: w.batch,
          stage: s.stage,
          batchL1TxHash: posted?.(w.batch)?.txHash ?? null,
          assertion: s.assertion,
          confirmableAt: s.confirmableAt?.toString() ?? null,
          claimL1TxHash: s.claimL1TxHash,
        };
      });
    },

    async withdrawalProof(i) {
      await index.catchUp();
      const w = index.at(i);
      const id = i.toString();
      if (w === undefined)
        return {
          ok: false,
          refusal: { reason: "UNKNOWN_WITHDRAWAL", index: id, count: index.count.toString() },
        };
      const s = stageOf(w);
      const state = l1?.current();
      if (l1 === undefined || state === undefined || (s.stage !== "claimable" && s.stage !== "claimed"))
        return {
          ok: false,
          refusal: {
            reason: "NOT_CLAIMABLE",
            index: id,
            stage: s.stage,
            assertion: s.assertion,
            confirmableAt: s.confirmableAt?.toString() ?? null,
            message:
              state === undefined
                ? "this node does not follow L1 (it runs without an L1 key); ask a node that does"
                : s.stage === "asserted"
                  ? `asserted by ${s.assertion}, confirmable after ${isoOf(s.confirmableAt!)} (L1 time)`
                  : s.stage === "posted"
                    ? `batch ${w.batch} is on L1; the next assertion will cover it`
                    : `batch ${w.batch} is not on L1 yet`,
          },
        };
      // The latest confirmed assertion covers every batch an older one does, and its root is the likeliest kept.
      const a = latestConfirmed(state);
      if (a === null || a.batchEnd <= w.batch)
        throw new Error(
          `withdrawal ${i} is ${s.stage} but no confirmed assertion in the record covers batch ${w.batch}`,
        );
      const ours = node.log.batch(a.batchEnd - 1)?.stateRoot as Hex | undefined;
      if (ours !== a.stateRoot)
        return {
          ok: false,
          refusal: {
            reason: "PROOF_UNAVAILABLE",
            index: id,
            assertion: a.id,
            message: `L1 confirmed state root ${a.stateRoot} after batch ${a.batchEnd - 1}; this node's is ${ours ?? "unknown"}`,
          },
        };
      const root = hexToBytes(a.stateRoot);
      if (!node.tree.hasRoot(root))
        return {
          ok: false,
          refusal: {
            reason: "PROOF_UNAVAILABLE",
            index: id,
            assertion: a.id,
            message: `the state root after batch ${a.batchEnd - 1} is no longer kept (keepRoots); ask an archive node`,
          },
        };
      const key = engineKeys.outbox(i);
      // Covered by a confirmed root, the entry is in it: a zero here is a bug, not an answer.
      if (bytesToHex(node.tree.get(key, root)) === ZERO_WORD)
        throw new Error(
          `outbox entry ${i} (batch ${w.batch}) is not in the state root after batch ${a.batchEnd - 1}`,
        );
      return {
        ok: true,
        proof: {
          index: id,
          recipient: w.recipient,
          amount: w.amount.toString(),
          assertion: a.id,
          stateRoot: a.stateRoot,
          batchEnd: a.batchEnd,
          proof: bytesToHex(encodeProof(node.tree.prove(key, root))),
          outbox: l1.outbox,
          claimed: s.stage === "claimed",
        },
      };
    },
  };
}
