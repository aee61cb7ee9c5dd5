/**
 * WebAssembly core spec conformance: runs every command of the spec test
 * folders (wast2json output) on three runners, the interpreter, V8's own
 * WebAssembly on the module as-is, and the metered JIT runner (V8 on the module
 * rewritten by meterModule), and compares with the expected results; the
 * metered JIT must also end with the interpreter's gas left. Out-of-profile modules
 * and assertions are counted as skipped with their reason, never dropped.
 *
 * As a script: `node --import tsx vm/conformance.ts [folder ...]`; the spec
 * directory is $OPTIO_WASM_SPEC, else ../shared/wasm-spec from the repository.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { DecodeOptions } from "./decode.ts";
import { OutOfProfileError } from "./errors.ts";
import type { FlatModule } from "./FlatModule.ts";
import { type HostFunction, Interpreter, type Value } from "./Interpreter.ts";
import { JitRunner } from "./JitRunner.ts";
import { loadModule } from "./loadModule.ts";
import { MAX_MEMORY_PAGES } from "./params.ts";
import type { Trap } from "./Trap.ts";
import { type WasmExportValue, type WasmInstance, webAssembly } from "./webAssemblyApi.ts";

export const RUNNERS = ["interpreter", "v8", "jit"] as const;
export type RunnerName = (typeof RUNNERS)[number];

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  /** One line per failure: command line number and what went wrong. */
  failures: string[];
  /** Skip reason -> count. */
  skips: Map<string, number>;
}

export interface FileResult {
  readonly name: string;
  readonly runners: Record<RunnerName, Tally>;
  /** assert_malformed commands whose module is in the text format: rejected as not binary. */
  readonly textModules: number;
}

/** The spec directory to use, or undefined if none exists. */
export function findSpecDir(): string | undefined {
  const env = process.env.OPTIO_WASM_SPEC;
  if (env !== undefined && env !== "") return existsSync(env) ? resolve(env) : undefined;
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = resolve(here, "..", "..", "shared", "wasm-spec");
  return existsSync(dir) ? dir : undefined;
}

/** Folders of the spec directory that hold a NAME/NAME.json, sorted. */
export function specFolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, `${d.name}.json`)))
    .map((d) => d.name)
    .sort();
}

export interface SpecValue {
  type: string;
  value?: string | string[];
}
export interface SpecAction {
  type: "invoke" | "get";
  module?: string;
  field: string;
  args?: SpecValue[];
}
export interface SpecCommand {
  type: string;
  line: number;
  filename?: string;
  name?: string;
  as?: string;
  module_type?: string;
  action?: SpecAction;
  expected?: SpecValue[];
  text?: string;
}

type Outcome = { gasLeft?: number } & (
  | { ok: true; values: Value[] }
  | { ok: false; trap: Trap | Trap[] | string }
);

interface Loaded {
  interp: Interpreter;
  v8: WasmInstance;
  jit: JitRunner;
  flat: FlatModule;
}

/** The commands of spec folder `name`. */
export function readSpecCommands(dir: string, name: string): SpecCommand[] {
  const json = JSON.parse(readFileSync(join(dir, name, `${name}.json`), "utf8")) as {
    commands: SpecCommand[];
  };
  return json.commands;
}

