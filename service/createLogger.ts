import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

export interface LoggerOptions {
  /** The service's name, on every line (`service`). */
  readonly service: string;
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  readonly level?: string;
  /** Where lines go (default stdout, written synchronously so a crash loses no line already logged). */
  readonly destination?: DestinationStream;
}

/**
 * A structured logger: one JSON line per event, with the ids that let an operator follow one
 * item across services (`tx`, `seq`, `batch`, `assertion`), passed as fields, never formatted
 * into the message.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { service: options.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
