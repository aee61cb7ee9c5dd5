import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClassicLevel } from "classic-level";
import { open } from "lmdb";
import { writeU64 } from "../protocol/bytes.ts";
import { emit, median, seconds } from "./report.ts";

/**
 * The embedded database for the state tree, chosen by measurement: the tree's
 * access pattern is a synchronous random read per page on a cache miss, and one
 * atomic batch of ~10,000 page writes (about 1 KB each, keys led by the
 * commit's version so that they append) per commit.
 * kv.read: random point reads/s; kv.commit: page writes/s in one durable batch.
 * lmdb is measured; classic-level (LevelDB) is the baseline.
 */
export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "optio-bench-kv-"));
  try {
    const n = 200_000;
    const batch = 10_000;
    // Keys start with the commit's version, as the tree's page keys do, so a commit appends.
    const keys = Array.from({ length: n }, (_, i) => {
      const k = new Uint8Array(randomBytes(20));
      writeU64(k, 0, Math.floor(i / batch));
      return k;
    });
    const value = new Uint8Array(randomBytes(1024));

    const lmdb = open({
      path: join(dir, "lmdb"),
      compression: false,
      encoding: "binary",
      keyEncoding: "binary",
    });
    const level = new ClassicLevel<Uint8Array, Uint8Array>(join(dir, "level"), {
      keyEncoding: "view",
      valueEncoding: "view",
    });
    await level.open();

    const lmdbCommit: number[] = [];
    const levelCommit: number[] = [];
    for (let i = 0; i < n; i += batch) {
      const slice = keys.slice(i, i + batch);
      lmdbCommit.push(
        batch /
          (await seconds(() =>
            lmdb.transactionSync(() => {
              for (const k of slice) lmdb.put(k, value);
            }),
          )),
      );
      levelCommit.push(
        batch /
          (await seconds(() =>
            level.batch(
              slice.map((k) => ({ type: "put" as const, key: k, value })),
              { sync: true },
            ),
          )),
      );
    }
    emit({
      name: "kv.commit",
      value: Math.round(median(lmdbCommit)),
      unit: "1 KB writes/s in 10,000-write durable batches",
      baseline: "classic-level",
      baselineValue: Math.round(median(levelCommit)),
    });

    const probes = Array.from({ length: 50_000 }, () => keys[(Math.random() * n) | 0]);
    const lmdbRead: number[] = [];
    const levelRead: number[] = [];
    for (let r = 0; r < 5; r++) {
      lmdbRead.push(
        probes.length /
          (await seconds(() => {
            for (const k of probes) lmdb.getBinary(k);
          })),
      );
      levelRead.push(
        probes.length /
          (await seconds(async () => {
            for (const k of probes) await level.get(k);
          })),
      );
    }
    emit({
      name: "kv.read",
      value: Math.round(median(lmdbRead)),
      unit: "random reads/s",
      baseline: "classic-level",
      baselineValue: Math.round(median(levelRead)),
    });
    await lmdb.close();
    await level.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
