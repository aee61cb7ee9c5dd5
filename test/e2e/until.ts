// Polling for the end-to-end tests: `f` until it gives a value, within `ms`. `context` says why when it fails: it
// throws at once if what the test waits on is gone (a process exited), and its text explains a timeout (log tails).
export async function until<T>(
  what: string,
  f: () => Promise<T | null | undefined | false>,
  ms: number,
  context: { gone?: () => string | undefined; explain?: () => string; pollMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => null);
    if (v !== null && v !== undefined && v !== false) return v;
    const gone = context.gone?.();
    if (gone !== undefined) throw new Error(`${what}: ${gone}`);
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${ms} ms${context.explain ? `; ${context.explain()}` : ""}`);
    await new Promise((r) => setTimeout(r, context.pollMs ?? 300));
  }
}
