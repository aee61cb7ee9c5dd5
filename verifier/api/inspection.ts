import type { Address } from "viem";
import type { GameEntry } from "../dispute/GameAgent.ts";
import type { AssertionRecord, ChallengeRecord } from "../records.ts";

/** An assertion as the inspection API shows it: the claim, its status on L1 and our verdict. */
export function assertionView(a: AssertionRecord) {
  return {
    id: a.id,
    parent: a.parent,
    proposer: a.proposer,
    stateRoot: a.stateRoot,
    batchEnd: a.batchEnd,
    txEnd: a.txEnd,
    deadline: a.deadline,
    l1Block: a.l1Block,
    status: a.status,
    verdict: a.verdict ?? { kind: "unknown", reason: "NOT_JUDGED" },
  };
}

/**
 * A game as the inspection API shows it (like BoLD's validator API): who plays what, the phase, every move on L1
 * marked ours or theirs with its values, the values we posted, both clocks, what chooseMove said last, our move
 * in flight, and the record's transitions.
 */
export function gameView(c: ChallengeRecord, e: GameEntry | undefined, me: Address | undefined) {
  const mine = (a: string) => me !== undefined && a.toLowerCase() === me.toLowerCase();
  return {
    id: c.id,
    assertion: c.assertion,
    challenger: c.challenger,
    defender: c.defender,
    ours: e !== undefined,
    role: e?.record.role ?? null,
    phase: e?.record.phase ?? null,
    clocks: e?.clocks ?? null,
    last: e?.last ?? null,
    pending: e?.pending ?? null,
    stuck: e?.stuck ?? null,
    moves: c.events.map((ev) =>
      ev.kind === "bisected" ? { ...ev, by: mine(ev.mover) ? "us" : "them" } : { ...ev },
    ),
    ourValues: e?.record.posted ?? [],
    transitions: e?.record.transitions ?? [],
  };
}
