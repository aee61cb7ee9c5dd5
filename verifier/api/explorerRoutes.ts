import { bytesToHex, type Hex, type PublicClient } from "viem";
import { challengeManagerAbi } from "../../l1/index.ts";
import { type DisputeHistory, instructionAt } from "../../prover/index.ts";
import type { GameEntry } from "../dispute/GameAgent.ts";
import type { AssertionRecord, ChallengeRecord } from "../records.ts";
import type { VerifierDeployment } from "../VerifierDeployment.ts";
import type { VerifierStore } from "../VerifierStore.ts";
import {
  explorerAssertion,
  explorerGame,
  explorerGameSummary,
  type OurValues,
  type RangeStart,
} from "./explorerView.ts";

/** What the explorer routes read: the verifier's records, game entries and replay, the deployment, L1. */
export interface ExplorerSource {
  readonly store: VerifierStore;
  entry(id: number): GameEntry | undefined;
  /** Our values over an assertion's range (ourValuesOf its history; undefined until its batches are replayed). */
  values(a: AssertionRecord): OurValues | undefined;
  readonly deployment: Pick<VerifierDeployment, "params" | "genesisAssertion" | "contracts">;
  readonly client: PublicClient;
}

/**
 * The explorer's API (explorer/verifierApi.ts) under /explorer: GET /explorer/assertions, /explorer/games,
 * /explorer/games/<id>. Returns undefined for any other path (404). L1 reads per request: the latest block's time,
 * and for one game ChallengeManager.getChallenge (its clocks); our values and instruction names are computed once
 * per position and kept (a game's page polls every 400 ms).
 */
export function explorerRoutes(src: ExplorerSource): (path: string) => Promise<unknown> {
  const { store, deployment, client } = src;
  const times = new Map<number, number>();

  const now = async () => Number((await client.getBlock({ blockTag: "latest" })).timestamp);
  /** Block times of events recorded before the follower kept them. */
  const fillTimes = async (cs: readonly ChallengeRecord[]) => {
    for (const c of cs)
      for (const e of c.events)
        if (e.at === undefined && !times.has(e.l1Block))
          times.set(e.l1Block, Number((await client.getBlock({ blockNumber: BigInt(e.l1Block) })).timestamp));
  };
  const parentOf = (a: AssertionRecord): RangeStart | undefined =>
    a.parent === deployment.genesisAssertion ? { batchEnd: 0, txEnd: 0 } : store.assertions.get(a.parent);

  return async (path) => {
    if (path === "/explorer/assertions") {
      const challenges = store.allChallenges();
      const assertions = store
        .allAssertions()
        .sort((x, y) => y.l1Block - x.l1Block)
        .map((a) =>
          explorerAssertion(a, {
            parent: parentOf(a),
            params: deployment.params,
            challenges,
            ourRoot: a.batchEnd === 0 ? null : (store.replays.get(a.batchEnd - 1)?.rootAfter ?? null),
          }),
        );
      return { now: await now(), assertions };
    }
    if (path === "/explorer/games") {
      const challenges = store.allChallenges().sort((x, y) => y.id - x.id);
      await fillTimes(challenges);
      const games = challenges.map((c) =>
        explorerGameSummary(c, src.entry(c.id), store.assertions.get(c.assertion)?.verdict, times),
      );
      return { now: await now(), games };
    }
    const m = /^\/explorer\/games\/(\d{1,12})$/.exec(path);
    if (m === null) return undefined;
    const c = store.challenges.get(Number(m[1]));
    if (c === undefined) return undefined;
    await fillTimes([c]);
    const assertion = store.assertions.get(c.assertion);
    const onL1 = await client.readContract({
      address: deployment.contracts.challengeManager.address,
      abi: challengeManagerAbi,
      functionName: "getChallenge",
      args: [BigInt(c.id)],
    });
    return explorerGame({
      challenge: c,
      entry: src.entry(c.id),
      verdict: assertion?.verdict,
      siblings: store.allChallenges().filter((s) => s.assertion === c.assertion),
      params: deployment.params,
      onL1,
      now: await now(),
      times,
      ours: assertion === undefined ? undefined : src.values(assertion),
    });
  };
}

const valuesOf = new WeakMap<DisputeHistory, OurValues>();

/**
 * A history's values as the explorer shows them, each machine hash and instruction name computed once per
 * position and kept with the history (the replayer keeps one per assertion range).
 */
export function ourValuesOf(h: DisputeHistory): OurValues {
  let v = valuesOf.get(h);
  if (v === undefined) {
    const machine = new Map<string, Hex>();
    const instruction = new Map<string, string>();
    v = {
      root: (p) => bytesToHex(h.root(p)),
      machine: (p, s) => memo(machine, `${p}/${s}`, () => bytesToHex(h.machine(p, s))),
      instruction: (p, s) => memo(instruction, `${p}/${s}`, () => instructionAt(h, p, s)),
    };
    valuesOf.set(h, v);
  }
  return v;
}

function memo<V>(cache: Map<string, V>, key: string, compute: () => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    v = compute();
    cache.set(key, v);
  }
  return v;
}
