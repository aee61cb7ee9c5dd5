// Stateful invariant tests over the deployed contracts (fast-check, model-based): random sequences of batches,
// deposits, forced inclusions, assertions (honest and lying), challenges, bisection moves, timeouts, dismissals,
// confirmations, rejections, withdrawal claims and bond withdrawals, each predicted by a plain model of the rules
// (docs/protocol.md) and checked against the chain; after every step:
// - ether held by the rollup = withdrawable bonds + burned + bonds of pending assertions + unpaid shares, and by the
//   challenge manager = withdrawable + burned + bonds of open challenges (each withdrawable also equal to the model's);
// - the confirmed assertions form one chain from genesis (the model's, in order);
// - each assertion's count of open challenges is the model's;
// - no withdrawal index is paid twice (a second claim reverts AlreadyClaimed; isClaimed as the model says);
// - the bridge's token balance = deposits - claims, and covers every unclaimed withdrawal of the latest confirmed state.
// Each sequence starts from one EVM snapshot (evm_snapshot / evm_revert) holding a started chain with deposits, two
// batches and two competing assertions, so a short sequence reaches games, rejections and claims.
// ROLLUP_INVARIANT_RUNS=<n> (default 1,000) and ROLLUP_INVARIANT_SEED=<n> (default random, printed on failure).
import fc from "fast-check";
import { type Address, type Hex, zeroAddress } from "viem";
import { expect, test } from "vitest";
import {
  assertionHash,
  type BatchHeader,
  DEVNET_PARAMS,
  depositMessage,
  partBoundaries,
  type RollupParams,
  transactionHash,
  type Withdrawal,
} from "../../protocol/index.ts";
import { assertionArg, bytes, createChain, deployRollup, headerArg, hex, stateWith } from "./fixture.ts";

const RUNS = Number(process.env.ROLLUP_INVARIANT_RUNS ?? 1_000);
const SEED = process.env.ROLLUP_INVARIANT_SEED ? Number(process.env.ROLLUP_INVARIANT_SEED) : undefined;

const chain = await createChain();
const { accounts } = chain;
const ACTORS: Address[] = [
  accounts.deployer,
  accounts.proposer,
  accounts.challenger,
  accounts.user,
  accounts.other,
];
const ALLOWED = new Set([accounts.proposer, accounts.challenger]);
// Degree 2 over 16-transaction assertions: four bisections before a game could switch level (the model stops
// there: level switches and one-step proofs are tested with real traces in challenge.test.ts and multiparty.test.ts).
const params: RollupParams = {
  ...DEVNET_PARAMS,
  degree: 2,
  txGasLimit: 20,
  forceInclusionDelay: 60,
  proposerInactivity: 900,
};
const SEQ_PER_BATCH = 16;
const r = await deployRollup(chain, { params });
const burnOf = (x: bigint) => (x * BigInt(params.burnShareBps)) / 10_000n;

// ---------------------------------------------------------------------------------------------------------- model

interface MBatch {
  header: BatchHeader;
}
interface MState {
  root: Uint8Array;
  outboxProof: Hex;
  withdrawalProof: (i: number) => Hex;
}
interface MAssertion {
  id: Hex;
  parent: Hex;
  proposer: Address;
  batchEnd: number;
  txEnd: number;
  delayedEnd: number;
  createdAt: number;
  status: "pending" | "confirmed" | "rejected";
  forfeited: boolean;
  perShare: bigint;
  open: number;
  confirmedChild?: Hex;
  state: MState;
  lying: boolean;
}
interface MGame {
  id: bigint;
  assertion: Hex;
  challenger: Address;
  defender: Address;
  lo: number;
  hi: number;
  values: Uint8Array[];
  challengerToMove: boolean;
  challengerMoved: boolean;
  challengerClock: number;
  defenderClock: number;
  lastMoveAt: number;
  open: boolean;
}
interface Model {
  now: number;
  messages: { bytes: Uint8Array; queuedAt: number; from: Address; amount: bigint }[];
  consumed: number;
  batches: MBatch[];
  assertions: Map<Hex, MAssertion>;
  order: Hex[];
  latestConfirmed: Hex;
  confirmedChain: Hex[];
  games: MGame[];
  rollupW: Map<Address, bigint>;
  cmW: Map<Address, bigint>;
  rollupBurned: bigint;
  cmBurned: bigint;
  claimed: Set<number>;
  claimedTotal: bigint;
  lastProgressAt: number;
  opened: boolean;
  salt: number;
}

