import { BaseError, ContractFunctionRevertedError, type Hex, type TransactionReceipt } from "viem";

/** The contract's custom error inside whatever viem threw (a simulation's or an estimate's revert), or null. */
export function revertOf(e: unknown): { errorName: string; args: readonly unknown[] } | null {
  if (!(e instanceof BaseError)) return null;
  const r = e.walk((x) => x instanceof ContractFunctionRevertedError);
  if (!(r instanceof ContractFunctionRevertedError) || r.data === undefined) return null;
  return { errorName: r.data.errorName, args: r.data.args ?? [] };
}

export type DecodedRevert = { errorName: string; args: readonly unknown[] };

/**
 * Sends a contract call and waits for its receipt. L1 refusing it, at estimation or mined reverted (someone acted in
 * between: the call is replayed to name the error), comes back as `toError` with the contract's custom error and the
 * transaction's hash (null when it was never sent).
 */
export async function sendDecodingRevert(
  send: () => Promise<Hex>,
  simulate: () => Promise<unknown>,
  pub: { waitForTransactionReceipt(args: { hash: Hex }): Promise<TransactionReceipt> },
  toError: (revert: DecodedRevert, hash: Hex | null, cause?: unknown) => Error,
): Promise<{ hash: Hex; receipt: TransactionReceipt }> {
  let hash: Hex;
  try {
    hash = await send();
  } catch (e) {
    const r = revertOf(e);
    if (r !== null) throw toError(r, null, e);
    throw e;
  }
  const receipt = await pub.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") {
    const why = await simulate()
      .then(() => null)
      .catch(revertOf);
    throw toError(why ?? { errorName: "unknown", args: [] }, hash);
  }
  return { hash, receipt };
}