/** Run one spec folder on every runner. */
export function runSpecFile(dir: string, name: string): FileResult {
  const runners = { interpreter: newTally(), v8: newTally(), jit: newTally() };
  /** The loader and the skip decisions are shared: they count on every runner. */
  const both = (f: (t: Tally) => void) => {
    for (const r of RUNNERS) f(runners[r]);
  };
  let textModules = 0;
  let current: Loaded | undefined;
  /** Why the current module is not loaded, if so ("out of profile: ..." or a load failure). */
  let currentSkip: string | undefined;
  /** Modules named in the .wast (`module $name`), loaded or why not. */
  const named = new Map<string, Loaded | string>();
  const registered = new Map<string, Loaded>();

  for (const cmd of readSpecCommands(dir, name)) {
    const where = `${name}.wast:${cmd.line}`;
    switch (cmd.type) {
      case "module": {
        const bytes = readFileSync(join(dir, name, cmd.filename!));
        const r = instantiateAll(bytes, registered);
        current = typeof r === "string" ? undefined : r;
        currentSkip = typeof r === "string" ? r : undefined;
        if (typeof r === "string" && !r.startsWith("out of profile")) {
          both((t) => fail(t, `${where}: module failed to load: ${r}`));
          currentSkip = `module failed to load: ${r}`;
        }
        if (cmd.name !== undefined) named.set(cmd.name, current ?? currentSkip!);
        break;
      }
      case "register": {
        const target = cmd.name !== undefined ? named.get(cmd.name) : current;
        if (target !== undefined && typeof target !== "string") registered.set(cmd.as!, target);
        break;
      }
      case "assert_invalid":
      case "assert_malformed":
      case "assert_unlinkable":
      case "assert_uninstantiable": {
        // The loader is shared: the JIT runner validates with it too, so both runners count its verdict.
        const bytes = readFileSync(join(dir, name, cmd.filename!));
        if (cmd.module_type === "text") textModules++;
        const r = instantiateAll(bytes, registered);
        if (typeof r === "string") both(pass);
        else both((t) => fail(t, `${where}: ${cmd.type} module was accepted (expected "${cmd.text}")`));
        break;
      }
      case "assert_return":
      case "assert_trap":
      case "assert_exhaustion":
      case "action": {
        const action = cmd.action!;
        const target = action.module !== undefined ? named.get(action.module) : (current ?? currentSkip);
        if (target === undefined || typeof target === "string") {
          // A module refused for being out of profile skips its assertions; any other refusal fails them.
          const why = target ?? "no module";
          if (why.startsWith("out of profile")) both((t) => skip(t, why));
          else both((t) => fail(t, `${where}: ${why}`));
          break;
        }
        const types = [...(action.args ?? []), ...(cmd.expected ?? [])].map((v) => v.type);
        const foreign = types.find((ty) => ty !== "i32" && ty !== "i64");
        if (foreign !== undefined) {
          both((t) => skip(t, `out of profile: ${foreign} argument or result`));
          break;
        }
        const args = (action.args ?? []).map(specValue);
        const interp = runInterpreter(target, action, args);
        if (!interp.ok && interp.trap === "out of profile") {
          both((t) => skip(t, "out of profile: calls a function stubbed out as out of profile"));
          break;
        }
        if (target.interp.growRefusedByMachineLimit) {
          both((t) =>
            skip(t, `out of profile: grows memory past the machine limit of ${MAX_MEMORY_PAGES} pages`),
          );
          break;
        }
        const v8 = runV8(target, action, args);
        const jit = runJit(target, action, args);
        for (const [runner, outcome] of [
          ["interpreter", interp],
          ["v8", v8],
          ["jit", jit],
        ] as const) {
          let problem = check(cmd, outcome);
          if (problem === undefined && runner === "jit" && outcome.gasLeft !== interp.gasLeft) {
            problem = `gas left ${outcome.gasLeft}, the interpreter's ${interp.gasLeft}`;
          }
          if (problem === undefined) pass(runners[runner]);
          else fail(runners[runner], `${where}: ${action.field}(${args.join(", ")}): ${problem}`);
        }
        break;
      }
      default:
        both((t) => skip(t, `unsupported command ${cmd.type}`));
    }
  }
  return { name, runners, textModules };
}

function newTally(): Tally {
  return { passed: 0, failed: 0, skipped: 0, failures: [], skips: new Map() };
}
function pass(t: Tally): void {
  t.passed++;
}
function fail(t: Tally, why: string): void {
  t.failed++;
  t.failures.push(why);
}
function skip(t: Tally, why: string): void {
  t.skipped++;
  t.skips.set(why, (t.skips.get(why) ?? 0) + 1);
}

