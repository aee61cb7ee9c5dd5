// sequencer/api: the trader API (JSON-RPC 2.0 over HTTP and WebSocket on one port) in front of a
// NodeApi (docs/api.md).
export { type ApiLimits, DEFAULT_LIMITS, resolveLimits } from "./apiParams.ts";
export {
  type ApiServer,
  type ApiServerOptions,
  type ApiServerStats,
  createApiServer,
} from "./createApiServer.ts";
export type { InternalErrorHook, RequestHook } from "./Dispatcher.ts";
export { ERROR_MESSAGES, ErrorCode, type ErrorName, type RpcErrorObject } from "./errorCodes.ts";
export { METHODS } from "./methods.ts";
export type * from "./NodeApi.ts";
export { CHANNELS, type ChannelName } from "./params.ts";
