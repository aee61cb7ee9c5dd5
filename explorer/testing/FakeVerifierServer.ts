/**
 * TEST DOUBLE. A stand-in for the verifier service's inspection API (explorer/verifierApi.ts), serving a
 * scripted game (scriptedGame.ts) and two assertions over HTTP on 127.0.0.1 with CORS, so the explorer's
 * dispute and assertion views can be driven in a browser before the real service exists. `reveal()` lands
 * the next move as if it appeared on L1; `play(ms)` reveals one every `ms`.
 */
import { createServer } from "node:http";
import type { AssertionInfo, GameDetail } from "../verifierApi.ts";
import { ASSERTION, ETHER, PROPOSER, scriptedGame } from "./scriptedGame.ts";

export interface FakeVerifierServer {
  readonly url: string;
  /** The moves revealed so far (1: ChallengeStarted only). */
  readonly revealed: number;
  readonly total: number;
  /** Lands the next move; false when the game is already over. */
  reveal(): boolean;
  /** Reveals one move every `ms` until the end; resolves then. */
  play(ms: number): Promise<void>;
  /** Requests served, by path (the test checks the page polled). */
  readonly hits: Record<string, number>;
  close(): Promise<void>;
}

export async function createFakeVerifierServer(
  game: GameDetail[] = scriptedGame(),
): Promise<FakeVerifierServer> {
  let shown = 0;
  let shownAt = Date.now();
  const hits: Record<string, number> = {};
  const current = () => game[shown];
  const l1Now = () =>
    current().clocks.now + (current().outcome === null ? Math.floor((Date.now() - shownAt) / 1000) : 0);
  const assertions = (): AssertionInfo[] => {
    const g = current();
    const start = g.moves[0].at - 40;
    return [
      {
        id: ASSERTION,
        proposer: PROPOSER,
        bond: String(ETHER / 10n),
        stateRoot: g.moves[0].values?.[1] ?? "0x",
        fromBatch: 2,
        toBatch: 4,
        txCount: g.txCount,
        createdAt: start,
        challengeDeadline: start + 300,
        status: g.outcome === null ? "pending" : "rejected",
        verdict: "disagrees",
        ourStateRoot: g.moves[0].ourValues?.[1] ?? null,
        challenges: [g.id],
      },
      {
        id: `0x${"c0".repeat(32)}`,
        proposer: PROPOSER,
        bond: String(ETHER / 10n),
        stateRoot: `0x${"01".repeat(32)}`,
        fromBatch: 0,
        toBatch: 2,
        txCount: 12,
        createdAt: start - 400,
        challengeDeadline: start - 100,
        status: "confirmed",
        verdict: "agrees",
        ourStateRoot: `0x${"01".repeat(32)}`,
        challenges: [],
      },
    ];
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    hits[path] = (hits[path] ?? 0) + 1;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" });
      res.end(JSON.stringify(body));
    };
    const g = current();
    if (path === "/assertions") return send(200, { now: l1Now(), assertions: assertions() });
    if (path === "/games")
      return send(200, {
        now: l1Now(),
        games: [
          {
            id: g.id,
            assertion: g.assertion,
            role: g.role,
            phase: g.phase,
            level: g.moves[g.moves.length - 1].level,
            moves: g.moves.length,
            updatedAt: g.clocks.lastMoveAt,
          },
        ],
      });
    if (path === `/games/${g.id}`) return send(200, { ...g, clocks: { ...g.clocks, now: l1Now() } });
    return send(404, { error: "not found" });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const addr = server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : 0;
  const reveal = () => {
    if (shown >= game.length - 1) return false;
    shown++;
    shownAt = Date.now();
    return true;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    get revealed() {
      return shown + 1;
    },
    total: game.length,
    reveal,
    async play(ms) {
      while (reveal()) await new Promise((r) => setTimeout(r, ms));
    },
    hits,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
