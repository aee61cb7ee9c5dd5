/** A small JSON record in the node's data directory, replaced atomically (write, fsync, rename). */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";

export class JsonFile<T> {
  constructor(readonly path: string) {}

  read(): T | undefined {
    if (!existsSync(this.path)) return undefined;
    return JSON.parse(readFileSync(this.path, "utf8"), (_, v) =>
      typeof v === "string" && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v,
    ) as T;
  }

  write(value: T): void {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, "w");
    try {
      writeSync(
        fd,
        JSON.stringify(value, (_, v) => (typeof v === "bigint" ? `${v}n` : v)),
      );
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