/**
 * Load a module strictly; if it is out of profile, load it again with stubs so
 * its in-profile exports still run. Returns the instances, or why it was refused
 * (a reason starting "out of profile" for profile refusals).
 */
function instantiateAll(bytes: Uint8Array, registered: Map<string, Loaded>): Loaded | string {
  let flat: FlatModule;
  let options: DecodeOptions = {};
  try {
    flat = loadModule(bytes);
  } catch (e) {
    if (!(e instanceof OutOfProfileError)) return (e as Error).message;
    try {
      options = { stubOutOfProfile: true };
      flat = loadModule(bytes, options);
    } catch (e2) {
      return e2 instanceof OutOfProfileError ? `out of profile: ${e2.feature}` : (e2 as Error).message;
    }
  }
  const hosts: Record<string, HostFunction> = {};
  const jitHosts: Record<string, HostFunction> = {};
  const v8Imports: Record<string, Record<string, WasmExportValue>> = {};
  for (const imp of flat.imports) {
    const from = registered.get(imp.module);
    if (from === undefined) return `out of profile: import ${imp.module}.${imp.name} (no host module)`;
    hosts[`${imp.module}.${imp.name}`] = (args) => {
      const r = from.interp.invoke(imp.name, args);
      return r.ok ? r.values : { trap: r.trap };
    };
    jitHosts[`${imp.module}.${imp.name}`] = (args) => {
      const r = from.jit.invoke(imp.name, args);
      return r.ok ? r.values : { trap: r.trap };
    };
    v8Imports[imp.module] ??= {};
    v8Imports[imp.module][imp.name] = from.v8.exports[imp.name];
  }
  const r = Interpreter.instantiate(flat, hosts);
  if (!r.ok) return `instantiation trapped: ${r.trap}`;
  let v8: WasmInstance;
  try {
    v8 = new webAssembly.Instance(new webAssembly.Module(bytes), v8Imports);
  } catch (e) {
    return `V8 refused a module the loader accepted: ${(e as Error).message}`;
  }
  const jit = JitRunner.instantiate(bytes, jitHosts, options);
  if (!jit.ok) return `metered JIT instantiation trapped: ${jit.trap}`;
  return { interp: r.instance, v8, jit: jit.instance, flat };
}

/** A spec test value (unsigned decimal string) as the JS API passes it. */
export function specValue(v: SpecValue): Value {
  const raw = BigInt(v.value as string);
  return v.type === "i32" ? Number(BigInt.asIntN(32, raw)) : BigInt.asIntN(64, raw);
}

function runInterpreter(target: Loaded, action: SpecAction, args: Value[]): Outcome {
  if (action.type === "get") {
    const e = target.flat.exports.get(action.field);
    return { ok: true, values: [target.interp.global(e!.index)] };
  }
  const r = target.interp.invoke(action.field, args);
  return r.ok
    ? { ok: true, values: r.values, gasLeft: r.gasLeft }
    : { ok: false, trap: r.trap, gasLeft: r.gasLeft };
}

function runJit(target: Loaded, action: SpecAction, args: Value[]): Outcome {
  if (action.type === "get") return { ok: true, values: [target.jit.global(action.field)] };
  const r = target.jit.invoke(action.field, args);
  return r.ok
    ? { ok: true, values: r.values, gasLeft: r.gasLeft }
    : { ok: false, trap: r.trap, gasLeft: r.gasLeft };
}

function runV8(target: Loaded, action: SpecAction, args: Value[]): Outcome {
  const x = target.v8.exports[action.field];
  if (action.type === "get") return { ok: true, values: [(x as { value: Value }).value] };
  try {
    const r = (x as (...a: Value[]) => unknown)(...args);
    return { ok: true, values: r === undefined ? [] : Array.isArray(r) ? (r as Value[]) : [r as Value] };
  } catch (e) {
    return { ok: false, trap: v8Trap(e) };
  }
}

