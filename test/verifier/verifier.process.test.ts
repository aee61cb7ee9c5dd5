// The verifier as a process (./optio verifier) against a real Hardhat node process with the rollup deployed (the
// real one-step prover, engine/engine.wasm), Redis on 127.0.0.1:6379 under a prefix per test: it reads batch 0
// from L1 (the posting transaction's calldata), replays it, judges the assertions, and plays whole disputes
// against a dishonest party driven from this test (chooseMove on a false history).
import { afterAll, beforeAll, expect, test } from "vitest";
import { challengeManagerAbi, rollupAbi } from "../../l1/index.ts";
import { ChallengeStatus } from "../../verifier/index.ts";
import { startDevnet, type TestDevnet } from "../l1/devnet.ts";
import { cleanRedis, testPrefix } from "../l1/fixture.ts";
import { stateWith } from "../rollup/fixture.ts";
import {
  account,
  challengeIdOf,
  cleanup,
  liarHistory,
  type PostedBatch,
  playAgainst,
  postAssertion,
  postGenesisBatch,
  sleep,
  startVerifierProcess,
} from "./verifierProcess.ts";

let devnet: TestDevnet;
let batch: PostedBatch;
const REJECTED = 3; // Rollup.Status.Rejected

beforeAll(async () => {
  devnet = await startDevnet();
  batch = await postGenesisBatch(devnet);
}, 150_000);

afterAll(async () => {
  await devnet?.stop();
});

const withdrawable = async (contract: "rollup" | "challengeManager", who: `0x${string}`) =>
  (await devnet.client.readContract({
    address: devnet.deployment.contracts[contract].address,
    abi: contract === "rollup" ? rollupAbi : challengeManagerAbi,
    functionName: "withdrawable",
    args: [who],
  })) as bigint;

async function until<T>(what: string, f: () => Promise<T | undefined>, limitMs: number): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs} ms`);
    await sleep(250);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the inspection API's JSON.
const getJson = async (url: string): Promise<any> => (await fetch(url)).json();

test("verifier_dishonestProposer_challengedByTheProcessRejectedAndChallengerPaid", async () => {
  const prefix = testPrefix();
  const { account: challenger, key } = account(5);
  const before = await devnet.client.getBalance({ address: challenger.address });
  const bad = stateWith(new Uint8Array(32), "liar-1");
  const { id: assertion, block: assertedIn } = await postAssertion(devnet, batch, { lie: "liar-1" });
  const t0 = Date.now();
  const v = await startVerifierProcess({ devnet, key, mode: "challenge", prefix });
  try {
    const { id, block: challengedIn } = await challengeIdOf(devnet, assertion, 60_000);
    const { status, gaveUp } = await playAgainst(
      devnet,
      id,
      "defender",
      liarHistory(batch.honest, 2, 1000, bad.root),
      account(0).account,
      150_000,
    );
    const wallMs = Date.now() - t0;
    expect(status).toBe(ChallengeStatus.CHALLENGER_WON);
    const a = await devnet.client.readContract({
      address: devnet.deployment.contracts.rollup.address,
      abi: rollupAbi,
      functionName: "getAssertion",
      args: [assertion],
    });
    expect(Number(a.status)).toBe(REJECTED);
    // The verifier withdraws its bond and its share of the forfeited assertion bond: it ends richer.
    await until(
      "bonds withdrawn",
      async () =>
        (await withdrawable("rollup", challenger.address)) === 0n &&
        (await withdrawable("challengeManager", challenger.address)) === 0n &&
        (await devnet.client.getBalance({ address: challenger.address })) > before
          ? true
          : undefined,
      30_000,
    );
    const games = await getJson(`${v.api}/games`);
    const game = games.find((g: { id: number }) => BigInt(g.id) === id);
    expect(game).toMatchObject({ ours: true, role: "challenger", phase: "won" });
    expect(game.ourValues.length).toBeGreaterThan(0);
    const verdict = (await getJson(`${v.api}/assertions/${assertion}`)).verdict;
    expect(verdict).toMatchObject({
      kind: "disagree",
      reason: "STATE_ROOT",
      txStart: 0,
      txEnd: batch.txs.length,
    });
    console.log(
      JSON.stringify({
        test: "dishonestProposer",
        detectBlocks: Number(challengedIn - assertedIn),
        disputeSeconds: wallMs / 1000,
        liarGaveUp: gaveUp,
        ourMoves: game.ourValues.length,
        gain: ((await devnet.client.getBalance({ address: challenger.address })) - before).toString(),
      }),
    );
  } catch (e) {
    console.error(v.output().slice(-20_000));
    throw e;
  } finally {
    expect(await v.stop()).toBe(0);
    cleanup(v.dataDir);
    await cleanRedis(prefix);
  }
}, 240_000);