/** The honest state after `delayedEnd` delayed messages: each consumed deposit withdraws half of itself. */
const withdrawalsUpTo = (m: Model, delayedEnd: number): Withdrawal[] =>
  m.messages.slice(0, delayedEnd).map((x) => ({ recipient: x.from, amount: x.amount / 2n }));

const states = new Map<string, MState>();
function stateOf(m: Model, delayedEnd: number, salt: string): MState {
  const ws = withdrawalsUpTo(m, delayedEnd);
  const key = `${salt}|${ws.map((w) => `${w.recipient}:${w.amount}`).join(",")}`;
  let s = states.get(key);
  if (!s) {
    const made = stateWith(new Uint8Array(32), salt, ws);
    s = { root: made.root, outboxProof: made.outboxProof, withdrawalProof: made.withdrawalProof };
    states.set(key, s);
  }
  return s;
}

const credit = (ledger: Map<Address, bigint>, who: Address, x: bigint) =>
  ledger.set(who, (ledger.get(who) ?? 0n) + x);

function dead(m: Model, a: MAssertion): boolean {
  const p = m.assertions.get(a.parent);
  if (!p) return false;
  return p.status === "rejected" || (p.confirmedChild !== undefined && p.confirmedChild !== a.id);
}
const standing = (m: Model, a: MAssertion) => a.status === "pending" && !dead(m, a);

function left(g: MGame): number {
  if (!g.challengerToMove) return g.defenderClock;
  if (g.challengerMoved || g.challengerClock < params.firstMoveDeadline) return g.challengerClock;
  return params.firstMoveDeadline;
}

/** Ends game g in the model as the contract does (a verdict while its assertion stands, else a dismissal). */
function endGame(m: Model, g: MGame, challengerWon: boolean) {
  const a = m.assertions.get(g.assertion) as MAssertion;
  g.open = false;
  if (standing(m, a) && !challengerWon) {
    const burn = burnOf(params.challengeBond);
    m.cmBurned += burn;
    credit(m.cmW, g.defender, params.challengeBond - burn);
  } else {
    credit(m.cmW, g.challenger, params.challengeBond);
    if (standing(m, a)) {
      a.status = "rejected";
      a.forfeited = true;
      a.perShare = (params.assertionBond - burnOf(params.assertionBond)) / BigInt(a.open);
      m.rollupBurned += params.assertionBond - a.perShare * BigInt(a.open);
    }
  }
  a.open--;
  if (a.forfeited) credit(m.rollupW, g.challenger, a.perShare);
}

// ------------------------------------------------------------------------------------------------------- actions

type Real = typeof r;
interface Action {
  kind: number;
  a: number;
  b: number;
  c: number;
}
const pick = <T>(xs: readonly T[], i: number): T | undefined =>
  xs.length === 0 ? undefined : xs[i % xs.length];

/** Sends a call in a block at `at` (the model's clock); it must succeed. */
async function call(
  at: number,
  contract: Real["rollup"],
  fn: string,
  args: unknown[],
  from: Address,
  value?: bigint,
) {
  await r.nextAt(at);
  return r.send(contract, fn, args, from, value);
}

