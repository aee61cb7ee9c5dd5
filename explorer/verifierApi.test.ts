import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeVerifierServer, type FakeVerifierServer } from "./testing/FakeVerifierServer.ts";
import { scriptedGame } from "./testing/scriptedGame.ts";
import { createVerifierClient, type GameDetail, parseGameDetail, VerifierApiError } from "./verifierApi.ts";

const boundary = (lo: number, hi: number, parts: number, j: number) =>
  lo + Math.floor((j * (hi - lo)) / parts);

describe("the verifier inspection API's shape", () => {
  const states = scriptedGame();
  const final = states[states.length - 1];

  it("the scripted game keeps the contract's rules: each segment is the part its mover picked", () => {
    const posted = final.moves.filter((m) => m.values !== undefined);
    for (let i = 1; i < posted.length; i++) {
      const prev = posted[i - 1];
      const m = posted[i];
      const parts = prev.values!.length - 1;
      if (m.kind === "switchToStep") {
        expect(
          boundary(prev.lo!, prev.hi!, parts, m.part! + 1) - boundary(prev.lo!, prev.hi!, parts, m.part!),
        ).toBe(1);
        expect([m.lo, m.hi]).toEqual([0, final.maxTxSteps]);
      } else {
        expect([m.lo, m.hi]).toEqual([
          boundary(prev.lo!, prev.hi!, parts, m.part!),
          boundary(prev.lo!, prev.hi!, parts, m.part! + 1),
        ]);
        // It starts at the value it agreed with and ends at one it disputes.
        expect(m.values![0]).toBe(prev.values![m.part!]);
        expect(m.values!.at(-1)).not.toBe(prev.values![m.part! + 1]);
      }
      expect(m.values!.length - 1).toBe(Math.min(final.degree, m.hi! - m.lo!));
      expect(m.mover).not.toBe(prev.mover);
    }
    expect(final.proof?.prover).toBe("challenger");
    expect(final.phase).toBe("won");
    for (const s of states) expect(parseGameDetail(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it("bad answers are refused with what was expected", () => {
    const bad = (patch: (g: Record<string, unknown>) => void) => {
      const g = JSON.parse(JSON.stringify(final)) as Record<string, unknown>;
      patch(g);
      return () => parseGameDetail(g);
    };
    const moves = (g: Record<string, unknown>) => g.moves as Record<string, unknown>[];
    expect(bad((g) => (g.phase = "winning"))).toThrow(/game.phase/);
    expect(bad((g) => (g.id = "1; drop"))).toThrow(/game.id/);
    expect(bad((g) => (moves(g)[1].hi = final.txCount + 1))).toThrow(/lo < hi/);
    expect(bad((g) => (moves(g)[1].values = ["0x00"]))).toThrow(/2\+ hex values/);
    expect(bad((g) => (moves(g)[1].values = ["0x00", "<img src=x>"]))).toThrow(/hex values/);
    expect(bad((g) => (moves(g)[1].ourValues = ["0x00"]))).toThrow(/ourValues/);
    expect(bad((g) => (moves(g)[1].kind = "surrender"))).toThrow(/move.kind/);
    expect(bad((g) => (g.clocks = { defender: 1 }))).toThrow(/clocks/);
    expect(() => parseGameDetail([])).toThrow(VerifierApiError);
  });

  describe("the client against the fake server", () => {
    let fake: FakeVerifierServer;
    beforeAll(async () => {
      fake = await createFakeVerifierServer();
    });
    afterAll(() => fake.close());

    it("reads assertions, games and a game as moves land; unknown game is null", async () => {
      const c = createVerifierClient(`${fake.url}/`);
      expect((await c.assertions()).assertions.map((a) => a.verdict)).toEqual(["disagrees", "agrees"]);
      expect((await c.games()).games[0]).toMatchObject({ id: "1", role: "challenger", phase: "started" });
      const g0 = (await c.game("1")) as GameDetail;
      fake.reveal();
      const g1 = (await c.game("1")) as GameDetail;
      expect(g1.version).toBeGreaterThan(g0.version);
      expect(g1.moves.length).toBe(2);
      expect(await c.game("99")).toBeNull();
    });

    it("attack: a game id that is not a number never reaches the network", async () => {
      let called = 0;
      const c = createVerifierClient(fake.url, (async () => {
        called++;
        return new Response("{}");
      }) as typeof fetch);
      await expect(c.game("../assertions")).rejects.toThrow(/decimal string/);
      expect(called).toBe(0);
    });

    it("HTTP errors and non-JSON answers are VerifierApiError", async () => {
      const c500 = createVerifierClient(
        "http://x",
        (async () => new Response("no", { status: 500 })) as typeof fetch,
      );
      await expect(c500.games()).rejects.toThrow(/HTTP 500/);
      const junk = createVerifierClient("http://x", (async () => new Response("<html>")) as typeof fetch);
      await expect(junk.assertions()).rejects.toThrow(/not JSON/);
    });
  });
});
