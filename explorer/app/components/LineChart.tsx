/** A small SVG line chart of one or more series over time (no chart library: a few dozen lines suffice). */
export interface Series {
  readonly name: string;
  readonly cls: string;
  readonly points: readonly { t: number; v: number }[];
}

export function LineChart({
  title,
  series,
  height = 160,
}: {
  title: string;
  series: Series[];
  height?: number;
}) {
  const W = 600;
  const H = height;
  const pad = 36;
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return <p class="muted">{title}: no samples yet.</p>;
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t), t0 + 1);
  let v0 = Math.min(...all.map((p) => p.v));
  let v1 = Math.max(...all.map((p) => p.v));
  if (v0 === v1) [v0, v1] = [v0 - 1, v1 + 1];
  const x = (t: number) => pad + ((t - t0) / (t1 - t0)) * (W - pad - 8);
  const y = (v: number) => 8 + (1 - (v - v0) / (v1 - v0)) * (H - 28);
  const last = series.map((s) => `${s.name} ${s.points.at(-1)?.v.toLocaleString() ?? "—"}`).join(", ");
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: latest ${last}`}>
        <text x={2} y={14} class="axis">
          {v1.toLocaleString()}
        </text>
        <text x={2} y={H - 22} class="axis">
          {v0.toLocaleString()}
        </text>
        <line x1={pad} y1={H - 20} x2={W - 8} y2={H - 20} class="axisline" />
        {series.map((s) => {
          const last = s.points.at(-1);
          // The latest sample as a dot: visible from the first sample on, before there is a line.
          return last === undefined ? null : (
            <circle key={`${s.name}-last`} class={`last ${s.cls}`} cx={x(last.t)} cy={y(last.v)} r={3.5} />
          );
        })}
        {series.map((s) => (
          <polyline
            key={s.name}
            class={`line ${s.cls}`}
            fill="none"
            points={s.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ")}
          />
        ))}
      </svg>
      <figcaption>
        {title}:{" "}
        {series.map((s) => (
          <span key={s.name} class={`key ${s.cls}`}>
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
