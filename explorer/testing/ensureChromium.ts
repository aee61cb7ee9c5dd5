/**
 * The browser the explorer's tests drive: Debian's Chromium at /usr/bin/chromium (OPTIO_CHROMIUM moves it).
 * Where it is missing and apt-get can run (root), it is installed from the Debian package; otherwise the
 * browser tests skip with this message instead of failing on a machine that cannot have it.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM_PATH = process.env.OPTIO_CHROMIUM ?? "/usr/bin/chromium";

/** Flags for a headless run that talks to nothing but the pages it is sent to. */
export const CHROMIUM_ARGS = [
  "--no-sandbox", // containers without user namespaces; the pages are our own
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

export function ensureChromium(path = CHROMIUM_PATH): { path: string } | { skip: string } {
  if (existsSync(path)) return { path };
  // Another path than Debian's (OPTIO_CHROMIUM): we cannot install it, only say so.
  if (path !== "/usr/bin/chromium") return { skip: `no browser at ${path} (OPTIO_CHROMIUM)` };
  const isRoot = process.getuid?.() === 0;
  const hasApt = existsSync("/usr/bin/apt-get");
  if (!hasApt || !isRoot)
    return {
      skip: `no ${path} and ${hasApt ? "not root" : "no apt-get"}: install Debian's chromium (apt-get install -y chromium) to run the explorer's browser tests`,
    };
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    execFileSync("apt-get", ["update"], { stdio: "ignore", timeout: 300_000, env });
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], {
      stdio: "ignore",
      timeout: 600_000,
      env,
    });
  } catch (e) {
    return { skip: `apt-get install chromium failed: ${(e as Error).message}` };
  }
  return existsSync(path) ? { path } : { skip: `apt-get ran but ${path} is missing` };
}
