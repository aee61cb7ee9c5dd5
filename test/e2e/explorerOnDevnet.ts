// The explorer in Chromium against a running devnet (the one test/e2e/fraud.test.ts starts with dishonest parties):
// the dispute page shows a real game from its start to the proof and the slashed bond, the market page shows an
// order placed through the SDK within a second, and the batch page shows a batch confirmed. Screenshots go to
// .optio/screenshots/devnet-*.png (not committed).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import type { LocalAccount } from "viem";
import { expect } from "vitest";
import { CHROMIUM_ARGS, ensureChromium } from "../../explorer/testing/ensureChromium.ts";
import { createOptioClient } from "../../sdk/index.ts";

export async function checkExplorerOnDevnet(o: {
  explorerUrl: string;
  apiUrl: string;
  /** A game the honest verifier won by its one-step proof (its id on L1), and where the liar departed. */
  game: number;
  proof?: { tx: number; step: number; instruction: string };
  /** A batch L1 has confirmed. */
  confirmedBatch: number;
  /** A funded trader (its order goes into market 1's book). */
  trader: LocalAccount;
}): Promise<{ orderToScreenMs: number } | { skipped: string }> {
  const chrome = ensureChromium();
  if ("skip" in chrome) return { skipped: chrome.skip };
  const shots = resolve(".optio/screenshots");
  mkdirSync(shots, { recursive: true });
  const userDir = mkdtempSync(join(tmpdir(), "optio-chromium-"));
  const context = await chromium.launchPersistentContext(userDir, {
    executablePath: chrome.path,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1280, height: 900 },
  });
  const client = createOptioClient({ url: o.apiUrl, account: o.trader });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const shot = (name: string) =>
      page.screenshot({ path: join(shots, `devnet-${name}.png`), fullPage: true });

    // The dispute, from its start to the one step L1 executed and the bond.
    await page.goto(`${o.explorerUrl}#/disputes`);
    await page.getByRole("link", { name: new RegExp(`Game ${o.game}:`) }).click();
    const game = page.locator("[data-testid=game]");
    await expect.poll(() => game.getAttribute("data-phase"), { timeout: 10_000 }).toBe("won");
    expect(await page.locator("[data-testid=moves] > li").count()).toBeGreaterThan(4);
    const outcome = await page.locator("[data-testid=outcome]").textContent();
    if (o.proof !== undefined) {
      const proof = await page.locator("[data-testid=proof]").textContent();
      expect(proof).toContain(`Step ${o.proof.step.toLocaleString("en-US")} of transaction ${o.proof.tx}`);
      expect(proof).toContain(o.proof.instruction);
      expect(outcome).toContain("challenger won by one step proof");
    } else expect(outcome).toContain("challenger won by timeout");
    expect(outcome).toContain("slashed");
    await shot("dispute");

    // An order through the SDK is in market 1's book within a second.
    await page.goto(`${o.explorerUrl}#/markets/1`);
    await page.getByRole("status", { name: "Sequencer connection: live" }).waitFor();
    await page.locator("[data-testid=book][data-seq]").waitFor();
    const t0 = performance.now();
    const r = await client.send("ORDER", {
      market: 1n,
      subaccount: 0n,
      side: 0n,
      timeInForce: 3n, // post-only: it rests
      reduceOnly: false,
      price: 2_900_000_000n, // 2,900: below the market maker's asks, inside the price band
      quantity: 1_000_000n,
    });
    expect(r.outcomeName).toBe("OK");
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll("[data-testid=book] table.bid tbody tr")].some((tr) =>
          tr.textContent?.startsWith("2,900"),
        ),
      undefined,
      { polling: "raf", timeout: 5_000 },
    );
    const orderToScreenMs = performance.now() - t0;
    expect(orderToScreenMs).toBeLessThan(1_000);
    await shot("market");

    // A batch L1 confirmed shows as confirmed on its page.
    await page.goto(`${o.explorerUrl}#/batches/${o.confirmedBatch}`);
    await expect
      .poll(() => page.locator("#batch-detail").textContent(), { timeout: 10_000 })
      .toBe(`Batch #${o.confirmedBatch}`);
    await expect
      .poll(() => page.locator("article.card [data-stage]").first().getAttribute("data-stage"), {
        timeout: 15_000,
      })
      .toBe("confirmed");
    await shot("batches");
    return { orderToScreenMs };
  } finally {
    client.close();
    await context.close();
    rmSync(userDir, { recursive: true, force: true });
  }
}
