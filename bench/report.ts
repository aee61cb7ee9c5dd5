/**
 * The benchmark output format: one JSON object per line with at least name,
 * value and unit; with a baseline measured in the same run, also baseline,
 * baselineValue and ratio (value / baselineValue, so > 1 means we are ahead
 * for rates, behind for costs).
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: string;
  baselineValue?: number;
  ratio?: number;
  [extra: string]: unknown;
}

export function emit(figure: Figure): void {
  const out = { ...figure };
  if (out.baselineValue !== undefined && out.ratio === undefined)
    out.ratio = round(out.value / out.baselineValue);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

export function median(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Progress for humans goes to stderr, so stdout stays one JSON object per line. */
export function note(message: string): void {
  process.stderr.write(`# ${message}\n`);
}

/** Seconds taken by `fn`. */
export async function seconds(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}
