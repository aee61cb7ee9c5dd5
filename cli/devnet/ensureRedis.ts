/**
 * Redis for the devnet: the one answering at OPTIO_REDIS_URL (default 127.0.0.1:6379), or a
 * redis-server of our own on a free loopback port (nothing kept on disk), stopped with the devnet.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { CliError } from "../CliError.ts";

async function answers(url: string): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    retryStrategy: () => null,
  });
  r.on("error", () => {});
  try {
    await r.connect();
    return (await r.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface DevnetRedis {
  readonly url: string;
  /** Our own redis-server, if we started one. */
  readonly process: ChildProcess | undefined;
}

export async function ensureRedis(): Promise<DevnetRedis> {
  const url = process.env.OPTIO_REDIS_URL ?? "redis://127.0.0.1:6379";
  if (await answers(url)) return { url, process: undefined };
  if (spawnSync("redis-server", ["--version"]).status !== 0)
    throw new CliError(
      `no Redis answers at ${url} and redis-server is not installed`,
      "install it (Debian: apt-get install redis-server) or set OPTIO_REDIS_URL to a running Redis",
    );
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  const own = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await answers(own)) return { url: own, process: child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new CliError(`redis-server did not answer on ${own}`, "check that redis-server runs on this machine");
}
