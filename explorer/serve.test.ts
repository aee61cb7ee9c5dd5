import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExplorerConfigError } from "./explorerConfig.ts";
import { createExplorerServer, type ExplorerServer } from "./serve.ts";

const CONFIG = {
  apiUrl: "http://127.0.0.1:8547",
  wsUrl: "ws://127.0.0.1:8547/",
  verifierUrl: "http://10.0.0.5:8549",
  quoteDecimals: 6,
};

/** A raw GET (fetch would normalize "..", which is what an attacker does not do). */
function get(
  port: number,
  path: string,
  method = "GET",
): Promise<{ status: number; body: string; csp?: string }> {
  return new Promise((ok, fail) => {
    const r = request({ host: "127.0.0.1", port, path, method }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () =>
        ok({ status: res.statusCode ?? 0, body, csp: res.headers["content-security-policy"] as string }),
      );
    });
    r.on("error", fail);
    r.end();
  });
}

describe("explorer/serve", () => {
  let dir: string;
  let server: ExplorerServer;
  beforeAll(async () => {
    const base = mkdtempSync(join(tmpdir(), "optio-serve-"));
    dir = join(base, "site");
    mkdirSync(join(dir, "assets"), { recursive: true });
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>x</title>");
    writeFileSync(join(dir, "assets", "app.js"), "console.log(1)");
    writeFileSync(join(base, "secret.txt"), "SECRET");
    server = await createExplorerServer({ root: dir, config: CONFIG, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    rmSync(join(dir, ".."), { recursive: true, force: true });
  });

  it("serves the page, its assets and /config.json on 127.0.0.1", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await get(server.port, "/")).body).toContain("<title>x</title>");
    expect((await get(server.port, "/assets/app.js")).body).toBe("console.log(1)");
    expect(JSON.parse((await get(server.port, "/config.json")).body)).toEqual(CONFIG);
  });

  it("CSP: own files only; connections to the configured APIs and loopback, nowhere else", async () => {
    const { csp } = await get(server.port, "/");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    const connect = csp?.split("; ").find((d) => d.startsWith("connect-src")) ?? "";
    expect(connect).toContain("http://10.0.0.5:8549");
    expect(connect).toContain("ws://127.0.0.1:8547");
    expect(connect.split(" ")).not.toContain("http:");
    expect(connect).not.toContain("*.");
  });

  it("attack: paths that climb out of the root (plain, encoded, NUL, absolute) get 404 and no file", async () => {
    for (const p of [
      "/../secret.txt",
      "/assets/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2e%2e%2fsecret.txt",
      "/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
      "/..%5csecret.txt",
      "/index.html%00.js",
      "//etc/passwd",
      "/%2fetc%2fpasswd",
    ]) {
      const r = await get(server.port, p);
      expect(r.body, p).not.toContain("SECRET");
      expect(r.body, p).not.toContain("root:");
      expect([400, 404], p).toContain(r.status);
    }
    expect((await get(server.port, "/%E0%A4%A")).status).toBe(400);
  });

  it("only GET and HEAD", async () => {
    expect((await get(server.port, "/", "POST")).status).toBe(405);
    expect((await get(server.port, "/", "HEAD")).status).toBe(200);
  });

  it("refuses to start without a built page or with a bad configuration", async () => {
    await expect(createExplorerServer({ root: join(dir, "assets"), config: CONFIG })).rejects.toThrow(
      /no built page/,
    );
    await expect(
      createExplorerServer({ root: dir, config: { ...CONFIG, apiUrl: "javascript:alert(1)" } }),
    ).rejects.toThrow(ExplorerConfigError);
  });
});
