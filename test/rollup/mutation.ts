// Mutation testing of the game and bond logic (contracts/rollup/ChallengeManager.sol, Rollup.sol, BondLedger.sol):
// each mutant flips one comparison, swaps the side to move or the winner, drops one revert check, flips a boolean
// or an arithmetic sign on a bond line; it is compiled and the rollup tests run against it (stopping at the first
// failure). A mutant the tests do not notice survives. A longer job, not part of `./optio test`:
//
//   node --import tsx test/rollup/mutation.ts [--only REGEX] [--limit N] [--out FILE]
//
// --only keeps the mutants whose "file:line function kind mutated-line" matches REGEX.
//
// It works in a copy of the checkout under the system temp directory (node_modules and .tools linked), so the
// checkout and its artifacts are never touched; the report (JSON: every mutant and its fate) goes to --out
// (default .optio/mutation.json) and the summary to stdout. docs/mutation.md records the latest score.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const TARGETS = [
  "contracts/rollup/ChallengeManager.sol",
  "contracts/rollup/Rollup.sol",
  "contracts/rollup/BondLedger.sol",
];
/** Fastest first: most mutants die in the first file. */
const TESTS = [
  "test/rollup/incentives.test.ts",
  "test/rollup/challenge.test.ts",
  "test/rollup/timing.test.ts",
  "test/rollup/rollup.test.ts",
  "test/rollup/multiparty.test.ts",
  "test/rollup/genesis.test.ts",
  "test/rollup/invariants.test.ts",
];
const TEST_ENV = { ROLLUP_INVARIANT_RUNS: "200", ROLLUP_RANDOM_GAMES: "4" };

export interface Mutant {
  file: string;
  /** The function the line is in. */
  fn: string;
  line: number;
  kind: "comparison" | "side" | "drop-check" | "boolean" | "arithmetic";
  before: string;
  after: string;
}

/** Functions left alone: views for services, wiring and hashing (pinned by hash vectors elsewhere). */
const SKIP = new Set([
  "constructor",
  "connect",
  "getAssertion",
  "getChallenge",
  "initialMachineHash",
  "_stepClaims",
  "proposingOpen",
  "clockLeft",
]);

const COMPARISON: Record<string, string> = {
  "<": "<=",
  "<=": "<",
  ">": ">=",
  ">=": ">",
  "==": "!=",
  "!=": "==",
};

/**
 * Every mutant of one source file: code lines of its functions (comments, declarations, imports and the functions
 * in SKIP are left alone).
 */
