import { describe, expect, it } from "vitest";
import { CliError } from "./CliError.ts";
import { formatUnits, parseUnits } from "./units.ts";

describe("parseUnits / formatUnits", () => {
  it("converts decimals both ways", () => {
    expect(parseUnits("1.5", 8, "qty")).toBe(150_000_000n);
    expect(parseUnits("3000", 6, "price")).toBe(3_000_000_000n);
    expect(parseUnits("0.000001", 6, "price")).toBe(1n);
    expect(formatUnits(150_000_000n, 8)).toBe("1.5");
    expect(formatUnits("-2500000", 6)).toBe("-2.5");
    expect(formatUnits(0n, 6)).toBe("0");
  });
  it("refuses malformed text and too many decimals with the fix", () => {
    for (const bad of ["", "-1", "1e3", "abc", "1.2.3", "0x10"])
      expect(() => parseUnits(bad, 6, "price")).toThrow(CliError);
    expect(() => parseUnits("0.0000001", 6, "price")).toThrow(/at most 6 decimals/);
  });
});
