/** Formatting of the API's integers for people: exact (bigint), never through a float. */

/** `value` scaled down by 10^decimals, at most `frac` fractional digits (truncated), thousands grouped. */
export function fmtUnits(
  value: string | bigint | null | undefined,
  decimals: number,
  frac = decimals,
): string {
  if (value === null || value === undefined) return "—";
  let v: bigint;
  try {
    v = BigInt(value);
  } catch {
    return "?";
  }
  const neg = v < 0n;
  if (neg) v = -v;
  const scale = 10n ** BigInt(decimals);
  const whole = (v / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  let f = (v % scale).toString().padStart(decimals, "0").slice(0, frac).replace(/0+$/, "");
  if (f.length === 0 && frac > 0 && decimals > 0) f = "";
  return `${neg ? "-" : ""}${whole}${f.length > 0 ? `.${f}` : ""}`;
}

/** Quantities are qtyE8 (docs/engine.md, "Scales"). */
export const fmtQty = (q: string | null | undefined) => fmtUnits(q, 8, 4);
/** Prices and collateral are quote units (the collateral token's decimals). */
export const fmtQuote = (p: string | null | undefined, decimals: number) => fmtUnits(p, decimals, 2);
/** Wei as ETH. */
export const fmtEth = (wei: string | null | undefined) => `${fmtUnits(wei, 18, 4)} ETH`;
/** ppm as a percentage. */
export const fmtPpm = (ppm: number | string) => `${(Number(ppm) / 10_000).toFixed(2)}%`;

export function shortHex(h: string | null | undefined, n = 6): string {
  if (h === null || h === undefined) return "—";
  return h.length <= 2 + 2 * n ? h : `${h.slice(0, 2 + n)}…${h.slice(-n)}`;
}

/** Seconds as "1d 02:03:04" / "02:03" (negative: "0:00"). */
export function fmtDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const two = (x: number) => String(x).padStart(2, "0");
  if (d > 0) return `${d}d ${two(h)}:${two(m)}:${two(r)}`;
  if (h > 0) return `${h}:${two(m)}:${two(r)}`;
  return `${m}:${two(r)}`;
}

/** An L1 or batch time (seconds) as UTC. */
export const fmtTime = (seconds: string | number) =>
  `${new Date(Number(seconds) * 1000).toISOString().replace("T", " ").slice(0, 19)} UTC`;
