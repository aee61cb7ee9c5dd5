import { Counter, Histogram, type Registry } from "../service/index.ts";

/** The sequencer's Prometheus metrics (names under optio_sequencer_). */
export class SequencerMetrics {
  readonly accepted: Counter;
  readonly executed: Counter;
  readonly rejected: Counter;
  readonly batches: Counter;
  readonly durableMs: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.accepted = new Counter({
      name: "optio_sequencer_accepted_total",
      help: "transactions taken into intake",
      registers,
    });
    this.executed = new Counter({
      name: "optio_sequencer_acknowledged_total",
      help: "transactions executed and durably logged (acknowledged)",
      registers,
    });
    this.rejected = new Counter({
      name: "optio_sequencer_rejected_total",
      help: "transactions answered with a rejection (changed no state, never logged)",
      registers,
    });
    this.batches = new Counter({
      name: "optio_sequencer_batches_sealed_total",
      help: "batches sealed",
      registers,
    });
    this.durableMs = new Histogram({
      name: "optio_sequencer_durable_write_ms",
      help: "ms from execution to the log write being durable (group commit wait)",
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100],
      registers,
    });
  }
}
