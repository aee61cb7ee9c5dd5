import { bytesToHex, decodeFunctionData, hexToBytes } from "viem";
import { expect, test } from "vitest";
import { assertionHash } from "../../protocol/index.ts";
import { rollupAbi } from "../abi/index.ts";
import { assertionIntent } from "./assertionIntent.ts";

const word = (b: number) => bytesToHex(new Uint8Array(32).fill(b));
const proposer = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const rollup = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const header = {
  txRoot: word(1),
  seqCount: 7n,
  delayedBefore: 2n,
  delayedAfter: 5n,
  txsBefore: 40n,
  timestamp: 1_700_000_000n,
};

test("assertionIntent_claimOverBatches_countsFromTheHeaderAndIdAsL1", () => {
  const state = { stateRoot: word(2), outboxRoot: word(0), outboxProof: "0x0000" as const };
  const { id, data, intent } = assertionIntent({
    rollup,
    proposer,
    bond: 10n ** 17n,
    parent: word(9),
    batchEnd: 12n,
    lastBatch: header,
    state,
  });
  // txEnd = txsBefore + seqCount + delayed messages the batch consumed; delayedEnd = its delayedAfter.
  expect(data).toEqual({
    parent: word(9),
    stateRoot: word(2),
    outboxRoot: word(0),
    batchEnd: 12n,
    txEnd: 50n,
    delayedEnd: 5n,
  });
  expect(id).toBe(
    bytesToHex(
      assertionHash(
        {
          parent: hexToBytes(word(9)),
          stateRoot: hexToBytes(word(2)),
          outboxRoot: hexToBytes(word(0)),
          batchEnd: 12,
          txEnd: 50,
          delayedEnd: 5,
        },
        proposer,
      ),
    ),
  );
  expect(intent).toMatchObject({
    key: `postAssertion/${id}`,
    kind: "postAssertion",
    to: rollup,
    value: "100000000000000000",
  });
  const call = decodeFunctionData({ abi: rollupAbi, data: intent.data });
  expect(call.functionName).toBe("createAssertion");
  expect(call.args).toEqual([data, header, "0x0000"]);
  // Another proposer, the same claim: another id (only an assertion's proposer defends it).
  const other = assertionIntent({
    rollup,
    proposer: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
    bond: 1n,
    parent: word(9),
    batchEnd: 12n,
    lastBatch: header,
    state,
  });
  expect(other.id).not.toBe(id);
});