/** Each action: whether it applies to the model (at block time t) and, if so, its effect on chain and model. */
const ACTIONS: ((m: Model, x: Action, t: number) => (() => Promise<void>) | undefined)[] = [
  // deposit
  (m, x, t) => {
    const from = x.a % 2 === 0 ? accounts.user : accounts.other;
    const amount = BigInt(1 + (x.b % 1000)) * 2n;
    return async () => {
      await call(t, r.bridge, "deposit", [amount, from, 0], from);
      m.messages.push({ bytes: depositMessage(from, 0, amount), queuedAt: t, from, amount });
    };
  },
  // postBatch (consuming some of the queued messages)
  (m, x, t) => {
    const consume = m.consumed + (x.a % (m.messages.length - m.consumed + 1));
    return async () => {
      await r.nextAt(t);
      const txs = Array.from({ length: SEQ_PER_BATCH }, (_, i) => Uint8Array.of(0x40, m.batches.length, i));
      const { header } = await r.postBatch(txs, consume);
      m.batches.push({ header });
      m.consumed = consume;
    };
  },
  // forceInclusion of every message old enough
  (m, _x, t) => {
    let upTo = m.consumed;
    while (upTo < m.messages.length && m.messages[upTo].queuedAt + params.forceInclusionDelay <= t) upTo++;
    if (upTo === m.consumed) return undefined;
    const last = m.messages[upTo - 1];
    return async () => {
      const before = {
        delayedBefore: m.consumed,
        txsBefore: headerTxEnd(m.batches[m.batches.length - 1].header),
      };
      await call(
        t,
        r.inbox,
        "forceInclusion",
        [BigInt(upTo), BigInt(last.queuedAt), hex(transactionHash(last.bytes))],
        accounts.other,
      );
      const header: BatchHeader = {
        txRoot: new Uint8Array(32),
        seqCount: 0,
        delayedAfter: upTo,
        timestamp: t,
        ...before,
      };
      m.batches.push({ header });
      m.consumed = upTo;
    };
  },
  // createAssertion (honest or lying) on a pending or confirmed parent, over every batch posted
  (m, x, t) => {
    const from = pick(ACTORS.slice(1), x.a) as Address;
    const allowed = ALLOWED.has(from) || m.opened || t >= m.lastProgressAt + params.proposerInactivity;
    const parents = m.order.filter((id) => (m.assertions.get(id) as MAssertion).status !== "rejected");
    const parent = m.assertions.get(pick(parents, x.b) as Hex) as MAssertion;
    const batchEnd = m.batches.length;
    if (!allowed || !parent || batchEnd <= parent.batchEnd) return undefined;
    const header = m.batches[batchEnd - 1].header;
    const lying = x.c % 3 === 0;
    const state = stateOf(m, header.delayedAfter, lying ? `lie ${m.salt++}` : `honest ${batchEnd}`);
    const data = {
      parent: bytes(parent.id),
      stateRoot: state.root,
      outboxRoot: new Uint8Array(32),
      batchEnd,
      txEnd: headerTxEnd(header),
      delayedEnd: header.delayedAfter,
    };
    const id = hex(assertionHash(data, from));
    if (m.assertions.has(id)) return undefined;
    return async () => {
      await call(
        t,
        r.rollup,
        "createAssertion",
        [assertionArg(data), headerArg(header), state.outboxProof],
        from,
        params.assertionBond,
      );
      if (!ALLOWED.has(from)) m.opened = true;
      m.lastProgressAt = t;
      m.assertions.set(id, {
        id,
        parent: parent.id,
        proposer: from,
        batchEnd,
        txEnd: data.txEnd,
        delayedEnd: data.delayedEnd,
        createdAt: t,
        status: "pending",
        forfeited: false,
        perShare: 0n,
        open: 0,
        state,
        lying,
      });
      m.order.push(id);
    };
  },
  // startChallenge
  (m, x, t) => {
    const a = m.assertions.get(pick(m.order, x.a) as Hex) as MAssertion;
    const who = pick(ACTORS, x.b) as Address;
    if (!a || !standing(m, a) || t >= a.createdAt + params.challengePeriod || who === a.proposer)
      return undefined;
    const parent = m.assertions.get(a.parent) as MAssertion;
    return async () => {
      await call(t, r.cm, "startChallenge", [a.id], who, params.challengeBond);
      const id = (await r.cm.read.challengeCount()) as bigint;
      a.open++;
      m.games.push({
        id,
        assertion: a.id,
        challenger: who,
        defender: a.proposer,
        lo: 0,
        hi: a.txEnd - parent.txEnd,
        values: [parent.state.root, a.state.root],
        challengerToMove: true,
        challengerMoved: false,
        challengerClock: params.clock,
        defenderClock: params.clock,
        lastMoveAt: t,
        open: true,
      });
    };
  },
  // bisect: the mover disputes a part of the last segment with values of its own
  (m, x, t) => {
    const g = pick(
      m.games.filter((y) => y.open && t - y.lastMoveAt <= left(y)),
      x.a,
    );
    if (!g) return undefined;
    const parts = g.values.length - 1;
    const k = x.b % parts;
    const bounds = partBoundaries(g.lo, g.hi, parts);
    const [lo, hi] = [bounds[k], bounds[k + 1]];
    if (hi - lo < 2) return undefined;
    const n = Math.min(params.degree, hi - lo);
    const values = Array.from({ length: n + 1 }, (_, i) =>
      i === 0
        ? g.values[k]
        : Uint8Array.from({ length: 32 }, (_, j) => (x.c + i * 7 + j + Number(g.id)) & 0xff),
    );
    if (hex(values[n]) === hex(g.values[k + 1])) values[n] = new Uint8Array(32).fill(0xee);
    const mover = g.challengerToMove ? g.challenger : g.defender;
    return async () => {
      const prev = { lo: BigInt(g.lo), hi: BigInt(g.hi), values: g.values.map(hex) };
      await call(t, r.cm, "bisect", [g.id, prev, BigInt(k), values.map(hex)], mover);
      const elapsed = t - g.lastMoveAt;
      if (g.challengerToMove) {
        g.challengerClock -= elapsed;
        g.challengerMoved = true;
      } else g.defenderClock -= elapsed;
      Object.assign(g, { lo, hi, values, lastMoveAt: t, challengerToMove: !g.challengerToMove });
    };
  },
  // timeout
  (m, x, t) => {
    const g = pick(
      m.games.filter((y) => y.open && t - y.lastMoveAt > left(y)),
      x.a,
    );
    if (!g) return undefined;
    return async () => {
      await call(t, r.cm, "timeout", [g.id], pick(ACTORS, x.b) as Address);
      endGame(m, g, !g.challengerToMove);
    };
  },
  // dismiss
  (m, x, t) => {
    const g = pick(
      m.games.filter((y) => y.open && !standing(m, m.assertions.get(y.assertion) as MAssertion)),
      x.a,
    );
    if (!g) return undefined;
    return async () => {
      await call(t, r.cm, "dismiss", [g.id], accounts.other);
      endGame(m, g, false);
    };
  },
  // confirm
  (m, _x, t) => {
    const a = m.order
      .map((id) => m.assertions.get(id) as MAssertion)
      .find(
        (y) =>
          y.status === "pending" &&
          y.parent === m.latestConfirmed &&
          t >= y.createdAt + params.challengePeriod &&
          y.open === 0,
      );
    if (!a) return undefined;
    return async () => {
      await call(t, r.rollup, "confirm", [a.id], accounts.user);
      a.status = "confirmed";
      (m.assertions.get(a.parent) as MAssertion).confirmedChild = a.id;
      m.latestConfirmed = a.id;
      m.confirmedChain.push(a.id);
      m.lastProgressAt = t;
      credit(m.rollupW, a.proposer, params.assertionBond);
    };
  },
  // reject (dead, no open game)
  (m, x, t) => {
    const a = pick(
      m.order
        .map((id) => m.assertions.get(id) as MAssertion)
        .filter((y) => y.status === "pending" && y.open === 0 && dead(m, y)),
      x.a,
    );
    if (!a) return undefined;
    return async () => {
      await call(t, r.rollup, "reject", [a.id], accounts.user);
      a.status = "rejected";
      credit(m.rollupW, a.proposer, params.assertionBond);
    };
  },
  // claim a withdrawal of the latest confirmed state (or try one already paid: it must revert)
  (m, x, t) => {
    const a = m.assertions.get(m.latestConfirmed) as MAssertion;
    if (a.delayedEnd === 0) return undefined;
    const i = x.a % a.delayedEnd;
    const w = withdrawalsUpTo(m, a.delayedEnd)[i];
    return async () => {
      const args = [a.id, BigInt(i), a.state.withdrawalProof(i)];
      if (m.claimed.has(i)) {
        await r.nextAt(t);
        await expect(r.send(r.outbox, "claim", args, accounts.other)).rejects.toThrow(/AlreadyClaimed/);
        await chain.testClient.mine({ blocks: 1 }); // the block the refused call did not make
        return;
      }
      await call(t, r.outbox, "claim", args, accounts.other);
      m.claimed.add(i);
      m.claimedTotal += w.amount;
    };
  },
  // withdrawBonds from either contract
  (m, x, t) => {
    const ledger = x.b % 2 === 0 ? m.rollupW : m.cmW;
    const who = pick(
      ACTORS.filter((y) => (ledger.get(y) ?? 0n) > 0n),
      x.a,
    );
    if (!who) return undefined;
    return async () => {
      await call(t, ledger === m.rollupW ? r.rollup : r.cm, "withdrawBonds", [], who);
      ledger.set(who, 0n);
    };
  },
];