/** V8's error for a trap, as the spec's trap message(s) it can mean. */
function v8Trap(e: unknown): Trap | Trap[] | string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return "call stack exhausted";
  if (!(e instanceof webAssembly.RuntimeError)) return `not a trap: ${String(e)}`;
  const msg = e.message;
  if (msg === "unreachable") return "unreachable";
  if (/divide by zero|remainder by zero/.test(msg)) return "integer divide by zero";
  if (/unrepresentable|integer overflow/.test(msg)) return "integer overflow";
  if (/memory access out of bounds/.test(msg)) return "out of bounds memory access";
  if (/table index is out of bounds/.test(msg)) return "undefined element";
  // V8 reports a null entry and a signature mismatch with one message.
  if (/null function|signature mismatch/.test(msg))
    return ["uninitialized element", "indirect call type mismatch"];
  return `unknown V8 trap: ${msg}`;
}

/** undefined if the outcome is what the command expects, else what differs. */
function check(cmd: SpecCommand, o: Outcome): string | undefined {
  if (cmd.type === "assert_return" || cmd.type === "action") {
    if (!o.ok) return `expected values, got trap "${o.trap}"`;
    if (cmd.type === "action") return undefined;
    const want = (cmd.expected ?? []).map(specValue);
    if (want.length !== o.values.length || want.some((w, i) => w !== o.values[i])) {
      return `expected [${want.join(", ")}], got [${o.values.join(", ")}]`;
    }
    return undefined;
  }
  const text = cmd.type === "assert_exhaustion" ? "call stack exhausted" : cmd.text!;
  if (o.ok) return `expected trap "${text}", got values [${o.values.join(", ")}]`;
  const traps = Array.isArray(o.trap) ? o.trap : [o.trap];
  return traps.some((t) => text.startsWith(t)) ? undefined : `expected trap "${text}", got "${o.trap}"`;
}

/** Sum of the tallies of one runner over files. */
export function totals(results: readonly FileResult[], runner: RunnerName): Tally {
  const sum = newTally();
  for (const r of results) {
    const t = r.runners[runner];
    sum.passed += t.passed;
    sum.failed += t.failed;
    sum.skipped += t.skipped;
    sum.failures.push(...t.failures);
    for (const [k, n] of t.skips) sum.skips.set(k, (sum.skips.get(k) ?? 0) + n);
  }
  return sum;
}

export function formatTally(t: Pick<Tally, "passed" | "failed" | "skipped">): string {
  return `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`;
}

function main(argv: string[]): number {
  const dir = findSpecDir();
  if (dir === undefined) {
    console.log(
      "no WebAssembly spec tests found (set OPTIO_WASM_SPEC or provide ../shared/wasm-spec): skipped",
    );
    return 0;
  }
  const folders = argv.length > 0 ? argv : specFolders(dir);
  const results = folders.map((f) => runSpecFile(dir, f));
  for (const r of results) {
    const text =
      r.textModules > 0 ? ` (${r.textModules} text-format assert_malformed rejected as not binary)` : "";
    console.log(`${r.name}:${text}`);
    for (const runner of RUNNERS) {
      const t = r.runners[runner];
      console.log(`  ${runner.padEnd(11)} ${formatTally(t)}`);
      for (const [why, n] of t.skips) console.log(`    skipped ${n}: ${why}`);
      for (const f of t.failures.slice(0, 20)) console.log(`    FAILED ${f}`);
      if (t.failures.length > 20) console.log(`    ... ${t.failures.length - 20} more failures`);
    }
  }
  const all = newTally();
  for (const runner of RUNNERS) {
    const t = totals(results, runner);
    console.log(`${runner}: ${formatTally(t)}`);
    all.passed += t.passed;
    all.failed += t.failed;
    all.skipped += t.skipped;
  }
  console.log(formatTally(all));
  return all.failed === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
