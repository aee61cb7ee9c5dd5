import type { Logger } from "./createLogger.ts";

/** The phases of a graceful shutdown, run in this order. */
export const SHUTDOWN_PHASES = ["stop intake", "drain", "flush", "close"] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

interface Step {
  readonly phase: ShutdownPhase;
  readonly name: string;
  readonly run: () => Promise<void> | void;
}

/**
 * Ordered shutdown: every registered step runs in phase order (stop intake -> drain -> flush
 * -> close), steps of one phase in the order registered; a step that throws is logged and the
 * rest still run (a failed flush must not leave the database open). `run` is idempotent: the
 * second signal waits for the first shutdown. `onSignals` wires SIGINT/SIGTERM.
 */
export class Shutdown {
  private readonly steps: Step[] = [];
  private running: Promise<number> | undefined;

  constructor(private readonly logger: Logger) {}

  /** Register `run` in `phase`. */
  add(phase: ShutdownPhase, name: string, run: () => Promise<void> | void): void {
    this.steps.push({ phase, name, run });
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  /** Runs every step once; resolves with 0, or 1 if a step failed. */
  run(reason: string): Promise<number> {
    this.running ??= this.runSteps(reason);
    return this.running;
  }

  private async runSteps(reason: string): Promise<number> {
    this.logger.info({ reason }, "shutting down");
    let failed = 0;
    for (const phase of SHUTDOWN_PHASES) {
      for (const step of this.steps) {
        if (step.phase !== phase) continue;
        const t0 = performance.now();
        try {
          await step.run();
          this.logger.info(
            { phase, step: step.name, ms: Math.round(performance.now() - t0) },
            "shutdown step done",
          );
        } catch (err) {
          failed++;
          this.logger.error({ phase, step: step.name, err }, "shutdown step failed");
        }
      }
    }
    this.logger.info({ failed }, "shut down");
    return failed === 0 ? 0 : 1;
  }

  /** On SIGINT or SIGTERM: run, then exit with its code. */
  onSignals(exit: (code: number) => void = (code) => process.exit(code)): void {
    const handler = (signal: NodeJS.Signals) => {
      void this.run(signal).then(exit);
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
  }
}
