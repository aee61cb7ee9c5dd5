/**
 * One client connection as the dispatcher sees it: a WebSocket, or one HTTP keep-alive socket.
 * Its rate bucket and in-flight count live here, so limits follow the TCP connection.
 */
import type { TokenBucket } from "./TokenBucket.ts";

export interface Connection {
  readonly id: number;
  readonly transport: "http" | "ws";
  readonly bucket: TokenBucket;
  /** Shared by every connection from the same remote address: reconnecting does not refill it. */
  readonly ipBucket: TokenBucket;
  /** Requests of this connection in progress. */
  inFlight: number;
  /** WS only: queue a text frame (the connection decides whether the client is too slow). */
  readonly send?: (text: string) => void;
  /** WS only: whether the connection was closed or dropped (sends are then ignored). */
  closed: boolean;
}