export function mutantsOf(file: string, source: string): Mutant[] {
  const out: Mutant[] = [];
  const lines = source.split("\n");
  let fn = "";
  lines.forEach((text, i) => {
    const code = text.trim();
    const header = /^(?:function (\w+)|(constructor))\(/.exec(code);
    if (header) fn = header[1] ?? header[2];
    if (fn === "" || SKIP.has(fn) || header) return;
    if (
      code === "" ||
      code.startsWith("//") ||
      code.startsWith("*") ||
      /^(import|error|event|pragma)\b/.test(code)
    )
      return;
    if (/\b(uint8 internal constant|mapping\()/.test(code)) return;
    const add = (kind: Mutant["kind"], after: string) => {
      if (after !== text) out.push({ file, fn, line: i + 1, kind, before: text, after });
    };
    // Comparisons (not shifts, not =>).
    const cmp = /(?<![<>=!])(<=|>=|==|!=|<|>)(?![<>=])/g;
    for (let m = cmp.exec(text); m; m = cmp.exec(text)) {
      if (m[1] === ">" && text[m.index - 1] === "=") continue;
      add("comparison", text.slice(0, m.index) + COMPARISON[m[1]] + text.slice(m.index + m[1].length));
    }
    // The side to move and the winner.
    const side = /(?<![.\w!])c\.challengerToMove(?!\s*=[^=])/g;
    for (let m = side.exec(text); m; m = side.exec(text)) {
      add("side", `${text.slice(0, m.index)}!${text.slice(m.index)}`);
    }
    if (/CHALLENGER_WON|DEFENDER_WON/.test(text))
      add(
        "side",
        text.replace(/CHALLENGER_WON|DEFENDER_WON/g, (w) =>
          w === "CHALLENGER_WON" ? "DEFENDER_WON" : "CHALLENGER_WON",
        ),
      );
    // Checks: a one-line `if (...) revert ...;`, or a revert statement inside an if block.
    if (/^if \(.*\) revert \w+\(.*\);$/.test(code) || /^revert \w+\(.*\);$/.test(code)) add("drop-check", "");
    if (/^if \(.*\) return _dismiss\(c, id\);$/.test(code)) add("drop-check", "");
    // Booleans assigned.
    if (/= (true|false);/.test(text))
      add(
        "boolean",
        text.replace(/= (true|false);/, (_w, b) => `= ${b === "true" ? "false" : "true"};`),
      );
    // Signs on bond lines.
    if (/[Bb]ond|burn|perShare|withdrawable|Clock/.test(text)) {
      if (/\+=/.test(text)) add("arithmetic", text.replace("+=", "-="));
      else if (/-=/.test(text)) add("arithmetic", text.replace("-=", "+="));
      if (/ - /.test(text)) add("arithmetic", text.replace(" - ", " + "));
    }
  });
  return out;
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function main() {
  const argv = process.argv.slice(2);
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = opt("--only") ? new RegExp(opt("--only") as string) : undefined;
  const limit = Number(opt("--limit") ?? Number.POSITIVE_INFINITY);
  const outFile = resolve(ROOT, opt("--out") ?? ".optio/mutation.json");

  const work = mkdtempSync(join(tmpdir(), "optio-mutation-"));
  for (const entry of ["contracts", "test", "protocol", "vm", "deploy", "prover", "engine", "scripts"])
    cpSync(join(ROOT, entry), join(work, entry), { recursive: true });
  for (const f of ["hardhat.config.ts", "package.json", "tsconfig.json", "vitest.config.ts"])
    cpSync(join(ROOT, f), join(work, f));
  for (const d of ["artifacts", "cache"])
    if (existsSync(join(ROOT, d))) cpSync(join(ROOT, d), join(work, d), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(work, "node_modules"));
  if (existsSync(join(ROOT, ".tools"))) symlinkSync(join(ROOT, ".tools"), join(work, ".tools"));

  const build = () => run("npx", ["hardhat", "build", "--quiet"], work);
  // One file at a time, fastest first, stopping at the first failure: a killed mutant costs its first failing file.
  const test = () =>
    run("npx", ["vitest", "run", "--bail", "1", "--no-file-parallelism", ...TESTS], work, TEST_ENV);

  let mutants = TARGETS.flatMap((f) => mutantsOf(f, readFileSync(join(ROOT, f), "utf8")));
  if (only) mutants = mutants.filter((m) => only.test(`${m.file}:${m.line} ${m.fn} ${m.kind} ${m.after}`));
  mutants = mutants.slice(0, limit);
  console.log(`${mutants.length} mutants in ${work}`);

  const started = Date.now();
  if (build().status !== 0 || test().status !== 0)
    throw new Error("the unmutated contracts do not pass the tests");
  console.log(`baseline passes (${((Date.now() - started) / 1000).toFixed(0)} s)`);

  const results: (Mutant & { fate: "killed" | "survived" | "stillborn"; seconds: number })[] = [];
  for (const [n, m] of mutants.entries()) {
    const t0 = Date.now();
    const path = join(work, m.file);
    const original = readFileSync(path, "utf8");
    const lines = original.split("\n");
    lines[m.line - 1] = m.after;
    writeFileSync(path, lines.join("\n"));
    let fate: "killed" | "survived" | "stillborn";
    try {
      if (build().status !== 0) fate = "stillborn";
      else fate = test().status === 0 ? "survived" : "killed";
    } finally {
      writeFileSync(path, original);
    }
    const seconds = (Date.now() - t0) / 1000;
    results.push({ ...m, fate, seconds });
    console.log(
      `${n + 1}/${mutants.length} ${fate.padEnd(9)} ${m.file}:${m.line} ${m.kind}: ${m.after.trim() || "(line dropped)"}`,
    );
  }
  build();
  const killed = results.filter((x) => x.fate === "killed").length;
  const survived = results.filter((x) => x.fate === "survived");
  const valid = killed + survived.length;
  const summary = {
    mutants: results.length,
    stillborn: results.length - valid,
    killed,
    survived: survived.length,
    score: valid === 0 ? 0 : killed / valid,
    minutes: (Date.now() - started) / 60_000,
  };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify({ summary, results }, null, 2));
  console.log(JSON.stringify(summary));
  for (const s of survived)
    console.log(
      `SURVIVED ${s.file}:${s.line} ${s.kind}: ${s.before.trim()} -> ${s.after.trim() || "(dropped)"}`,
    );
  rmSync(work, { recursive: true, force: true });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
