/**
 * Sends one account's signed transactions with nonces in order, safe for any number of concurrent
 * callers. The engine takes a signer's transactions only in nonce order, so concurrent sends over
 * separate HTTP requests could arrive out of order and fail. Here sends queue per account; while
 * one call is in flight the next ones gather, and go together as one optio_sendTransactions (which
 * the node executes in order). A failure that consumed no nonce (a bad signature, a rate limit)
 * leaves a gap: the transactions signed after it are signed again with fresh nonces, and a
 * BAD_NONCE (another sender using the key) refetches the nonce and retries, a few times.
 */
import type { Receipt } from "../sequencer/api/index.ts";
import { BadNonceError, rpcErrorFrom } from "./errors.ts";
import type { RpcTransport } from "./rpcTransport.ts";

interface Pending {
  readonly sign: (nonce: bigint) => Promise<Uint8Array>;
  readonly resolve: (r: Receipt) => void;
  readonly reject: (e: unknown) => void;
  attempts: number;
}

type SendOutcome = { receipt: Receipt } | { error: { code: number; message: string; data?: unknown } };

/** How many times a transaction is signed again after BAD_NONCE before the error reaches the caller. */
const MAX_NONCE_RETRIES = 3;

export interface NonceSender {
  send(sign: (nonce: bigint) => Promise<Uint8Array>): Promise<Receipt>;
  /** Forget the cached nonce (the next send asks the node). */
  reset(): void;
}

export function createNonceSender(
  transport: RpcTransport,
  address: `0x${string}`,
  /** Transactions per call at most (the API's maxTxsPerCall). */
  maxPerCall = 50,
): NonceSender {
  const queue: Pending[] = [];
  let next: bigint | undefined;
  let busy = false;

  async function flush(): Promise<void> {
    if (busy || queue.length === 0) return;
    busy = true;
    const group = queue.splice(0, maxPerCall);
    try {
      if (next === undefined) next = BigInt(await transport.request<string>("optio_getNonce", [address]));
      const first = next;
      const txs = await Promise.all(group.map((p, i) => p.sign(first + BigInt(i))));
      const out = await transport.request<SendOutcome[]>("optio_sendTransactions", [
        txs.map((t) => `0x${Buffer.from(t).toString("hex")}`),
      ]);
      // Receipts consume nonces; the first failure leaves every later one of the group unexecuted (gap).
      let k = 0;
      while (k < group.length && "receipt" in out[k]) {
        group[k].resolve((out[k] as { receipt: Receipt }).receipt);
        k++;
      }
      next = first + BigInt(k);
      if (k < group.length) {
        const err = (out[k] as { error: { code: number; message: string; data?: unknown } }).error;
        const typed = rpcErrorFrom("optio_sendTransactions", err);
        const failed = group[k];
        const retry = group.slice(k + 1);
        if (typed instanceof BadNonceError) next = undefined;
        if (typed instanceof BadNonceError && ++failed.attempts <= MAX_NONCE_RETRIES) retry.unshift(failed);
        else failed.reject(typed);
        queue.unshift(...retry);
      }
    } catch (e) {
      // Transport failure: unknown whether the node executed them; the caller must look up receipts.
      next = undefined;
      for (const p of group) p.reject(e);
    } finally {
      busy = false;
      if (queue.length > 0) void flush();
    }
  }

  return {
    send(sign) {
      return new Promise<Receipt>((resolve, reject) => {
        queue.push({ sign, resolve, reject, attempts: 0 });
        queueMicrotask(() => void flush());
      });
    },
    reset() {
      next = undefined;
    },
  };
}