const headerTxEnd = (h: BatchHeader) => h.txsBefore + h.seqCount + h.delayedAfter - h.delayedBefore;
/** Seconds an "advance" action moves the clock: around every deadline of the devnet parameters. */
const JUMPS = [
  1,
  30,
  params.firstMoveDeadline,
  params.firstMoveDeadline + 1,
  params.clock,
  params.clock + 1,
  params.challengePeriod,
  params.proposerInactivity,
];

// ---------------------------------------------------------------------------------------------------- invariants

async function checkInvariants(m: Model) {
  const { publicClient } = chain;
  const [rollupEth, cmEth, rollupBurned, cmBurned, bridgeTokens, latest] = await Promise.all([
    publicClient.getBalance({ address: r.rollup.address }),
    publicClient.getBalance({ address: r.cm.address }),
    r.rollup.read.burned(),
    r.cm.read.burned(),
    r.token.read.balanceOf([r.bridge.address]),
    r.rollup.read.latestConfirmed(),
  ]);
  const rollupW = await Promise.all(ACTORS.map((a) => r.rollup.read.withdrawable([a])));
  const cmW = await Promise.all(ACTORS.map((a) => r.cm.read.withdrawable([a])));
  ACTORS.forEach((a, i) => {
    expect(rollupW[i], `rollup withdrawable ${a}`).toBe(m.rollupW.get(a) ?? 0n);
    expect(cmW[i], `cm withdrawable ${a}`).toBe(m.cmW.get(a) ?? 0n);
  });
  expect(rollupBurned).toBe(m.rollupBurned);
  expect(cmBurned).toBe(m.cmBurned);
  const all = [...m.assertions.values()];
  const pending = BigInt(all.filter((a) => a.status === "pending").length);
  const unpaidShares = all.reduce((s, a) => s + (a.forfeited ? a.perShare * BigInt(a.open) : 0n), 0n);
  const sum = (xs: bigint[]) => xs.reduce((s, x) => s + x, 0n);
  expect(rollupEth, "rollup ether").toBe(
    sum(rollupW) + rollupBurned + params.assertionBond * pending + unpaidShares,
  );
  const openGames = BigInt(m.games.filter((g) => g.open).length);
  expect(cmEth, "challenge manager ether").toBe(sum(cmW) + cmBurned + params.challengeBond * openGames);
  // One confirmed chain: walking back from the head gives the model's chain.
  expect(latest).toBe(m.latestConfirmed);
  const walked: Hex[] = [];
  for (let id = latest as Hex; id !== m.confirmedChain[0]; ) {
    walked.unshift(id);
    const a = await r.rollup.read.getAssertion([id]);
    expect(a.status).toBe(2);
    id = a.parent;
  }
  expect([m.confirmedChain[0], ...walked]).toEqual(m.confirmedChain);
  // Open challenges per assertion.
  for (const a of all.filter((y) => y.open > 0 || m.games.some((g) => g.assertion === y.id))) {
    const real = await r.rollup.read.getAssertion([a.id]);
    expect(real.openChallenges, `open challenges on ${a.id}`).toBe(a.open);
    expect(real.status).toBe({ pending: 1, confirmed: 2, rejected: 3 }[a.status]);
  }
  // Tokens: deposits less claims, covering every unclaimed withdrawal the latest confirmed state holds.
  const deposited = sum(m.messages.map((x) => x.amount));
  expect(bridgeTokens).toBe(deposited - m.claimedTotal);
  const head = m.assertions.get(m.latestConfirmed) as MAssertion;
  const owed = sum(withdrawalsUpTo(m, head.delayedEnd).map((w, i) => (m.claimed.has(i) ? 0n : w.amount)));
  expect(bridgeTokens >= owed).toBe(true);
  for (const i of m.claimed) expect(await r.outbox.read.isClaimed([BigInt(i)])).toBe(true);
}

