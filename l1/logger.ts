/** The logger services pass in (pino's shape: an object of ids and values, then a message). */
export interface L1Logger {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

const line = (level: string) => (fields: Record<string, unknown>, msg: string) => {
  process.stderr.write(
    `${JSON.stringify({ level, time: Date.now(), ...fields, msg }, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}\n`,
  );
};

/** One JSON line per event on stderr, until the service runtime passes its pino logger. */
export const stderrLogger: L1Logger = { info: line("info"), warn: line("warn"), error: line("error") };

export const silentLogger: L1Logger = { info() {}, warn() {}, error() {} };
