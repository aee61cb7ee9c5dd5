// The verifier's BullMQ queue and its payload (habit 15): one queue of game jobs. A job plays one game once
// (GameAgent.play); its delayed copies are the clocks (move before ours runs low, claim when theirs runs out).

/** The queue of game jobs (under the verifier's Redis prefix). */
export const GAME_QUEUE = "verifier-games";

/** A game job: play challenge `id` now (why: an L1 event, a clock, a poll after a send, a restart). */
export interface GameJob {
  readonly id: number;
  readonly why: "event" | "clock" | "poll" | "start";
}

/** A job id BullMQ accepts (no `:`) and that makes repeats of one cause one job. */
export const gameJobId = (id: number, why: GameJob["why"], tag: string | number) => `g-${id}-${why}-${tag}`;
