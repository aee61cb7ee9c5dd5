import { type Abi, BaseError, decodeErrorResult, type Hex, isHex, toFunctionSelector } from "viem";
import {
  bridgeAbi,
  challengeManagerAbi,
  oneStepProverAbi,
  outboxAbi,
  rollupAbi,
  sequencerInboxAbi,
  testTokenAbi,
} from "./abi/index.ts";
import { L1RevertError } from "./errors.ts";

/**
 * Every custom error of the rollup's contracts, once per selector. A revert can bubble up from a callee (the
 * challenge manager re-raises the one-step prover's errors), so a revert is decoded against all of them.
 */
export const L1_ERRORS_ABI: Abi = (() => {
  const seen = new Set<string>();
  const out: Abi[number][] = [];
  for (const abi of [
    rollupAbi,
    sequencerInboxAbi,
    bridgeAbi,
    challengeManagerAbi,
    outboxAbi,
    oneStepProverAbi,
    testTokenAbi,
  ] as const) {
    for (const item of abi) {
      if (item.type !== "error") continue;
      const sig = `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
      const selector = toFunctionSelector(sig);
      if (seen.has(selector)) continue;
      seen.add(selector);
      out.push(item);
    }
  }
  return out;
})();

/** The revert data inside an error thrown by viem or a node (the innermost `data` that is hex), or null. */
export function revertDataOf(error: unknown): Hex | null {
  const pick = (e: unknown): Hex | null => {
    const d = (e as { data?: unknown } | null)?.data;
    if (typeof d === "string" && isHex(d) && d.length >= 10) return d;
    if (d && typeof d === "object" && typeof (d as { data?: unknown }).data === "string") {
      const inner = (d as { data: string }).data;
      if (isHex(inner) && inner.length >= 10) return inner;
    }
    return null;
  };
  if (error instanceof BaseError) {
    let found: Hex | null = null;
    error.walk((e) => {
      found = found ?? pick(e);
      return false;
    });
    if (found) return found;
  }
  let e: unknown = error;
  for (let i = 0; i < 8 && e; i++) {
    const d = pick(e);
    if (d) return d;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * Revert data as a typed error: the custom error's name and arguments, `Error(string)` and `Panic(uint)` as
 * Solidity encodes them, or `unknown` with the raw data when no ABI knows the selector.
 */
export function decodeRevert(data: Hex, cause?: unknown): L1RevertError {
  try {
    const r = decodeErrorResult({ abi: L1_ERRORS_ABI, data });
    return new L1RevertError(r.errorName, (r.args ?? []) as readonly unknown[], data, cause);
  } catch {
    return new L1RevertError("unknown", [], data, cause);
  }
}
