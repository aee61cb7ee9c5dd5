/**
 * Counters the browser tests read (window.__explorerStats): renders per view and deltas received, to show
 * that many deltas cost few renders.
 */
export const stats: { renders: Record<string, number>; deltas: Record<string, number> } = {
  renders: {},
  deltas: {},
};
(globalThis as { __explorerStats?: typeof stats }).__explorerStats = stats;
