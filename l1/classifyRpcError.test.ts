import { encodeErrorResult, HttpRequestError, InternalRpcError, RpcRequestError } from "viem";
import { expect, test } from "vitest";
import { sequencerInboxAbi } from "./abi/index.ts";
import { classifyRpcError } from "./classifyRpcError.ts";

// Node messages as geth and Hardhat's EDR word them (EDR's taken from a run against `hardhat node`).
const rpc = (message: string) =>
  new InternalRpcError(
    new RpcRequestError({ body: {}, url: "http://127.0.0.1", error: { code: -32000, message } }),
  );

test("classifyRpcError_nodeMessages_mapToKinds", () => {
  const cases: [string, string][] = [
    ["Known transaction: 0xd456", "alreadyKnown"],
    ["already known", "alreadyKnown"],
    ["Nonce too low. Expected nonce to be 5 but got 3.", "nonceTooLow"],
    ["nonce too low: address 0x.., tx: 3 state: 5", "nonceTooLow"],
    [
      "Replacement transaction underpriced. A gasPrice/maxFeePerGas of at least 3300000000 is necessary to replace the existing transaction with nonce 0.",
      "replacementUnderpriced",
    ],
    ["replacement transaction underpriced", "replacementUnderpriced"],
    [
      "Sender doesn't have enough funds to send tx. The max upfront cost is: 1 and the sender's balance is: 0.",
      "insufficientFunds",
    ],
    ["insufficient funds for gas * price + value", "insufficientFunds"],
    ["max fee per gas less than block base fee", "feeTooLow"],
    [
      "Transaction maxFeePerGas (1) is too low for the next block, which has a baseFeePerGas of 2",
      "feeTooLow",
    ],
    ["execution reverted", "reverted"],
    ["something new", "unknown"],
  ];
  for (const [message, kind] of cases)
    expect([message, classifyRpcError(rpc(message))]).toEqual([message, kind]);
});

test("classifyRpcError_revertDataOrNoAnswer_mapToKinds", () => {
  const data = encodeErrorResult({ abi: sequencerInboxAbi, errorName: "EmptyBatch" });
  expect(classifyRpcError({ message: "call failed", data })).toBe("reverted");
  expect(
    classifyRpcError(new HttpRequestError({ url: "http://127.0.0.1:1", cause: new Error("fetch failed") })),
  ).toBe("unavailable");
  expect(classifyRpcError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {}))).toBe(
    "unavailable",
  );
});
