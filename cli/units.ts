/** Human amounts on the command line ("1.5", "3000") to the engine's integers, and back. */
import { CliError } from "./CliError.ts";

/** `text` as an integer with `decimals` fractional digits (e.g. "1.5" at 8 -> 150000000n); refuses more digits. */
export function parseUnits(text: string, decimals: number, what: string): bigint {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (m === null)
    throw new CliError(
      `${what}: expected a non-negative decimal number, got "${text}"`,
      `e.g. --${what} 1.5`,
    );
  const frac = m[2] ?? "";
  if (frac.length > decimals)
    throw new CliError(
      `${what}: at most ${decimals} decimals, got "${text}"`,
      `round ${what} to ${decimals} decimals`,
    );
  return BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, "0") || "0");
}

/** The inverse of parseUnits, without trailing zeros ("1.5", "3000"). */
export function formatUnits(value: bigint | string, decimals: number): string {
  const v = BigInt(value);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const s = a.toString().padStart(decimals + 1, "0");
  const int = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, "");
  return `${neg ? "-" : ""}${int}${frac ? `.${frac}` : ""}`;
}
