/**
 * One level of a game drawn as the narrowing range: a row per posted segment, each row zoomed to its own
 * range (lo..hi), with a dot per boundary value (green: the same as our value there, red: not, grey: we
 * have none) and the part the next move picked shaded. Read down, the range shrinks to one transaction,
 * then to one machine step.
 */
import type { GameMove, Role } from "../../verifierApi.ts";
import { shortHex } from "../format.ts";

export interface NarrowRow {
  readonly move: GameMove;
  readonly lo: number;
  readonly hi: number;
  readonly values: readonly string[];
  readonly ourValues?: readonly string[];
  /** The part the next move picked (shaded). */
  readonly picked?: number;
}

/** The boundaries b_j = lo + floor(j (hi - lo) / parts) (docs/protocol.md, "Challenge game"). */
export const boundary = (lo: number, hi: number, parts: number, j: number) =>
  lo + Math.floor((j * (hi - lo)) / parts);

export function Narrowing({ title, rows, ours }: { title: string; rows: NarrowRow[]; ours: Role }) {
  const W = 640;
  const RH = 34;
  const X0 = 8;
  const X1 = W - 8;
  return (
    <figure class="narrowing">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${rows.length * RH + 10}`}
        role="img"
        aria-label={`${title}: ${describe(rows)}`}
      >
        {rows.map((r, i) => {
          const parts = r.values.length - 1;
          const x = (p: number) => X0 + ((p - r.lo) / Math.max(1, r.hi - r.lo)) * (X1 - X0);
          const y = i * RH + 24;
          const pick = r.picked;
          return (
            <g key={r.move.n} class={`nrow m-${r.move.mover === ours ? "ours" : "theirs"}`}>
              {pick !== undefined && (
                <rect
                  class="picked"
                  x={x(boundary(r.lo, r.hi, parts, pick))}
                  y={y - 9}
                  width={Math.max(
                    2,
                    x(boundary(r.lo, r.hi, parts, pick + 1)) - x(boundary(r.lo, r.hi, parts, pick)),
                  )}
                  height={18}
                />
              )}
              <line x1={X0} y1={y} x2={X1} y2={y} class="range" />
              {r.values.map((v, j) => {
                const o = r.ourValues?.[j];
                const cls =
                  o === undefined ? "unknown" : o.toLowerCase() === v.toLowerCase() ? "agree" : "disagree";
                return (
                  <circle key={j} cx={x(boundary(r.lo, r.hi, parts, j))} cy={y} r={4.5} class={`dot ${cls}`}>
                    <title>
                      position {boundary(r.lo, r.hi, parts, j)}: {shortHex(v)} ({cls})
                    </title>
                  </circle>
                );
              })}
              <text x={X0} y={y - 10} class="nlabel">
                {r.lo.toLocaleString()}
              </text>
              <text x={X1} y={y - 10} class="nlabel" text-anchor="end">
                {r.hi.toLocaleString()}
              </text>
              <text x={W / 2} y={y - 10} class="nlabel" text-anchor="middle">
                move {r.move.n}: {r.move.mover} {r.move.kind} ({(r.hi - r.lo).toLocaleString()} wide)
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

function describe(rows: NarrowRow[]): string {
  if (rows.length === 0) return "no moves yet";
  const last = rows[rows.length - 1];
  return `${rows.length} segments, from ${rows[0].lo}..${rows[0].hi} down to ${last.lo}..${last.hi}`;
}
