/**
 * Service configuration from, in rising priority: defaults, an optional JSON file, `OPTIO_*`
 * environment variables and command-line flags. Settings are data (one table per service, with
 * default and unit), so `--help` and the validation both come from the same place.
 */
import { readFileSync } from "node:fs";
import { ConfigError } from "./ServiceError.ts";

export type SettingType = "string" | "integer" | "number" | "boolean";

/** One setting: its name (camelCase; flag `--kebab-case`, environment `OPTIO_SNAKE_CASE`), type, default and unit. */
export interface Setting<T extends SettingType = SettingType> {
  readonly name: string;
  readonly type: T;
  readonly default: SettingValue<T> | undefined;
  /** The unit shown in --help ("ms", "bytes", "txs", ...), or "" for none. */
  readonly unit: string;
  readonly description: string;
  /** Inclusive bounds for numbers. */
  readonly min?: number;
  readonly max?: number;
  /** Allowed values for strings. */
  readonly oneOf?: readonly string[];
  /** An extra check on the parsed value (of the setting's type); returns a reason when the value is refused. */
  // biome-ignore lint/suspicious/noExplicitAny: each setting's check takes its own type's value
  readonly check?: (value: any) => string | undefined;
}

export type SettingValue<T extends SettingType> = T extends "string"
  ? string
  : T extends "boolean"
    ? boolean
    : number;

export type ConfigOf<S extends readonly Setting[]> = {
  [K in S[number] as K["name"]]: K extends Setting<infer T> ? SettingValue<T> : never;
};

