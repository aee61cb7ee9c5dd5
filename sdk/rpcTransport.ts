/** JSON-RPC 2.0 over HTTP POST: one call, typed errors, a timeout. */
import { OptioTransportError, rpcErrorFrom } from "./errors.ts";

export interface RpcTransport {
  readonly url: string;
  request<T>(method: string, params?: readonly unknown[] | Record<string, unknown>): Promise<T>;
}

export interface HttpTransportOptions {
  /** Milliseconds before a call fails with OptioTransportError; default 10,000. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export function createHttpTransport(url: string, options: HttpTransportOptions = {}): RpcTransport {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  let id = 0;
  return {
    url,
    async request<T>(method: string, params: readonly unknown[] | Record<string, unknown> = []): Promise<T> {
      let res: Response;
      try {
        res = await doFetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (cause) {
        throw new OptioTransportError(url, `${method} failed: ${(cause as Error).message}`, { cause });
      }
      let body: { result?: T; error?: { code: number; message: string; data?: unknown } };
      try {
        body = (await res.json()) as typeof body;
      } catch (cause) {
        throw new OptioTransportError(url, `${method}: the answer (HTTP ${res.status}) is not JSON`, {
          cause,
        });
      }
      if (body.error !== undefined) throw rpcErrorFrom(method, body.error);
      if (!("result" in body))
        throw new OptioTransportError(url, `${method}: the answer has neither result nor error`);
      return body.result as T;
    },
  };
}
