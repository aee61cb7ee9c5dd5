import { Counter, Gauge, Histogram, type Registry } from "../service/index.ts";

/** The verifier's Prometheus metrics (names under optio_verifier_; docs/verifier.md, "Metrics"). */
export class VerifierMetrics {
  readonly assertions: Gauge;
  readonly games: Gauge;
  readonly moves: Counter;
  readonly detectSeconds: Histogram;
  readonly clockLeft: Gauge;
  readonly bondsAtStake: Gauge;
  readonly bondsClaimable: Gauge;
  readonly replayLagBatches: Gauge;
  readonly replayLagSeconds: Gauge;
  readonly findings: Counter;
  readonly stuck: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.assertions = new Gauge({
      name: "optio_verifier_assertions",
      help: "assertions seen, by our verdict (agree, disagree, unknown) and status",
      labelNames: ["verdict", "status"],
      registers,
    });
    this.games = new Gauge({
      name: "optio_verifier_games",
      help: "our games by phase",
      labelNames: ["phase"],
      registers,
    });
    this.moves = new Counter({
      name: "optio_verifier_moves_total",
      help: "moves we handed to the transaction manager, by kind",
      labelNames: ["kind"],
      registers,
    });
    this.detectSeconds = new Histogram({
      name: "optio_verifier_detect_seconds",
      help: "seconds from seeing a wrong assertion to our challenge's first move being sent",
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    });
    this.clockLeft = new Gauge({
      name: "optio_verifier_clock_left_seconds",
      help: "seconds left on our clock in each open game (L1 time)",
      labelNames: ["challenge"],
      registers,
    });
    this.bondsAtStake = new Gauge({
      name: "optio_verifier_bonds_at_stake_wei",
      help: "challenge bonds of our open games as challenger (wei)",
      registers,
    });
    this.bondsClaimable = new Gauge({
      name: "optio_verifier_bonds_claimable_wei",
      help: "wei credited to our key and not yet withdrawn (rollup + challenge manager)",
      registers,
    });
    this.replayLagBatches = new Gauge({
      name: "optio_verifier_replay_lag_batches",
      help: "batches L1 recorded (as far as we have read) that we have not replayed",
      registers,
    });
    this.replayLagSeconds = new Gauge({
      name: "optio_verifier_replay_lag_seconds",
      help: "L1 seconds from the oldest batch not replayed to the latest block read (0 when caught up)",
      registers,
    });
    this.findings = new Counter({
      name: "optio_verifier_findings_total",
      help: "batches whose data could not be read or checked, by code",
      labelNames: ["code"],
      registers,
    });
    this.stuck = new Counter({
      name: "optio_verifier_stuck_total",
      help: "times chooseMove found no move from our history (a local fault), by reason",
      labelNames: ["reason"],
      registers,
    });
  }
}
