/** Preact hooks shared by the views: renders per animation frame, polling, a ticking clock. */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { createFrameBatcher } from "./live/frameBatcher.ts";
import { stats } from "./stats.ts";

/** A `mark` that re-renders the component at the next frame, however often it is called before. */
export function useFrameRender(name: string): () => void {
  const [, setTick] = useState(0);
  const batcher = useMemo(
    () =>
      createFrameBatcher(() => {
        stats.renders[name] = (stats.renders[name] ?? 0) + 1;
        setTick((t) => t + 1);
      }),
    [name],
  );
  useEffect(() => () => batcher.cancel(), [batcher]);
  return batcher.mark;
}

/** Calls `load` now and every `ms` while mounted (and when deps change); the last value and error. */
export function usePoll<T>(
  load: () => Promise<T>,
  ms: number,
  deps: unknown[],
): { value?: T; error?: string } {
  const [state, setState] = useState<{ value?: T; error?: string }>({});
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const value = await loadRef.current();
        if (alive) setState({ value });
      } catch (e) {
        if (alive) setState((s) => ({ value: s.value, error: (e as Error).message }));
      }
      if (alive) timer = setTimeout(run, ms);
    };
    void run();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, deps);
  return state;
}

/** Seconds since the epoch, updated every `ms` (clocks and countdowns tick locally between polls). */
export function useNow(ms = 250): number {
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now() / 1000), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
