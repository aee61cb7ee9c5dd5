// The verifier as a process (./optio verifier) against a real Hardhat node process with the rollup deployed (the
// real one-step prover, engine/engine.wasm), Redis on 127.0.0.1:6379 under a prefix per test: it reads batch 0
// from L1 (the posting transaction's calldata), replays it, judges the assertions, and plays whole disputes
// against a dishonest party driven from this test (chooseMove on a false history).
import { createWalletClient, http } from "viem";
import { afterAll, beforeAll, expect, test } from "vitest";
import { parseGameDetail, parseGames } from "../../explorer/index.ts";
import { challengeManagerAbi, rollupAbi } from "../../l1/index.ts";
import { startDevnet, type TestDevnet } from "../../l1/testing/startDevnet.ts";
import { ChallengeStatus } from "../../verifier/index.ts";
import { cleanRedis, testPrefix } from "../l1/fixture.ts";
import { stateWith } from "../rollup/fixture.ts";
import {
  account,
  challengeIdOf,
  cleanup,
  liarHistory,
  OPERATOR,
  ownRollup,
  type PostedBatch,
  playAgainst,
  postAssertion,
  postGenesisBatch,
  runCli,
  sleep,
  startVerifierProcess,
} from "./verifierProcess.ts";

let node: TestDevnet;
let devnet: TestDevnet;
let batch: PostedBatch;
const REJECTED = 3; // Rollup.Status.Rejected

beforeAll(async () => {
  node = await startDevnet();
  devnet = await ownRollup(node);
  batch = await postGenesisBatch(devnet);
}, 150_000);

