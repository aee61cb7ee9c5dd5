import { BaseError, ContractFunctionRevertedError } from "viem";

/** The contract's custom error inside whatever viem threw (a simulation's or an estimate's revert), or null. */
export function revertOf(e: unknown): { errorName: string; args: readonly unknown[] } | null {
  if (!(e instanceof BaseError)) return null;
  const r = e.walk((x) => x instanceof ContractFunctionRevertedError);
  if (!(r instanceof ContractFunctionRevertedError) || r.data === undefined) return null;
  return { errorName: r.data.errorName, args: r.data.args ?? [] };
}
