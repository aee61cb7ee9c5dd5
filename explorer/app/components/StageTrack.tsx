/** A batch's way to L1 finality as four steps: sealed, posted, asserted, confirmed. */
import type { BatchStage } from "../../../sequencer/api/NodeApi.ts";

export const STAGES = ["sealed", "posted", "asserted", "confirmed"] as const;

export function StageTrack({ stage }: { stage: BatchStage }) {
  const at = STAGES.indexOf(stage as (typeof STAGES)[number]);
  return (
    <span class="stages" role="img" aria-label={`stage: ${stage}`} data-stage={stage}>
      {STAGES.map((s, i) => (
        <span key={s} class={`stage ${i <= at ? "done" : ""} ${i === at ? "now" : ""}`}>
          {s}
        </span>
      ))}
    </span>
  );
}