// --------------------------------------------------------------------------------------------------------- setup

/** The snapshot every sequence starts from: a started chain, two deposits, two batches, two rival assertions. */
async function baseModel(): Promise<Model> {
  const genesis = (await r.rollup.read.genesis()) as Hex;
  const m: Model = {
    now: 0,
    messages: [],
    consumed: 0,
    batches: [],
    assertions: new Map(),
    order: [],
    latestConfirmed: genesis,
    confirmedChain: [genesis],
    games: [],
    rollupW: new Map(),
    cmW: new Map(),
    rollupBurned: 0n,
    cmBurned: 0n,
    claimed: new Set(),
    claimedTotal: 0n,
    lastProgressAt: Number(await r.rollup.read.lastProgressAt()),
    opened: false,
    salt: 0,
  };
  m.assertions.set(genesis, {
    id: genesis,
    parent: `0x${"00".repeat(32)}` as Hex,
    proposer: zeroAddress,
    batchEnd: 0,
    txEnd: 0,
    delayedEnd: 0,
    createdAt: 0,
    status: "confirmed",
    forfeited: false,
    perShare: 0n,
    open: 0,
    state: { root: r.genesisRoot, outboxProof: "0x", withdrawalProof: () => "0x" },
    lying: false,
  });
  m.order.push(genesis);
  m.now = await r.now();
  for (const who of [accounts.user, accounts.other]) {
    await r.send(r.token, "mint", [who, 10n ** 12n]);
    await r.send(r.token, "approve", [r.bridge.address, 2n ** 255n], who);
  }
  m.now = await r.now();
  const script: Action[] = [
    { kind: 1, a: 0, b: 0, c: 0 }, // batch 0 (nothing queued yet)
    { kind: 0, a: 0, b: 499, c: 0 }, // deposit 1,000 (user)
    { kind: 0, a: 1, b: 249, c: 0 }, // deposit 500 (other)
    { kind: 1, a: 2, b: 0, c: 0 }, // batch 1 consumes both
    { kind: 3, a: 0, b: 0, c: 1 }, // honest assertion by the proposer
    { kind: 3, a: 1, b: 0, c: 0 }, // lying rival by the challenger
    { kind: 1, a: 0, b: 0, c: 0 }, // batch 2, for children
    { kind: 4, a: 2, b: 3, c: 0 }, // the user challenges the lying assertion
    { kind: 4, a: 2, b: 4, c: 0 }, // and so does the other account
  ];
  for (const x of script) {
    const t = m.now + 1;
    const run = ACTIONS[x.kind](m, x, t);
    if (!run) throw new Error(`base script step ${x.kind} does not apply`);
    await run();
    m.now = t;
  }
  return m;
}

