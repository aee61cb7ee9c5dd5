// The inspection server's /explorer routes read by the explorer's own client (explorer/verifierApi.ts
// createVerifierClient, which runs parseAssertions, parseGames and parseGameDetail on every answer), over records
// in a real VerifierStore as the verifier keeps them and a fake L1: the contract between the two cannot drift
// unnoticed again. The verifier's own API keeps its shapes (bare arrays, used by ./optio disputes).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PublicClient } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVerifierClient } from "../../explorer/index.ts";
import { silentLogger } from "../../l1/index.ts";
import type { Verifier } from "../Verifier.ts";
import { VerifierStore } from "../VerifierStore.ts";
import { type InspectionServer, startInspectionServer } from "./startInspectionServer.ts";
import { ASSERTION, PARAMS, recordedGame } from "./testing/recordedGame.ts";

const dir = mkdtempSync(join(tmpdir(), "optio-inspection-"));
let store: VerifierStore;
let server: InspectionServer;
const won = recordedGame({ liar: "defender", tx: 28, step: 100 });
const lost = recordedGame({ liar: "challenger", tx: 3, step: 20, id: 2 });

beforeAll(async () => {
  store = new VerifierStore(dir);
  await store.assertions.put(ASSERTION, won.assertion);
  await store.challenges.put(1, won.challenge);
  await store.challenges.put(2, { ...lost.challenge, assertion: ASSERTION });
  const client = {
    getBlock: async () => ({ timestamp: BigInt(won.now) }),
    readContract: async ({ args }: { args: [bigint] }) => (args[0] === 1n ? won.onL1 : lost.onL1),
  } as unknown as PublicClient;
  const verifier = {
    store,
    agent: { entry: () => undefined },
    historyOf: () => undefined,
    deployment: {
      params: PARAMS,
      genesisAssertion: won.assertion.parent,
      contracts: { challengeManager: { address: "0x00000000000000000000000000000000000000c1" } },
    },
    client,
    status: () => ({ mode: "watch" }),
  } as unknown as Verifier;
  server = await startInspectionServer({
    host: "127.0.0.1",
    port: 0,
    verifier,
    me: undefined,
    logger: silentLogger as never,
  });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("startInspectionServer", () => {
  it("test_explorerRoutes_readByTheExplorersClient_succeeds", async () => {
    const api = createVerifierClient(`${server.url}/explorer`);
    const { now, assertions } = await api.assertions();
    expect(now).toBe(won.now);
    expect(assertions).toMatchObject([{ id: ASSERTION, verdict: "disagrees", challenges: ["1", "2"] }]);
    const { games } = await api.games();
    expect(games.map((g) => [g.id, g.phase, g.moves])).toEqual([
      ["2", "lost", lost.challenge.events.length - 1],
      ["1", "won", won.challenge.events.length - 1],
    ]);
    const one = await api.game("1");
    expect(one).toMatchObject({
      id: "1",
      role: "challenger",
      outcome: { winner: "challenger", reason: "timeout" },
    });
    expect(one?.moves.at(-1)?.kind).toBe("timeout");
    const two = await api.game("2");
    expect(two).toMatchObject({
      proof: { tx: 3, step: 20, prover: "defender" },
      outcome: { reason: "one-step-proof" },
    });
    expect(await api.game("3")).toBeNull();
  });

  it("test_verifierApi_keepsItsShapes_andAllowsAnyOrigin", async () => {
    const res = await fetch(`${server.url}/games`);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const games = await res.json();
    expect(Array.isArray(games)).toBe(true);
    expect(games[0]).toMatchObject({ id: 1, ours: false, role: null });
    expect(Array.isArray(await (await fetch(`${server.url}/assertions`)).json())).toBe(true);
    expect((await fetch(`${server.url}/explorer/nothing`)).status).toBe(404);
  });
});
