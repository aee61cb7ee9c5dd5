import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mathTablesSource } from "./genTables.ts";

describe("engine/math/tables.as.ts", () => {
  it("is exactly what genTables.ts generates from the BigInt references", () => {
    const committed = readFileSync(new URL("./tables.as.ts", import.meta.url), "utf8");
    expect(committed).toBe(mathTablesSource());
  });
});
