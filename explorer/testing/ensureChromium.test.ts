import { describe, expect, it } from "vitest";
import { ensureChromium } from "./ensureChromium.ts";

describe("ensureChromium", () => {
  it("a browser elsewhere than Debian's path is never installed: missing means skip, with the path", () => {
    expect(ensureChromium("/nonexistent/chromium")).toEqual({
      skip: "no browser at /nonexistent/chromium (OPTIO_CHROMIUM)",
    });
  });
  it("an existing executable is used as it is", () => {
    expect(ensureChromium(process.execPath)).toEqual({ path: process.execPath });
  });
});
