import { encodeErrorResult, type Hex } from "viem";
import { expect, test } from "vitest";
import { oneStepProverAbi, sequencerInboxAbi, testTokenAbi } from "./abi/index.ts";
import { decodeRevert, L1_ERRORS_ABI, revertDataOf } from "./decodeRevert.ts";
import { L1RevertError } from "./errors.ts";

test("decodeRevert_customErrorWithArgs_namesItAndItsArgs", () => {
  const data = encodeErrorResult({ abi: sequencerInboxAbi, errorName: "BadTimestamp", args: [5n, 10n, 20n] });
  const e = decodeRevert(data);
  expect(e).toBeInstanceOf(L1RevertError);
  expect(e.errorName).toBe("BadTimestamp");
  expect(e.args).toEqual([5n, 10n, 20n]);
  expect(e.message).toBe("L1 reverted: BadTimestamp(5, 10, 20)");
});

test("decodeRevert_calleeErrorAndUnknownSelector_decodedOrRaw", () => {
  // The one-step prover's errors bubble up through the challenge manager.
  const data = encodeErrorResult({ abi: oneStepProverAbi, errorName: "UnknownOpcode", args: [255n] });
  expect(decodeRevert(data).errorName).toBe("UnknownOpcode");
  const raw: Hex = "0xdeadbeef";
  expect(decodeRevert(raw)).toMatchObject({ errorName: "unknown", data: raw });
});

test("revertDataOf_nestedCause_findsTheData", () => {
  const data = encodeErrorResult({
    abi: testTokenAbi,
    errorName: "InsufficientBalance",
    args: ["0x0000000000000000000000000000000000000001", 0n, 5n],
  });
  expect(revertDataOf({ message: "x", cause: { message: "y", cause: { data: { data } } } })).toBe(data);
  expect(revertDataOf(new Error("no data"))).toBeNull();
});

test("L1_ERRORS_ABI_oneEntryPerSelector", () => {
  const sigs = L1_ERRORS_ABI.map((e) =>
    e.type === "error" ? `${e.name}(${e.inputs.map((i) => i.type)})` : "",
  );
  expect(new Set(sigs).size).toBe(sigs.length);
  expect(sigs).toContain("ProofTooShort(uint256,uint256)");
});
