import { describe, expect, it } from "vitest";
import { fmtDuration, fmtEth, fmtQty, fmtQuote, fmtUnits, shortHex } from "./format.ts";

describe("format", () => {
  it("scales integers exactly, grouped, truncated, signed", () => {
    expect(fmtQuote("2990000000", 6)).toBe("2,990");
    expect(fmtQuote("2990123456", 6)).toBe("2,990.12");
    expect(fmtQuote("-1500000", 6)).toBe("-1.5");
    expect(fmtQty("150000000")).toBe("1.5");
    expect(fmtUnits("123456789012345678901234567890", 18, 4)).toBe("123,456,789,012.3456");
    expect(fmtEth("100000000000000000")).toBe("0.1 ETH");
    expect(fmtQuote(null, 6)).toBe("—");
    expect(fmtQuote("12abc", 6)).toBe("?");
  });
  it("durations and hashes", () => {
    expect(fmtDuration(92)).toBe("1:32");
    expect(fmtDuration(-5)).toBe("0:00");
    expect(fmtDuration(90_061)).toBe("1d 01:01:01");
    expect(shortHex(`0x${"ab".repeat(32)}`, 4)).toBe("0xabab…abab");
  });
});
