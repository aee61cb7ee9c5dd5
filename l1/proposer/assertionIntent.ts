import { type Address, bytesToHex, encodeFunctionData, type Hash, type Hex, hexToBytes } from "viem";
import { assertionHash } from "../../protocol/index.ts";
import { rollupAbi } from "../abi/index.ts";
import { type Intent, intentKey } from "../intent.ts";

/** A batch header as SequencerInbox.BatchPosted carries it (counts as bigint, as viem decodes them). */
export interface BatchHeaderArg {
  readonly txRoot: Hex;
  readonly seqCount: bigint;
  readonly delayedBefore: bigint;
  readonly delayedAfter: bigint;
  readonly txsBefore: bigint;
  readonly timestamp: bigint;
}

/** Rollup.AssertionData of a claim over batches `parent.batchEnd .. batchEnd - 1`. */
export interface AssertionDataArg {
  readonly parent: Hash;
  readonly stateRoot: Hex;
  readonly outboxRoot: Hex;
  readonly batchEnd: bigint;
  readonly txEnd: bigint;
  readonly delayedEnd: bigint;
}

/**
 * The `postAssertion` intent of a claim (pure): Rollup.createAssertion(data, lastBatch, outboxProof) with the bond,
 * under key `postAssertion/<id>` with the id L1 will give it (`assertionHash(data, proposer)`: the proposer is part
 * of the id, docs/protocol.md "Assertions"). `txEnd` and `delayedEnd` follow from the last batch's header, as the
 * rollup checks them. Used by the sequencer's Proposer and by a verifier proposing from its own replay.
 */
export function assertionIntent(input: {
  readonly rollup: Address;
  readonly proposer: Address;
  readonly bond: bigint;
  readonly parent: Hash;
  readonly batchEnd: bigint;
  /** The header of batch `batchEnd - 1`. */
  readonly lastBatch: BatchHeaderArg;
  /** The state after batch `batchEnd - 1` and the proof of its outbox root (OUTBOX_ROOT_KEY). */
  readonly state: { readonly stateRoot: Hex; readonly outboxRoot: Hex; readonly outboxProof: Hex };
}): { id: Hash; data: AssertionDataArg; intent: Intent } {
  const h = input.lastBatch;
  const data: AssertionDataArg = {
    parent: input.parent,
    stateRoot: input.state.stateRoot,
    outboxRoot: input.state.outboxRoot,
    batchEnd: input.batchEnd,
    txEnd: h.txsBefore + h.seqCount + (h.delayedAfter - h.delayedBefore),
    delayedEnd: h.delayedAfter,
  };
  const id = bytesToHex(
    assertionHash(
      {
        parent: hexToBytes(data.parent),
        stateRoot: hexToBytes(data.stateRoot),
        outboxRoot: hexToBytes(data.outboxRoot),
        batchEnd: Number(data.batchEnd),
        txEnd: Number(data.txEnd),
        delayedEnd: Number(data.delayedEnd),
      },
      input.proposer,
    ),
  );
  return {
    id,
    data,
    intent: {
      key: intentKey.postAssertion(id),
      kind: "postAssertion",
      to: input.rollup,
      value: input.bond.toString(),
      data: encodeFunctionData({
        abi: rollupAbi,
        functionName: "createAssertion",
        args: [data, h, input.state.outboxProof],
      }),
    },
  };
}
