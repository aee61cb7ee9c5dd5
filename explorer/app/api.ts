/**
 * The page's connections: reads over the trader API's HTTP, live channels over its WebSocket (the SDK's
 * subscriber: reconnects and resyncs by itself), and the verifier's inspection API. The SDK's entry also
 * carries the signer (its keccak loads a wasm file with node:fs); the explorer only reads, so it takes the
 * two browser-safe parts, the HTTP transport and the subscriber, from their files.
 */

import { createSubscriber, type Subscriber } from "../../sdk/createSubscriber.ts";
import { createHttpTransport } from "../../sdk/rpcTransport.ts";
import type {
  AccountView,
  BatchView,
  BookView,
  MarketView,
  NodeStatus,
  OptionsChainView,
  Receipt,
} from "../../sequencer/api/NodeApi.ts";
import type { ExplorerConfig } from "../explorerConfig.ts";
import { createVerifierClient, type VerifierClient } from "../verifierApi.ts";

export interface Reads {
  markets(): Promise<MarketView[]>;
  book(market: number, depth: number): Promise<BookView | null>;
  optionsChain(underlying: number): Promise<OptionsChainView | null>;
  account(address: string): Promise<AccountView>;
  batch(n: number): Promise<BatchView | null>;
  receipt(txHash: string): Promise<Receipt | null>;
  status(): Promise<NodeStatus>;
}

export interface Connections {
  readonly config: ExplorerConfig;
  readonly reads: Reads;
  readonly subscriber: Subscriber;
  readonly verifier: VerifierClient | null;
}

export function connect(config: ExplorerConfig): Connections {
  const t = createHttpTransport(config.apiUrl, { timeoutMs: 10_000 });
  const reads: Reads = {
    markets: () => t.request("optio_getMarkets"),
    book: (m, d) => t.request("optio_getBook", [m, d]),
    optionsChain: (u) => t.request("optio_getOptionsChain", [u]),
    account: (a) => t.request("optio_getAccount", [a]),
    batch: (n) => t.request("optio_getBatch", [n]),
    receipt: (h) => t.request("optio_getReceipt", [h]),
    status: () => t.request("optio_status"),
  };
  return {
    config,
    reads,
    subscriber: createSubscriber(config.wsUrl, { backoffMs: 100, maxBackoffMs: 2_000 }),
    verifier: config.verifierUrl === null ? null : createVerifierClient(config.verifierUrl),
  };
}