afterAll(async () => {
  await node?.stop();
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

/** L1 gas the transactions of `who` used in blocks `from`.. (a figure: one side's cost of a dispute). */
async function gasOf(who: `0x${string}`, from: bigint): Promise<bigint> {
  let gas = 0n;
  const head = await devnet.client.getBlockNumber();
  for (let n = from; n <= head; n++) {
    const block = await devnet.client.getBlock({ blockNumber: n, includeTransactions: true });
    for (const tx of block.transactions)
      if (tx.from.toLowerCase() === who.toLowerCase())
        gas += (await devnet.client.getTransactionReceipt({ hash: tx.hash })).gasUsed;
  }
  return gas;
}

/** The game as the verifier's API shows it, once its phase is `phase` (the verifier sees the end a poll later). */
async function gameWhen(api: string, id: bigint, phase: string) {
  return until(
    `game ${id} ${phase}`,
    async () => {
      const games = await getJson(`${api}/games`);
      const g = games.find((x: { id: number }) => BigInt(x.id) === id);
      return g?.phase === phase ? g : undefined;
    },
    20_000,
  );
}

test("verifier_dishonestProposer_challengedByTheProcessRejectedAndChallengerPaid", async () => {
  const prefix = testPrefix();
  const { account: challenger, key } = account(11);
  const before = await devnet.client.getBalance({ address: challenger.address });
  const bad = stateWith(new Uint8Array(32), "liar-1");
  const { id: assertion, block: assertedIn } = await postAssertion(devnet, batch, { lie: "liar-1" });
  const t0 = Date.now();
  const v = await startVerifierProcess({ devnet, key, mode: "challenge", prefix });
  try {
    const { id, block: challengedIn } = await challengeIdOf(devnet, assertion, 60_000);
    const {
      status,
      gaveUp,
      moves: liar,
    } = await playAgainst(
      devnet,
      id,
      "defender",
      liarHistory(batch.honest, 2, 1000, bad.root),
      account(OPERATOR).account,
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
    const game = await gameWhen(v.api, id, "won");
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
        liarMoves: liar.join(","),
        ourMoves: game.ourValues.length,
        gain: ((await devnet.client.getBalance({ address: challenger.address })) - before).toString(),
        gasOurs: (await gasOf(challenger.address, assertedIn)).toString(),
        gasLiar: (await gasOf(account(OPERATOR).account.address, assertedIn + 1n)).toString(),
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

test("verifier_killedMidGame_restartResumesFromL1AndItsDatabaseAndWins", async () => {
  const prefix = testPrefix();
  const { account: challenger, key } = account(12);
  const bad = stateWith(new Uint8Array(32), "liar-3");
  const { id: assertion } = await postAssertion(devnet, batch, { lie: "liar-3" });
  let v = await startVerifierProcess({ devnet, key, mode: "challenge", prefix });
  const dataDir = v.dataDir;
  try {
    const { id } = await challengeIdOf(devnet, assertion, 60_000);
    const game = playAgainst(
      devnet,
      id,
      "defender",
      liarHistory(batch.honest, 3, 2000, bad.root),
      account(OPERATOR).account,
      200_000,
    );
    game.catch(() => undefined); // awaited below; a failure before that must not go unhandled
    // After our second move lands on L1: SIGKILL (no shutdown at all), then the same data directory and prefix.
    await until(
      "our second move",
      async () => {
        const ours = await devnet.client.getContractEvents({
          address: devnet.deployment.contracts.challengeManager.address,
          abi: challengeManagerAbi,
          eventName: "Bisected",
          args: { id, mover: challenger.address },
          fromBlock: 0n,
        });
        return ours.length >= 2 ? true : undefined;
      },
      60_000,
    );
    await v.stop("SIGKILL");
    const killedAt = Date.now();
    v = await startVerifierProcess({ devnet, key, mode: "challenge", prefix, dataDir });
    const { status } = await game;
    expect(status).toBe(ChallengeStatus.CHALLENGER_WON);
    const record = await gameWhen(v.api, id, "won");
    expect(record).toMatchObject({ ours: true, role: "challenger", phase: "won" });
    // The record kept what was posted before the kill (checked against the rebuilt replay at restart).
    expect(record.ourValues.length).toBeGreaterThanOrEqual(2);
    console.log(JSON.stringify({ test: "restart", secondsFromKillToWin: (Date.now() - killedAt) / 1000 }));
  } catch (e) {
    console.error(v.output().slice(-20_000));
    throw e;
  } finally {
    expect(await v.stop()).toBe(0);
    cleanup(dataDir);
    await cleanRedis(prefix);
  }
}, 300_000);

test("verifier_challengeByHand_cliOpensAndFollowsTheGameToItsEnd_disputesPrintsIt", async () => {
  const prefix = testPrefix();
  const { key } = account(14);
  const bad = stateWith(new Uint8Array(32), "liar-4");
  const { id: assertion } = await postAssertion(devnet, batch, { lie: "liar-4" });
  // Defend mode: the verifier judges the assertion wrong but does not challenge it by itself.
  const v = await startVerifierProcess({ devnet, key, mode: "defend", prefix });
  try {
    const verdict = await until(
      "the verdict",
      async () => {
        const a = await getJson(`${v.api}/assertions/${assertion}`);
        return a.verdict?.kind === "disagree" ? a.verdict : undefined;
      },
      30_000,
    );
    expect(verdict.reason).toBe("STATE_ROOT");
    await sleep(1_000);
    expect(
      (await getJson(`${v.api}/games`)).filter((g: { assertion: string }) => g.assertion === assertion),
    ).toEqual([]);
    // `./optio challenge` opens it through the operator port and prints the game until it ends.
    const cli = runCli([
      "challenge",
      assertion,
      "--api",
      v.api,
      "--operator",
      v.operator,
      "--timeout",
      "150",
    ]);
    const { id } = await challengeIdOf(devnet, assertion, 30_000);
    const { status } = await playAgainst(
      devnet,
      id,
      "defender",
      liarHistory(batch.honest, 1, 300, bad.root),
      account(OPERATOR).account,
      150_000,
    );
    expect(status).toBe(ChallengeStatus.CHALLENGER_WON);
    const { code, out } = await cli;
    expect(code).toBe(0);
    expect(out).toContain("challenge submitted");
    expect(out).toContain(`game ${id}: won`);
    expect(out).toMatch(/us {3}bisect/);
    // `./optio disputes` prints the assertion with our verdict and the game with its moves.
    const printed = await runCli(["disputes", "--api", v.api]);
    expect(printed.code).toBe(0);
    expect(printed.out).toContain("verdict disagree (STATE_ROOT)");
    expect(printed.out).toContain(`game ${id} on ${assertion.slice(0, 10)}`);
    expect(printed.out).toContain("we are challenger, won");
    // A challenge the verifier does not disagree with is refused (no bond is risked) unless forced.
    const refused = await runCli(["challenge", devnet.deployment.genesisAssertion, "--operator", v.operator]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("we do not disagree with");
  } catch (e) {
    console.error(v.output().slice(-20_000));
    throw e;
  } finally {
    expect(await v.stop()).toBe(0);
    cleanup(v.dataDir);
    await cleanRedis(prefix);
  }
}, 240_000);

test("verifier_severalGamesAtOnce_bothWonWithBothEndings", async () => {
  const prefix = testPrefix();
  const { key } = account(15);
  const liars = [
    // Which side reaches the one-step part depends on where the liar's machine departs (the last segments' part
    // sizes): after step 5 it is us (our proof), after step 3 the liar (its proof refused, then our timeout).
    { lie: "liar-5", tx: 0, step: 5 },
    { lie: "liar-6", tx: 3, step: 3 },
    { lie: "liar-7", tx: 1, step: 20 },
  ];
  const posted = [];
  for (const l of liars) posted.push({ ...l, ...(await postAssertion(devnet, batch, { lie: l.lie })) });
  const v = await startVerifierProcess({ devnet, key, mode: "challenge", prefix });
  try {
    const t0 = Date.now();
    // L1's time is one for all games: it jumps past the liars' clocks only once every game not over waits on its
    // liar (a jump while one of our clocks runs would make us lose that game on time).
    let stalled = 0;
    let over = 0;
    const jumpIfAllStalled = async () => {
      if (stalled > 0 && stalled + over === posted.length) {
        stalled = 0;
        await devnet.rpc("evm_increaseTime", [devnet.deployment.params.clock + 2]);
        await devnet.rpc("evm_mine");
      }
    };
    const results = await Promise.all(
      posted.map(async (p) => {
        const { id } = await challengeIdOf(devnet, p.id, 60_000);
        const bad = stateWith(new Uint8Array(32), p.lie);
        const played = await playAgainst(
          devnet,
          id,
          "defender",
          liarHistory(batch.honest, p.tx, p.step, bad.root),
          account(OPERATOR).account,
          150_000,
          async () => {
            stalled++;
            await jumpIfAllStalled();
          },
        );
        over++;
        await jumpIfAllStalled();
        return { id, ...played };
      }),
    );
    for (const r of results) expect(r.status).toBe(ChallengeStatus.CHALLENGER_WON);
    const endings = new Set<string>();
    let proven: unknown;
    for (const r of results) {
      const g = await gameWhen(v.api, r.id, "won");
      const sent = g.transitions.filter((t: { event: { kind: string } }) => t.event.kind === "sent");
      const ending = sent[sent.length - 1].event.move;
      endings.add(ending);
      // The explorer's view of the same game (what its Disputes page reads), checked by its own parser.
      // Its outcome comes from the follower's record of ChallengeEnded, which may land a poll after the game's end.
      const view = await until(
        `game ${r.id}'s outcome in the explorer view`,
        async () => {
          const d = parseGameDetail(await getJson(`${v.api}/explorer/games/${r.id}`));
          return d.outcome === null ? undefined : d;
        },
        20_000,
      );
      expect(view).toMatchObject({ role: "challenger", phase: "won", outcome: { winner: "challenger" } });
      if (ending === "proveStep") {
        expect(view.proof?.instruction).toMatch(/^(call_host )?[a-z][a-z0-9_.]*$/);
        proven = { tx: view.proof?.tx, step: view.proof?.step, instruction: view.proof?.instruction };
      }
    }
    expect(parseGames(await getJson(`${v.api}/explorer/games`)).games.length).toBeGreaterThanOrEqual(3);
    console.log(
      JSON.stringify({
        test: "severalGames",
        seconds: (Date.now() - t0) / 1000,
        endings: [...endings],
        proven,
      }),
    );
    // Our one-step proof through the TxSender, and the liar's refused proof followed by our timeout claim.
    expect([...endings].sort()).toEqual(["proveStep", "timeout"]);
  } catch (e) {
    console.error(v.output().slice(-20_000));
    throw e;
  } finally {
    expect(await v.stop()).toBe(0);
    cleanup(v.dataDir);
    await cleanRedis(prefix);
  }
}, 300_000);

test("verifier_twoProcessesOneRedisOneKey_shareTheGamesAndNeverMoveTwice", async () => {
  const prefix = testPrefix();
  const { account: challenger, key } = account(16);
  const lies = ["liar-9", "liar-10"];
  const posted = [];
  for (const lie of lies) posted.push({ lie, ...(await postAssertion(devnet, batch, { lie })) });
  const from = await devnet.client.getBlockNumber();
  const a = await startVerifierProcess({ devnet, key, mode: "challenge", prefix });
  const b = await startVerifierProcess({ devnet, key, mode: "challenge", prefix });
  try {
    let stalled = 0;
    let over = 0;
    const jump = async () => {
      if (stalled > 0 && stalled + over === posted.length) {
        stalled = 0;
        await devnet.rpc("evm_increaseTime", [devnet.deployment.params.clock + 2]);
        await devnet.rpc("evm_mine");
      }
    };
    const results = await Promise.all(
      posted.map(async (p, i) => {
        const { id } = await challengeIdOf(devnet, p.id, 60_000);
        const bad = stateWith(new Uint8Array(32), p.lie);
        const played = await playAgainst(
          devnet,
          id,
          "defender",
          liarHistory(batch.honest, i, 5 + i, bad.root),
          account(OPERATOR).account,
          150_000,
          async () => {
            stalled++;
            await jump();
          },
        );
        over++;
        await jump();
        return played;
      }),
    );
    for (const r of results) expect(r.status).toBe(ChallengeStatus.CHALLENGER_WON);
    // One challenge per assertion, and every transaction our key sent succeeded: no move was made twice (a
    // second copy of a move would revert, NotYourTurn or CommitmentMismatch).
    const head = await devnet.client.getBlockNumber();
    let ours = 0;
    for (let n = from; n <= head; n++) {
      const block = await devnet.client.getBlock({ blockNumber: n, includeTransactions: true });
      for (const tx of block.transactions)
        if (tx.from.toLowerCase() === challenger.address.toLowerCase()) {
          ours++;
          expect((await devnet.client.getTransactionReceipt({ hash: tx.hash })).status).toBe("success");
        }
    }
    expect(ours).toBeGreaterThan(4);
    // The second process runs without sending (the key's lock is the first one's) and takes game jobs too.
    expect(b.output()).toContain("another verifier sends for this key");
    const played = (out: string) => out.split("\n").filter((l) => l.includes('"msg":"move sent"')).length;
    console.log(
      JSON.stringify({
        test: "twoProcesses",
        movesSentByA: played(a.output()),
        movesSentByB: played(b.output()),
      }),
    );
    expect(played(a.output()) + played(b.output())).toBeGreaterThan(4);
  } catch (e) {
    console.error(a.output().slice(-10_000), b.output().slice(-10_000));
    throw e;
  } finally {
    expect(await b.stop()).toBe(0);
    expect(await a.stop()).toBe(0);
    cleanup(a.dataDir);
    cleanup(b.dataDir);
    await cleanRedis(prefix);
  }
}, 300_000);

// Last: its honest assertion, once its period passes (later tests jump L1's time), is confirmed by a verifier,
// and a confirmed sibling makes every other assertion on batch 0 dead (their games end as dismissals).
test("verifier_dishonestChallenger_defendModeWinsTheBond", async () => {
  const prefix = testPrefix();
  const { account: proposer, key } = account(OPERATOR);
  const { account: challenger } = account(13);
  const { id: assertion } = await postAssertion(devnet, batch, "honest");
  // A wrong sibling nobody challenges (defend mode does not): dead once the honest one is confirmed.
  const { id: sibling } = await postAssertion(devnet, batch, { lie: "liar-8" });
  const t0 = Date.now();
  const v = await startVerifierProcess({ devnet, key, mode: "defend", prefix });
  try {
    // The dishonest challenger opens a challenge with its bond and plays a false history.
    const wallet = createWalletClient({ account: challenger, transport: http(devnet.url) });
    const hash = await wallet.writeContract({
      chain: null,
      address: devnet.deployment.contracts.challengeManager.address,
      abi: challengeManagerAbi,
      functionName: "startChallenge",
      args: [assertion],
      value: devnet.deployment.params.challengeBond,
    });
    await devnet.client.waitForTransactionReceipt({ hash });
    const { id } = await challengeIdOf(devnet, assertion, 10_000);
    const liar = liarHistory(batch.honest, 1, 500, stateWith(new Uint8Array(32), "liar-c").root);
    const { status, moves, gaveUp } = await playAgainst(devnet, id, "challenger", liar, challenger, 150_000);
    expect(status).toBe(ChallengeStatus.DEFENDER_WON);
    // The defender's winnings (the challenger's bond less the burn) are withdrawn by the verifier.
    await until(
      "the defender's winnings withdrawn",
      async () => ((await withdrawable("challengeManager", proposer.address)) === 0n ? true : undefined),
      30_000,
    );
    const game = await gameWhen(v.api, id, "won");
    expect(game).toMatchObject({ ours: true, role: "defender", phase: "won" });
    expect((await getJson(`${v.api}/assertions/${assertion}`)).verdict).toEqual({ kind: "agree" });
    const a = await devnet.client.readContract({
      address: devnet.deployment.contracts.rollup.address,
      abi: rollupAbi,
      functionName: "getAssertion",
      args: [assertion],
    });
    expect(Number(a.status)).toBe(1); // still pending: the honest assertion stands
    // Past its challenge period the verifier confirms it, and rejects the wrong sibling it made dead.
    await devnet.rpc("evm_increaseTime", [devnet.deployment.params.challengePeriod + 1]);
    await devnet.rpc("evm_mine");
    const statusOf = async (id: `0x${string}`) =>
      Number(
        (
          await devnet.client.readContract({
            address: devnet.deployment.contracts.rollup.address,
            abi: rollupAbi,
            functionName: "getAssertion",
            args: [id],
          })
        ).status,
      );
    await until(
      "confirmed and the dead sibling rejected",
      async () =>
        (await statusOf(assertion)) === 2 && (await statusOf(sibling)) === REJECTED ? true : undefined,
      30_000,
    );
    console.log(
      JSON.stringify({
        test: "dishonestChallenger",
        disputeSeconds: (Date.now() - t0) / 1000,
        liarMoves: moves.join(","),
        liarGaveUp: gaveUp,
        ourMoves: game.ourValues.length,
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
