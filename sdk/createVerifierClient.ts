/**
 * A trader's reads from a verifier's inspection API (docs/verifier.md, "Inspection API") for when the sequencer is
 * down: the nonce to sign a forced transaction with, the address's withdrawals, and the proof a claim takes, all
 * from the verifier's replay of L1 alone. `claimWithdrawal` sends Outbox.claim with that proof.
 */
import type { Hex } from "viem";
import type { VerifierNonce, VerifierWithdrawalProof, VerifierWithdrawalView } from "../verifier/index.ts";
import { type ClaimedWithdrawal, type ClaimWithdrawalParams, claimWithdrawal } from "./claimWithdrawal.ts";
import { OptioTransportError, VerifierRefusedError } from "./errors.ts";

export interface VerifierClientOptions {
  /** The verifier's inspection API, e.g. http://127.0.0.1:8549 (the devnet's honest verifier). */
  readonly url: string;
  /** Milliseconds before a call fails with OptioTransportError; default 10,000. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export interface VerifierClient {
  readonly url: string;
  /** The nonce to sign the address's next transaction with, as L1's data stands (`nonce`), and how it was found. */
  getNonce(address: Hex): Promise<VerifierNonce & { readonly next: bigint }>;
  getWithdrawals(address: Hex): Promise<VerifierWithdrawalView[]>;
  /** The proof Outbox.claim takes; VerifierRefusedError (reason, stage, confirmableAt, fix) until it can be given. */
  getWithdrawalProof(index: bigint): Promise<VerifierWithdrawalProof>;
  /** Asks the verifier for the proof, then sends Outbox.claim through `walletClient` and waits for it. */
  claimWithdrawal(params: ClaimWithdrawalParams): Promise<ClaimedWithdrawal>;
}

export function createVerifierClient(options: VerifierClientOptions): VerifierClient {
  const url = options.url.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const get = async <T>(path: string): Promise<T> => {
    let res: Response;
    try {
      res = await doFetch(`${url}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (cause) {
      throw new OptioTransportError(url, `GET ${path} failed: ${(cause as Error).message}`, { cause });
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch (cause) {
      throw new OptioTransportError(url, `GET ${path}: the answer (HTTP ${res.status}) is not JSON`, {
        cause,
      });
    }
    if (!res.ok) throw new VerifierRefusedError(url, res.status, (body ?? {}) as Record<string, unknown>);
    return body as T;
  };
  const getWithdrawalProof = (index: bigint) => get<VerifierWithdrawalProof>(`/withdrawals/${index}/proof`);
  return {
    url,
    getNonce: async (address) => {
      const n = await get<VerifierNonce>(`/accounts/${address}/nonce`);
      return { ...n, next: BigInt(n.nonce) };
    },
    getWithdrawals: (address) => get(`/accounts/${address}/withdrawals`),
    getWithdrawalProof,
    claimWithdrawal: async (params) => claimWithdrawal(await getWithdrawalProof(params.index), params),
  };
}
