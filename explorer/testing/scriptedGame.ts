/**
 * TEST DATA. A whole dispute, move by move, in the inspection API's shape (explorer/verifierApi.ts), for
 * the fake verifier server: a proposer (defender) that claimed a wrong root from transaction `badTx` on,
 * against our honest challenger, at the devnet's degree and clocks. The moves follow the contract's rules
 * (docs/protocol.md, "Challenge game"): boundaries b_j = lo + floor(j (hi - lo) / parts), parts = min(degree,
 * hi - lo), each side picking the first part whose end it disputes, down to one transaction, then to one
 * machine step, which the challenger proves. Values are stand-in hashes (sha256 of side, level, position):
 * the explorer draws them, it does not check them.
 */
import { createHash } from "node:crypto";
import type { BondOutcome, GameDetail, GameMove, GamePhase, Role } from "../verifierApi.ts";

type Hex = `0x${string}`;

export interface ScriptedGameOptions {
  readonly id?: string;
  readonly txCount?: number;
  readonly maxTxSteps?: number;
  readonly degree?: number;
  /** The transaction the liar executes wrongly (its roots differ after it), and its first wrong step. */
  readonly badTx?: number;
  readonly badStep?: number;
  /** L1 time of ChallengeStarted and seconds between moves. */
  readonly start?: number;
  readonly moveEvery?: number;
  /** Each side's chess clock and the challenger's first-move deadline (devnet: 120 s, 60 s). */
  readonly clock?: number;
}

export const ETHER = 10n ** 18n;
export const PROPOSER: Hex = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
export const CHALLENGER: Hex = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
export const ASSERTION: Hex = `0x${"a5".repeat(32)}`;

const h = (...parts: (string | number)[]): Hex =>
  `0x${createHash("sha256").update(parts.join("/")).digest("hex")}`;

const boundary = (lo: number, hi: number, parts: number, j: number) =>
  lo + Math.floor((j * (hi - lo)) / parts);

/**
 * Every state of the game as the verifier would serve it after each move (index 0: just started), so a
 * server can reveal them one by one as if they landed on L1.
 */
