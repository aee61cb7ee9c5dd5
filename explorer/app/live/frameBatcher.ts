/**
 * Coalesces any number of updates into one render per animation frame: a book changing 100 times a second
 * costs at most one render per frame (60 a second), whatever the rate.
 */
export interface FrameBatcher {
  /** Something changed: render at the next frame (once, however many marks come before it). */
  mark(): void;
  /** Flushes scheduled since creation (for the responsiveness test). */
  readonly flushes: number;
  cancel(): void;
}

export function createFrameBatcher(
  flush: () => void,
  schedule: (f: () => void) => number = (f) => requestAnimationFrame(f),
  unschedule: (id: number) => void = (id) => cancelAnimationFrame(id),
): FrameBatcher {
  let pending: number | null = null;
  let flushes = 0;
  return {
    mark() {
      if (pending !== null) return;
      pending = schedule(() => {
        pending = null;
        flushes++;
        flush();
      });
    },
    get flushes() {
      return flushes;
    },
    cancel() {
      if (pending !== null) unschedule(pending);
      pending = null;
    },
  };
}
