/** `./optio sequencer` as a process: --help, refusals with the fix, and the ordered shutdown on SIGTERM. */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "viem";
import { afterAll, describe, expect, it } from "vitest";
import { keccak256 } from "../protocol/keccak.ts";

const ROOT = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "optio-seq-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function deployment(wasmHash: string): string {
  const path = join(dir, `dep-${wasmHash.slice(2, 10)}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      format: "optio-deployment/1",
      chainId: 31337,
      admin: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
      engine: { path: "engine/engine.wasm", wasmHash },
      params: { challengePeriod: 300 },
    }),
  );
  return path;
}

const GOOD = bytesToHex(keccak256(readFileSync(join(ROOT, "engine/engine.wasm"))));

function run(
  args: string[],
  onLine?: (line: string, kill: () => void) => void,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "sequencer/cli.ts", ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      const text = d.toString();
      out += text;
      for (const line of text.split("\n")) if (line) onLine?.(line, () => child.kill("SIGTERM"));
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}

describe("./optio sequencer", () => {
  it("--help lists every setting with its environment variable, default and unit", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const s of [
      "--data-dir",
      "OPTIO_BATCH_TIME_MS",
      "default 1000, unit ms",
      "--max-batch-bytes",
      "--durability",
      "--config FILE",
    ])
      expect(r.out).toContain(s);
  });

  it("refuses a bad setting, a missing deployment and an engine that is not the deployed one, with the fix", async () => {
    const bad = await run(["--batch-time-ms", "5"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(
      /setting batchTimeMs \(from flag --batch-time-ms\).*got 5\n {2}fix: pass a whole number/,
    );
    const missing = await run(["--deployment", join(dir, "none.json"), "--data-dir", join(dir, "d0")]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("not found\n  fix: start ./optio devnet");
    const wrong = await run([
      "--deployment",
      deployment(`0x${"11".repeat(32)}`),
      "--data-dir",
      join(dir, "d1"),
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(
      /the rollup was deployed with 0x1111.*\n {2}fix: run the engine the rollup was deployed with/,
    );
  });

  it("serves, then shuts down on SIGTERM in order: stop intake, drain, flush, close", async () => {
    const r = await run(
      ["--deployment", deployment(GOOD), "--data-dir", join(dir, "d2"), "--operator-port", "0"],
      (line, kill) => {
        if (line.includes('"msg":"sequencer serving"')) kill();
      },
    );
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.find((l) => l.msg === "genesis")?.seq).toBe(0);
    const steps = lines.filter((l) => l.msg === "shutdown step done").map((l) => `${l.phase}: ${l.step}`);
    // The trader API stops taking transactions first and closes after the node (no L1 key here: no L1 work step).
    expect(steps).toEqual([
      "stop intake: trader API",
      "stop intake: node intake",
      "drain: execution and durable writes",
      "flush: log and state tree",
      "close: node",
      "close: trader API",
      "close: operator port",
    ]);
    expect(lines.at(-1)).toMatchObject({ msg: "shut down", failed: 0 });
  });
});
