/**
 * One base error for the services' shared runtime. Every operator-facing error
 * says what is wrong and what to do (`fix`), in the CLI, the logs and /readyz alike.
 */
export class ServiceError extends Error {
  override name = "ServiceError";
  readonly fix: string;
  readonly details: Record<string, unknown>;
  constructor(
    message: string,
    fix: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.fix = fix;
    this.details = details;
  }
}

/** A setting that is missing, malformed or out of range; names the setting and where it came from. */
export class ConfigError extends ServiceError {
  override name = "ConfigError";
  constructor(
    readonly setting: string,
    readonly source: string,
    reason: string,
    fix: string,
  ) {
    super(`setting ${setting} (from ${source}): ${reason}`, fix, { setting, source });
  }
}