export function scriptedGame(o: ScriptedGameOptions = {}): GameDetail[] {
  const id = o.id ?? "1";
  const N = o.txCount ?? 40;
  const S = o.maxTxSteps ?? 20_000_000;
  const d = o.degree ?? 16;
  const badTx = o.badTx ?? 28;
  const badStep = o.badStep ?? 13_370_418;
  const t0 = o.start ?? 1_765_000_000;
  const every = o.moveEvery ?? 7;
  const clock = o.clock ?? 120;
  // Honest values; the liar's differ from badTx (roots) and badStep (machine hashes of badTx) on.
  const honest = (level: 0 | 1, p: number): Hex => (level === 0 ? h("root", p) : h("machine", badTx, p));
  const liar = (level: 0 | 1, p: number): Hex =>
    level === 0
      ? p > badTx
        ? h("lie-root", p)
        : honest(0, p)
      : p >= badStep
        ? h("lie-machine", p)
        : honest(1, p);
  const valuesOf = (role: Role, level: 0 | 1, lo: number, hi: number, parts: number) =>
    Array.from({ length: parts + 1 }, (_, j) => {
      const p = boundary(lo, hi, parts, j);
      return role === "challenger" ? honest(level, p) : liar(level, p);
    });
  const ours = (level: 0 | 1, lo: number, hi: number, parts: number) =>
    Array.from({ length: parts + 1 }, (_, j) => honest(level, boundary(lo, hi, parts, j)));

  const moves: GameMove[] = [];
  const txHash = (n: number): Hex => h("l1tx", n);
  let at = t0;
  moves.push({
    n: 0,
    at,
    mover: "defender",
    kind: "start",
    level: 0,
    lo: 0,
    hi: N,
    values: [honest(0, 0), liar(0, N)],
    ourValues: [honest(0, 0), honest(0, N)],
    l1TxHash: txHash(0),
  });
  let seg = { level: 0 as 0 | 1, lo: 0, hi: N, values: [honest(0, 0), liar(0, N)] };
  let mover: Role = "challenger";
  let proof: GameDetail["proof"] = null;
  for (let n = 1; proof === null; n++) {
    at += every;
    const parts = seg.values.length - 1;
    const mine = (p: number) => (mover === "challenger" ? honest(seg.level, p) : liar(seg.level, p));
    // The first part whose end the mover disputes (it agrees with its start).
    let k = 0;
    while (k < parts && mine(boundary(seg.lo, seg.hi, parts, k + 1)) === seg.values[k + 1]) k++;
    const lo = boundary(seg.lo, seg.hi, parts, k);
    const hi = boundary(seg.lo, seg.hi, parts, k + 1);
    if (hi - lo === 1 && seg.level === 0) {
      // One transaction: switch to its machine steps over 0..S.
      const p = Math.min(d, S);
      const values = valuesOf(mover, 1, 0, S, p);
      moves.push({
        n,
        at,
        mover,
        kind: "switchToStep",
        level: 1,
        tx: lo,
        part: k,
        lo: 0,
        hi: S,
        values,
        ourValues: ours(1, 0, S, p),
        l1TxHash: txHash(n),
      });
      seg = { level: 1, lo: 0, hi: S, values };
    } else if (hi - lo === 1) {
      // The liar's proof would revert (StepAgrees) and the game end by timeout; this script shows proofs.
      if (mover !== "challenger")
        throw new Error(`scriptedGame: with badStep ${badStep} the liar reaches the one step; pick another`);
      moves.push({ n, at, mover, kind: "proveStep", level: 1, tx: badTx, part: k, l1TxHash: txHash(n) });
      proof = {
        tx: badTx,
        step: lo,
        instruction: "i64.store offset=8",
        prover: mover,
        before: seg.values[k],
        claimedAfter: seg.values[k + 1],
        provenAfter: honest(1, hi),
        l1TxHash: txHash(n),
      };
    } else {
      const p = Math.min(d, hi - lo);
      const values = valuesOf(mover, seg.level, lo, hi, p);
      const kind = seg.level === 1 && hi === S ? "bisectToEnd" : "bisect";
      moves.push({
        n,
        at,
        mover,
        kind,
        level: seg.level,
        ...(seg.level === 1 ? { tx: badTx } : {}),
        part: k,
        lo,
        hi,
        values,
        ourValues: ours(seg.level, lo, hi, p),
        l1TxHash: txHash(n),
      });
      seg = { level: seg.level, lo, hi, values };
    }
    mover = mover === "challenger" ? "defender" : "challenger";
  }

  const switchMove = moves.find((m) => m.kind === "switchToStep");
  const won = proof.prover === "challenger";
  const burn = ETHER / 10n / 5n; // devnet assertion bond 0.1 ETH, burnShareBps 2,000
  const bonds: BondOutcome[] = won
    ? [
        {
          party: PROPOSER,
          role: "defender",
          bond: "assertion",
          amount: String(ETHER / 10n),
          fate: "slashed",
        },
        {
          party: CHALLENGER,
          role: "challenger",
          bond: "assertion",
          amount: String(ETHER / 10n - burn),
          fate: "paid",
        },
        {
          party: `0x${"00".repeat(20)}`,
          role: "defender",
          bond: "assertion",
          amount: String(burn),
          fate: "burned",
        },
        {
          party: CHALLENGER,
          role: "challenger",
          bond: "challenge",
          amount: String(ETHER / 100n),
          fate: "refunded",
        },
      ]
    : [
        {
          party: CHALLENGER,
          role: "challenger",
          bond: "challenge",
          amount: String(ETHER / 100n),
          fate: "slashed",
        },
      ];

  // One state per revealed prefix: clocks charged to the side that moved, our phase from what we saw.
  const states: GameDetail[] = [];
  for (let i = 1; i <= moves.length + 1; i++) {
    const shown = moves.slice(0, Math.min(i, moves.length));
    const ended = i === moves.length + 1;
    let left = { defender: clock, challenger: Math.min(clock, 60) };
    for (let j = 1; j < shown.length; j++) {
      const spent = shown[j].at - shown[j - 1].at;
      left = { ...left, [shown[j].mover]: left[shown[j].mover] - spent };
    }
    // The first move's deadline was 60 s; after it the challenger's clock goes on from the full clock.
    if (shown.length > 1) left.challenger += clock - 60;
    const last = shown[shown.length - 1];
    const phase: GamePhase = ended
      ? won
        ? "won"
        : "lost"
      : last.kind === "proveStep"
        ? "proving"
        : last.kind === "start"
          ? "started"
          : last.level === 0
            ? "bisecting-tx"
            : "bisecting-step";
    states.push({
      id,
      version: i,
      assertion: ASSERTION,
      role: "challenger",
      defender: PROPOSER,
      challenger: CHALLENGER,
      phase,
      degree: d,
      txCount: N,
      maxTxSteps: S,
      clocks: {
        defender: left.defender,
        challenger: left.challenger,
        lastMoveAt: last.at,
        challengerToMove: last.mover === "defender",
        now: last.at + (ended ? 2 : 0),
      },
      moves: shown,
      levelSwitch:
        switchMove !== undefined && shown.includes(switchMove)
          ? {
              tx: switchMove.tx!,
              rootBefore: honest(0, switchMove.tx!),
              defenderRoot: liar(0, switchMove.tx! + 1),
              challengerRoot: honest(0, switchMove.tx! + 1),
            }
          : null,
      proof: shown.includes(moves[moves.length - 1]) ? proof : null,
      outcome: ended ? { winner: won ? "challenger" : "defender", reason: "one-step-proof", bonds } : null,
    });
  }
  return states;
}
