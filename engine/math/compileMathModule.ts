/**
 * Compiles engine/math/index.as.ts with the engine's flags (scripts/build-wasm.sh: -O3,
 * --runtime stub, --noAssert, no bulk memory) to bytes in memory, for the tests and the
 * benchmark. A compile takes about 5 s, so the bytes are cached under
 * node_modules/.cache/optio-math/, keyed by a hash of the sources, the flags and the compiler
 * version (the build is reproducible, so a hit is the same bytes a compile would give).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { keccak_256 } from "@noble/hashes/sha3.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "../..");
const CACHE = join(ROOT, "node_modules/.cache/optio-math");

export const MATH_ENTRY = "engine/math/index.as.ts";
export const ENGINE_ASC_FLAGS = ["-O3", "--runtime", "stub", "--noAssert", "--disable", "bulk-memory"];

/** The compiled module, from the cache when the sources are unchanged. */
export async function compileMathModule(): Promise<Uint8Array> {
  const ascVersion = JSON.parse(
    readFileSync(join(ROOT, "node_modules/assemblyscript/package.json"), "utf8"),
  ).version;
  const parts = [ascVersion, ...ENGINE_ASC_FLAGS];
  for (const f of readdirSync(HERE)
    .filter((n) => n.endsWith(".as.ts"))
    .sort()) {
    parts.push(f, readFileSync(join(HERE, f), "utf8"));
  }
  const key = Buffer.from(keccak_256(new TextEncoder().encode(parts.join("\0")))).toString("hex");
  const file = join(CACHE, `${key}.wasm`);
  try {
    return new Uint8Array(readFileSync(file));
  } catch {
    const bytes = await compileAs(MATH_ENTRY);
    mkdirSync(CACHE, { recursive: true });
    // test files compile in parallel workers: write aside, then rename (atomic), so no reader sees half a file
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
    return bytes;
  }
}

/** Compiles one AssemblyScript entry file (path from the repository root) with the engine's flags. */
export async function compileAs(entry: string): Promise<Uint8Array> {
  // Imported here, not at the top: loading the compiler costs seconds (much more through tsx), and every process that
  // finds the module in the cache (the sequencer at each start) must not pay it.
  const { default: asc } = await import("assemblyscript/asc");
  let binary: Uint8Array | undefined;
  let errors = "";
  const result = await asc.main([entry, "--baseDir", ROOT, ...ENGINE_ASC_FLAGS, "-o", "out.wasm"], {
    writeFile(name, contents) {
      if (name.endsWith(".wasm") && contents instanceof Uint8Array) binary = contents;
    },
    stderr: {
      write(chunk: string | Uint8Array) {
        errors += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
        return true;
      },
    } as never,
  });
  if (result.error !== null || binary === undefined) {
    throw new Error(`asc failed on ${entry}: ${result.error?.message ?? "no binary"}\n${errors}`);
  }
  return binary;
}
