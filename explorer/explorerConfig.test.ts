import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, ExplorerConfigError, parseExplorerConfig, withQuery } from "./explorerConfig.ts";

describe("explorer config", () => {
  it("derives the WebSocket from the API and takes a missing verifier as none", () => {
    expect(parseExplorerConfig({ apiUrl: "http://127.0.0.1:9000" })).toEqual({
      apiUrl: "http://127.0.0.1:9000",
      wsUrl: "ws://127.0.0.1:9000",
      verifierUrl: null,
      quoteDecimals: 6,
    });
  });

  it("the query string overrides the served configuration", () => {
    const c = withQuery(DEFAULT_CONFIG, "?api=http://127.0.0.1:9100&verifier=http://127.0.0.1:9101");
    expect(c).toMatchObject({
      apiUrl: "http://127.0.0.1:9100",
      wsUrl: "ws://127.0.0.1:9100",
      verifierUrl: "http://127.0.0.1:9101",
    });
    expect(withQuery(DEFAULT_CONFIG, "?verifier=").verifierUrl).toBeNull();
    expect(withQuery(DEFAULT_CONFIG, "")).toEqual(DEFAULT_CONFIG);
  });

  it("attack: script and file URLs, wrong schemes and junk are refused naming the field", () => {
    const bad: [unknown, RegExp][] = [
      [{ apiUrl: "javascript:alert(1)" }, /apiUrl: expected a http: or https: URL/],
      [{ apiUrl: "file:///etc/passwd" }, /apiUrl/],
      [{ apiUrl: "http://x", wsUrl: "http://x" }, /wsUrl: expected a ws: or wss: URL/],
      [{ apiUrl: "http://x", verifierUrl: "data:text/html,hi" }, /verifierUrl/],
      [{ apiUrl: "not a url" }, /apiUrl: expected a URL/],
      [{ apiUrl: 7 }, /apiUrl: expected a URL string/],
      [{ apiUrl: "http://x", quoteDecimals: 6.5 }, /quoteDecimals/],
      [[], /expected an object/],
    ];
    for (const [raw, msg] of bad) {
      expect(() => parseExplorerConfig(raw)).toThrow(ExplorerConfigError);
      expect(() => parseExplorerConfig(raw)).toThrow(msg);
    }
    expect(() => withQuery(DEFAULT_CONFIG, "?api=javascript:alert(1)")).toThrow(ExplorerConfigError);
  });
});