const base = await baseModel();
const snapshotModel = () => structuredCloneModel(base);

function structuredCloneModel(m: Model): Model {
  const assertions = new Map<Hex, MAssertion>();
  for (const [k, v] of m.assertions) assertions.set(k, { ...v });
  return {
    ...m,
    messages: [...m.messages],
    batches: [...m.batches],
    assertions,
    order: [...m.order],
    confirmedChain: [...m.confirmedChain],
    games: m.games.map((g) => ({ ...g, values: [...g.values] })),
    rollupW: new Map(m.rollupW),
    cmW: new Map(m.cmW),
    claimed: new Set(m.claimed),
  };
}

const action = fc.record({
  kind: fc.nat(ACTIONS.length + 1), // the last two: advance the clock
  a: fc.nat(1_000),
  b: fc.nat(1_000),
  c: fc.nat(1_000),
});

test(`invariants_randomSequences_holdAfterEveryStep (${RUNS} sequences)`, { timeout: 600_000 }, async () => {
  await checkInvariants(base);
  let snapshot = await chain.testClient.snapshot();
  let steps = 0;
  const kinds = new Map<number, number>();
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 12 }), async (xs) => {
      await chain.testClient.revert({ id: snapshot });
      snapshot = await chain.testClient.snapshot();
      const m = snapshotModel();
      for (const x of xs) {
        let t = m.now + 1;
        if (x.kind >= ACTIONS.length) {
          t = m.now + (JUMPS[x.a % JUMPS.length] as number);
          await r.nextAt(t);
          await chain.testClient.mine({ blocks: 1 });
          m.now = t;
          continue;
        }
        // The action drawn, or the next one that applies.
        let run: (() => Promise<void>) | undefined;
        let kind = x.kind;
        // Deposits and batches always apply: the fallback takes them only when nothing else does.
        for (let i = 0; i < ACTIONS.length && !run; i++) {
          kind = (x.kind + i) % ACTIONS.length;
          if (kind > 1 || i === 0) run = ACTIONS[kind](m, x, t);
        }
        if (!run) {
          kind = x.c % 2;
          run = ACTIONS[kind](m, x, t);
        }
        if (!run) continue;
        await run();
        m.now = t;
        steps++;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        await checkInvariants(m);
      }
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  await chain.testClient.revert({ id: snapshot });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `invariants: ${RUNS} sequences, ${steps} steps in ${seconds.toFixed(1)} s; steps by action: ${[
      ...kinds.entries(),
    ]
      .sort((p, q) => p[0] - q[0])
      .map(([k, n]) => `${k}:${n}`)
      .join(" ")}`,
  );
  // Every kind of action ran.
  expect(kinds.size).toBe(ACTIONS.length);
});
