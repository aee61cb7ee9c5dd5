import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../../service/index.ts";
import type { Verifier } from "../Verifier.ts";
import { explorerRoutes, ourValuesOf } from "./explorerRoutes.ts";
import { assertionView, gameView } from "./inspection.ts";
import { createWithdrawalViews } from "./withdrawalViews.ts";

export interface InspectionServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** An answer other than 200: a refusal with what is wrong and what to do. */
class Answer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/**
 * The verifier's inspection API (docs/verifier.md, "API"): read-only JSON over HTTP on the public port.
 * GET /status, /assertions, /assertions/<id>, /games, /games/<id>, under /explorer what the web explorer reads
 * (explorerRoutes.ts: /explorer/assertions, /explorer/games, /explorer/games/<id>), and for traders without the
 * sequencer /accounts/<address>/nonce, /accounts/<address>/withdrawals, /withdrawals/<index>/proof (refusals as
 * 404 or 409 with error and fix). Anything else is 404; only GET is served. Every answer allows any origin (CORS):
 * it is read-only, and the explorer's page is on another port.
 */
export async function startInspectionServer(opts: {
  host: string;
  port: number;
  verifier: Verifier;
  me: `0x${string}` | undefined;
  logger: Logger;
}): Promise<InspectionServer> {
  const v = opts.verifier;
  const explorer = explorerRoutes({
    store: v.store,
    entry: (id) => v.agent.entry(id),
    values: (a) => {
      const h = v.historyOf(a);
      return h === undefined ? undefined : ourValuesOf(h);
    },
    deployment: v.deployment,
    client: v.client,
  });
  // Made on first use: only the trader routes need the replay's tree and the Outbox.
  let made: ReturnType<typeof createWithdrawalViews> | undefined;
  const views = () =>
    (made ??= createWithdrawalViews({
      store: v.store,
      replayer: v.replayer,
      client: v.client,
      outbox: v.deployment.contracts.outbox.address,
    }));
  const route = async (path: string): Promise<unknown> => {
    if (path.startsWith("/explorer/")) return explorer(path);
    if (path === "/status") return v.status();
    if (path === "/assertions") return v.store.allAssertions().map(assertionView);
    if (path.startsWith("/assertions/")) {
      const a = v.store.assertions.get(path.slice("/assertions/".length).toLowerCase());
      return a === undefined ? undefined : assertionView(a);
    }
    // A fault-injecting verifier's lies: kind, transaction, step and instruction where each departs.
    if (path === "/faults") return v.faults === undefined ? [] : v.faults.plans();
    const account = /^\/accounts\/(0x[0-9a-fA-F]{40})\/(nonce|withdrawals)$/.exec(path);
    if (account) {
      const address = account[1] as `0x${string}`;
      return account[2] === "nonce" ? views().nonce(address) : await views().withdrawals(address);
    }
    const proof = /^\/withdrawals\/(\d{1,19})\/proof$/.exec(path);
    if (proof) {
      const r = await views().withdrawalProof(BigInt(proof[1]));
      return r.ok ? r.proof : new Answer(r.refused.reason === "UNKNOWN_WITHDRAWAL" ? 404 : 409, r.refused);
    }
    if (path === "/games")
      return v.store.allChallenges().map((c) => gameView(c, v.agent.entry(c.id), opts.me));
    const m = /^\/games\/(\d{1,12})$/.exec(path);
    if (m) {
      const c = v.store.challenges.get(Number(m[1]));
      return c === undefined ? undefined : gameView(c, v.agent.entry(c.id), opts.me);
    }
    return undefined;
  };
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
      res.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
        "access-control-allow-origin": "*",
      });
      res.end(text);
    };
    if (req.method !== "GET") return send(405, { error: "only GET is served" });
    try {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const body = await route(path);
      if (body === undefined) return send(404, { error: `nothing at ${path}` });
      if (body instanceof Answer) return send(body.status, body.body);
      send(200, body);
    } catch (e) {
      opts.logger.error({ err: (e as Error).message, url: req.url }, "inspection API failed");
      send(500, { error: "internal error" });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${opts.host}:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