/** The flag of a setting name: maxBatchBytes -> --max-batch-bytes. */
export function flagName(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The environment variable of a setting name: maxBatchBytes -> OPTIO_MAX_BATCH_BYTES. */
export function envName(name: string): string {
  return `OPTIO_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export interface LoadConfigInput {
  readonly argv?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A flag (default `--config`) or OPTIO_CONFIG names a JSON file of { settingName: value }. */
  readonly configFlag?: string;
}

function parseValue(s: Setting, raw: unknown, source: string): unknown {
  const fixFor = () => `pass ${describeType(s)}, e.g. ${flagName(s.name)} ${exampleOf(s)}`;
  let v: unknown = raw;
  if (typeof raw === "string") {
    if (s.type === "integer" || s.type === "number") {
      v = raw.trim() === "" ? Number.NaN : Number(raw.replaceAll("_", ""));
    } else if (s.type === "boolean") {
      if (["true", "1", "yes"].includes(raw)) v = true;
      else if (["false", "0", "no"].includes(raw)) v = false;
    }
  }
  switch (s.type) {
    case "string":
      if (typeof v !== "string")
        throw new ConfigError(s.name, source, `expected a string, got ${show(raw)}`, fixFor());
      if (s.oneOf && !s.oneOf.includes(v))
        throw new ConfigError(
          s.name,
          source,
          `expected one of ${s.oneOf.join(", ")}, got ${show(raw)}`,
          fixFor(),
        );
      break;
    case "boolean":
      if (typeof v !== "boolean")
        throw new ConfigError(s.name, source, `expected true or false, got ${show(raw)}`, fixFor());
      break;
    default: {
      if (typeof v !== "number" || !Number.isFinite(v) || (s.type === "integer" && !Number.isSafeInteger(v)))
        throw new ConfigError(s.name, source, `expected ${describeType(s)}, got ${show(raw)}`, fixFor());
      if ((s.min !== undefined && v < s.min) || (s.max !== undefined && v > s.max))
        throw new ConfigError(s.name, source, `expected ${describeType(s)}, got ${v}`, fixFor());
    }
  }
  const reason = s.check?.(v as never);
  if (reason !== undefined) throw new ConfigError(s.name, source, reason, fixFor());
  return v;
}

function describeType(s: Setting): string {
  const unit = s.unit ? ` (${s.unit})` : "";
  if (s.type === "string") return s.oneOf ? `one of ${s.oneOf.join(", ")}` : "a string";
  if (s.type === "boolean") return "true or false";
  const range =
    s.min !== undefined && s.max !== undefined
      ? ` in [${s.min}, ${s.max}]`
      : s.min !== undefined
        ? ` >= ${s.min}`
        : s.max !== undefined
          ? ` <= ${s.max}`
          : "";
  return `${s.type === "integer" ? "a whole number" : "a number"}${range}${unit}`;
}

function exampleOf(s: Setting): string {
  if (s.default !== undefined) return String(s.default);
  if (s.oneOf) return s.oneOf[0];
  return s.type === "boolean" ? "true" : s.type === "string" ? "VALUE" : String(s.min ?? 1);
}

function show(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/**
 * Loads and validates every setting. Unknown flags, unknown keys in the file and unknown
 * OPTIO_* variables that look like settings are refused (a typo must not silently fall back to
 * a default). Throws ConfigError naming the setting, its source and the fix.
 */
export function loadConfig<const S extends readonly Setting[]>(
  settings: S,
  input: LoadConfigInput = {},
): ConfigOf<S> {
  const argv = input.argv ?? [];
  const env = input.env ?? {};
  const configFlag = input.configFlag ?? "--config";
  const byName = new Map(settings.map((s) => [s.name, s]));
  const byFlag = new Map(settings.map((s) => [flagName(s.name), s]));
  const values = new Map<string, unknown>();
  const sources = new Map<string, string>();

  // Flags first (parsed here, applied last), so --config is known before the file is read.
  const flags: [Setting, string, string][] = [];
  let configFile = env.OPTIO_CONFIG;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string => {
      if (eq >= 0) return arg.slice(eq + 1);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--"))
        throw new ConfigError(flag, "command line", "expected a value after the flag", `pass ${flag} VALUE`);
      i++;
      return next;
    };
    if (flag === configFlag) {
      configFile = takeValue();
      continue;
    }
    const s = byFlag.get(flag);
    if (s === undefined)
      throw new ConfigError(flag, "command line", "unknown flag", "run with --help for the list of settings");
    // A boolean flag alone means true.
    const raw =
      s.type === "boolean" && eq < 0 && (argv[i + 1] === undefined || argv[i + 1].startsWith("--"))
        ? "true"
        : takeValue();
    flags.push([s, raw, `flag ${flag}`]);
  }

  for (const s of settings) if (s.default !== undefined) values.set(s.name, s.default);

  if (configFile !== undefined && configFile !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(configFile, "utf8"));
    } catch (e) {
      throw new ConfigError(
        "config",
        configFile,
        `cannot read the config file: ${(e as Error).message}`,
        "pass the path of a JSON file of { settingName: value } with --config or OPTIO_CONFIG",
      );
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw new ConfigError(
        "config",
        configFile,
        "expected a JSON object",
        "write { settingName: value, ... }",
      );
    for (const [k, raw] of Object.entries(parsed)) {
      const s = byName.get(k);
      if (s === undefined)
        throw new ConfigError(
          k,
          `file ${configFile}`,
          "unknown setting",
          "remove it; --help lists the settings",
        );
      values.set(k, parseValue(s, raw, `file ${configFile}`));
      sources.set(k, `file ${configFile}`);
    }
  }

  for (const s of settings) {
    const name = envName(s.name);
    const raw = env[name];
    if (raw === undefined) continue;
    values.set(s.name, parseValue(s, raw, `environment ${name}`));
    sources.set(s.name, `environment ${name}`);
  }

  for (const [s, raw, source] of flags) {
    values.set(s.name, parseValue(s, raw, source));
    sources.set(s.name, source);
  }

  for (const s of settings) {
    if (!values.has(s.name))
      throw new ConfigError(
        s.name,
        "nowhere",
        "required and not set",
        `pass ${flagName(s.name)} ${exampleOf(s)} or set ${envName(s.name)}`,
      );
  }
  return Object.fromEntries(values) as ConfigOf<S>;
}

/** The --help text: every setting with its flag, environment variable, default and unit. */
export function configHelp(usage: string, settings: readonly Setting[]): string {
  const lines = [
    usage,
    "",
    "settings (flag, environment variable; flags win over the environment, which wins over --config FILE):",
  ];
  for (const s of settings) {
    const def = s.default === undefined ? "required" : `default ${JSON.stringify(s.default)}`;
    const unit = s.unit ? `, unit ${s.unit}` : "";
    lines.push(`  ${flagName(s.name)} (${envName(s.name)})  ${describeType(s)}; ${def}${unit}`);
    lines.push(`      ${s.description}`);
  }
  lines.push(`  --config FILE (OPTIO_CONFIG)  a JSON file of { settingName: value }`);
  return lines.join("\n");
}
