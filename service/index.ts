// service/: the services' shared runtime (docs/services.md): configuration, logs, metrics, the
// operator port (/healthz /readyz /metrics /admin) and ordered shutdown. It imports no service.
export { createLogger, type Logger, type LoggerOptions } from "./createLogger.ts";
export { Counter, createMetrics, Gauge, Histogram, Registry } from "./createMetrics.ts";
export {
  type ConfigOf,
  configHelp,
  envName,
  flagName,
  type LoadConfigInput,
  loadConfig,
  type Setting,
  type SettingType,
  type SettingValue,
} from "./loadConfig.ts";
export { ConfigError, ServiceError } from "./ServiceError.ts";
export { SHUTDOWN_PHASES, Shutdown, type ShutdownPhase } from "./Shutdown.ts";
export {
  type AdminAction,
  type OperatorServer,
  type OperatorServerOptions,
  type Readiness,
  startOperatorServer,
} from "./startOperatorServer.ts";
