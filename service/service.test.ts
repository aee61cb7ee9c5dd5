import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  Counter,
  configHelp,
  createLogger,
  createMetrics,
  loadConfig,
  type Setting,
  Shutdown,
  startOperatorServer,
} from "./index.ts";

const SETTINGS = [
  { name: "port", type: "integer", default: 8000, unit: "", min: 0, max: 65535, description: "the port" },
  { name: "batchTimeMs", type: "integer", default: 1000, unit: "ms", min: 1, description: "seal after" },
  { name: "dataDir", type: "string", default: undefined, unit: "", description: "where data lives" },
  {
    name: "logLevel",
    type: "string",
    default: "info",
    unit: "",
    oneOf: ["info", "debug"],
    description: "level",
  },
  { name: "fsync", type: "boolean", default: true, unit: "", description: "sync" },
] as const satisfies readonly Setting[];

function lines(): { stream: Writable; out: string[] } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out.push(...chunk.toString().trim().split("\n"));
      cb();
    },
  });
  return { stream, out };
}

describe("loadConfig", () => {
  it("applies defaults < file < environment < flags", () => {
    const dir = mkdtempSync(join(tmpdir(), "optio-cfg-"));
    const file = join(dir, "c.json");
    writeFileSync(file, JSON.stringify({ port: 1, batchTimeMs: 5, dataDir: "/f" }));
    const c = loadConfig(SETTINGS, {
      argv: ["--config", file, "--port=3", "--fsync", "false"],
      env: { OPTIO_PORT: "2", OPTIO_BATCH_TIME_MS: "7" },
    });
    expect(c).toEqual({ port: 3, batchTimeMs: 7, dataDir: "/f", logLevel: "info", fsync: false });
    expect(loadConfig(SETTINGS, { argv: ["--data-dir", "x", "--fsync"] }).fsync).toBe(true);
  });

  it("names the bad setting, its source and the fix", () => {
    const bad = (argv: string[], env: Record<string, string> = {}) => {
      try {
        loadConfig(SETTINGS, { argv, env });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return `${(e as ConfigError).message} | ${(e as ConfigError).fix}`;
      }
      throw new Error("accepted");
    };
    expect(bad(["--port", "70000", "--data-dir", "x"])).toMatch(
      /setting port \(from flag --port\).*70000.*--port 8000/,
    );
    expect(bad(["--data-dir", "x"], { OPTIO_BATCH_TIME_MS: "1.5" })).toMatch(
      /batchTimeMs \(from environment OPTIO_BATCH_TIME_MS\)/,
    );
    expect(bad([])).toMatch(/dataDir.*required.*--data-dir/);
    expect(bad(["--data-dir", "x", "--log-level", "loud"])).toMatch(/one of info, debug/);
    expect(bad(["--data-dir", "x", "--bogus", "1"])).toMatch(/--bogus.*unknown flag/);
    expect(bad(["--data-dir"])).toMatch(/expected a value/);
    expect(bad(["--config", "/nonexistent/x.json"])).toMatch(/cannot read the config file/);
  });

  it("--help lists every setting with default and unit", () => {
    const help = configHelp("usage: x", SETTINGS);
    for (const s of SETTINGS)
      expect(help).toContain(`--${s.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    expect(help).toContain("OPTIO_BATCH_TIME_MS");
    expect(help).toContain("default 1000, unit ms");
    expect(help).toContain("required");
  });
});

describe("operator server", () => {
  it("serves /healthz, /readyz, /metrics and admin actions behind a bearer token", async () => {
    const { stream, out } = lines();
    const logger = createLogger({ service: "t", destination: stream });
    const metrics = createMetrics("t");
    const c = new Counter({ name: "optio_test_things_total", help: "things", registers: [metrics] });
    c.inc(3);
    let ready = false;
    let calls = 0;
    const token = "0123456789abcdef0123";
    const srv = await startOperatorServer({
      port: 0,
      metrics,
      logger,
      readiness: () => (ready ? { ready: true } : { ready: false, reason: "replaying", fix: "wait" }),
      admin: { poke: (b) => ({ calls: ++calls, b }) },
      adminToken: token,
    });
    try {
      expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
      const r0 = await fetch(`${srv.url}/readyz`);
      expect(r0.status).toBe(503);
      expect(await r0.json()).toEqual({ status: "not ready", reason: "replaying", fix: "wait" });
      ready = true;
      expect((await fetch(`${srv.url}/readyz`)).status).toBe(200);
      const m = await (await fetch(`${srv.url}/metrics`)).text();
      expect(m).toContain('optio_test_things_total{service="t"} 3');
      expect(m).toContain("optio_process_cpu_user_seconds_total");
      const post = (path: string, auth?: string, body = "{}") =>
        fetch(`${srv.url}${path}`, { method: "POST", body, headers: auth ? { authorization: auth } : {} });
      expect((await post("/admin/poke")).status).toBe(401);
      expect((await post("/admin/poke", `Bearer ${token}x`)).status).toBe(401);
      expect(calls).toBe(0);
      expect((await post("/admin/nope", `Bearer ${token}`)).status).toBe(404);
      expect((await post("/admin/toString", `Bearer ${token}`)).status).toBe(404);
      expect((await post("/admin/poke", `Bearer ${token}`, "{bad")).status).toBe(400);
      const ok = await post("/admin/poke", `Bearer ${token}`, '{"a":1}');
      expect(await ok.json()).toEqual({ result: { calls: 1, b: { a: 1 } } });
      expect((await post("/admin/poke", `Bearer ${token}`, "x".repeat(70_000))).status).toBe(413);
    } finally {
      await srv.close();
    }
    const logged = out.map((l) => JSON.parse(l));
    expect(logged.every((l) => l.service === "t" && typeof l.time === "string")).toBe(true);
    expect(logged.some((l) => l.msg === "admin request refused: bad token")).toBe(true);
  });

  it("refuses admin actions when no token is set", async () => {
    const logger = createLogger({ service: "t", destination: lines().stream });
    const srv = await startOperatorServer({
      port: 0,
      metrics: createMetrics("t"),
      logger,
      readiness: () => ({ ready: true }),
      admin: { poke: () => 1 },
    });
    try {
      const r = await fetch(`${srv.url}/admin/poke`, {
        method: "POST",
        headers: { authorization: "Bearer " },
      });
      expect(r.status).toBe(403);
    } finally {
      await srv.close();
    }
  });
});

describe("Shutdown", () => {
  it("runs phases in order (stop intake, drain, flush, close), once, past a failing step", async () => {
    const { stream, out } = lines();
    const s = new Shutdown(createLogger({ service: "t", destination: stream }));
    const order: string[] = [];
    s.add("close", "db", () => {
      order.push("close db");
    });
    s.add("flush", "log", async () => {
      await new Promise((r) => setTimeout(r, 5));
      order.push("flush log");
      throw new Error("disk");
    });
    s.add("stop intake", "api", () => {
      order.push("stop api");
    });
    s.add("drain", "queue", () => {
      order.push("drain");
    });
    const [a, b] = await Promise.all([s.run("test"), s.run("again")]);
    expect(order).toEqual(["stop api", "drain", "flush log", "close db"]);
    expect([a, b]).toEqual([1, 1]);
    expect(out.some((l) => JSON.parse(l).msg === "shutdown step failed")).toBe(true);
  });
});
