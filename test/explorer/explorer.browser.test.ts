/**
 * The explorer in a real browser (Debian's Chromium, headless, through playwright-core) against the real
 * trader API server on the FakeNode test double and a fake verifier inspection API (explorer/testing):
 * an order placed through the SDK shows in the book within a second; a book changing a few hundred times
 * a second costs one render per frame and keeps the page responsive; the account view shows balances and
 * open orders; a batch is followed to "confirmed"; the assertion view shows our verdict; a dispute is
 * followed live from its start to the one-step proof and the slashed bond; the page reconnects after the
 * API restarts. Accessibility basics (names, captions, keyboard) are checked on every view, and nothing is
 * fetched from anywhere but loopback. Screenshots go to .optio/screenshots/ (not committed).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExplorer, createExplorerServer, type ExplorerServer } from "../../explorer/index.ts";
import { CHROMIUM_ARGS, ensureChromium } from "../../explorer/testing/ensureChromium.ts";
import {
  createFakeVerifierServer,
  type FakeVerifierServer,
} from "../../explorer/testing/FakeVerifierServer.ts";
import { createOptioClient, type OptioClient } from "../../sdk/index.ts";
import { type ApiServer, createApiServer } from "../../sequencer/api/index.ts";
import { FakeNode } from "../../sequencer/api/testing/FakeNode.ts";
import { hexOf, signOrder, testKey } from "../../sequencer/api/testing/signing.ts";

const chrome = ensureChromium();
if ("skip" in chrome) console.warn(`explorer browser tests skipped: ${chrome.skip}`);

const CHAIN = 31337n;
const SHOTS = resolve(".optio/screenshots");
const OPEN = { connectionRatePerSecond: 1e6, connectionBurst: 1e6, ipRatePerSecond: 1e6, ipBurst: 1e6 };
const maker = testKey(0);
const taker = testKey(1);
const loader = testKey(2);

describe.skipIf("skip" in chrome)("explorer in Chromium", () => {
  let node: FakeNode;
  let api: ApiServer;
  let verifier: FakeVerifierServer;
  let explorer: ExplorerServer;
  let context: BrowserContext;
  let page: Page;
  let makerClient: OptioClient;
  let userDir: string;
  let outDir: string;
  const requests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    node = new FakeNode(CHAIN);
    for (const k of [maker, taker, loader]) node.fund(k.address, 0, 1_000_000_000_000n);
    api = await createApiServer({ node, limits: OPEN });
    verifier = await createFakeVerifierServer();
    outDir = mkdtempSync(join(tmpdir(), "optio-explorer-"));
    await buildExplorer(outDir);
    explorer = await createExplorerServer({
      root: outDir,
      port: 0,
      config: { apiUrl: api.url, wsUrl: api.wsUrl, verifierUrl: verifier.url, quoteDecimals: 6 },
    });
    userDir = mkdtempSync(join(tmpdir(), "optio-chromium-"));
    context = await chromium.launchPersistentContext(userDir, {
      executablePath: (chrome as { path: string }).path,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("request", (r) => requests.push(r.url()));
    page.on("pageerror", (e) => pageErrors.push(e.message));
    makerClient = createOptioClient({ url: api.url, account: privateKeyToAccount(toHex(maker.privateKey)) });
  });

  afterAll(async () => {
    makerClient?.close();
    await context?.close();
    await explorer?.close();
    await verifier?.close();
    await api?.close();
    for (const d of [userDir, outDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const live = () => page.getByRole("status", { name: "Sequencer connection: live" }).waitFor();

  /** Every form control has an accessible name, every table a caption, every image role a label. */
  async function checkA11y(): Promise<void> {
    const problems = await page.evaluate(() => {
      const out: string[] = [];
      for (const el of document.querySelectorAll("input, select, textarea, button, meter")) {
        const e = el as HTMLInputElement;
        const named =
          (e.labels?.length ?? 0) > 0 ||
          e.getAttribute("aria-label") ||
          e.getAttribute("aria-labelledby") ||
          (el.tagName === "BUTTON" && el.textContent?.trim());
        if (!named) out.push(`unnamed ${el.tagName.toLowerCase()}`);
      }
      for (const t of document.querySelectorAll("table"))
        if (!t.querySelector("caption")?.textContent?.trim()) out.push("table without caption");
      for (const i of document.querySelectorAll('[role="img"]'))
        if (!i.getAttribute("aria-label")) out.push("role=img without aria-label");
      if (document.querySelectorAll("h1").length !== 1) out.push("not exactly one h1");
      if (!document.documentElement.lang) out.push("no lang");
      return out;
    });
    expect(problems).toEqual([]);
  }

  it("markets: an order placed through the SDK is in the book within a second; a trade appears", async () => {
    await page.goto(`${explorer.url}#/markets/0`);
    await live();
    await page.locator("[data-testid=book][data-seq]").waitFor();
    const t0 = performance.now();
    const r = await makerClient.send("ORDER", {
      market: 0n,
      subaccount: 0n,
      side: 0n,
      timeInForce: 0n,
      reduceOnly: false,
      price: 2_990_000_000n,
      quantity: 150_000_000n,
    });
    expect(r.outcomeName).toBe("OK");
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll("[data-testid=book] table.bid tbody tr")].some((tr) =>
          tr.textContent?.startsWith("2,990"),
        ),
      undefined,
      { polling: "raf", timeout: 5_000 },
    );
    const ms = performance.now() - t0;
    console.log(`order to book on screen: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1_000);
    // A taker (signing directly, another key) sells into it: the fill is in recent trades.
    const sell = signOrder(taker, CHAIN, 0n, {
      side: 1,
      price: 2_990_000_000n,
      quantity: 50_000_000n,
      timeInForce: 1,
    });
    await makerClient.sendRawTransaction(hexOf(sell));
    await expect
      .poll(() => page.locator("[data-testid=trades] tbody tr").first().textContent(), { timeout: 3_000 })
      .toContain("sell2,9900.5");
    // The option chain (market 1 is an option in the FakeNode): IV from volatilityE8 60,000,000 = 60%.
    await expect
      .poll(() => page.locator("[data-testid=option-chain] tbody tr").first().textContent())
      .toContain("60%");
    // Index and mark sampled each second: a line once there are two samples, its label the latest values.
    await page.waitForFunction(
      () => (document.querySelector(".chart polyline")?.getAttribute("points")?.split(" ").length ?? 0) >= 2,
      undefined,
      { timeout: 4_000 },
    );
    expect(await page.locator(".chart svg").getAttribute("aria-label")).toContain("index 3,000, mark 3,000");
    await checkA11y();
    await shot("markets");
  });

  it("markets: a few hundred book changes a second render once per frame, the page stays responsive", async () => {
    await page.goto(`${explorer.url}#/markets/0`);
    await live();
    await page.locator("[data-testid=book][data-seq]").waitFor();
    const N = 400;
    const txs = Array.from({ length: N }, (_, i) =>
      hexOf(
        signOrder(loader, CHAIN, BigInt(i), {
          side: i % 2 === 0 ? 0 : 1,
          price: i % 2 === 0 ? 2_000_000_000n - BigInt(i) * 10_000n : 4_000_000_000n + BigInt(i) * 10_000n,
          quantity: 100_000_000n,
        }),
      ),
    );
    const before = await page.evaluate(() => {
      const w = window as unknown as {
        __gaps: number[];
        __explorerStats: { renders: Record<string, number>; deltas: Record<string, number> };
      };
      w.__gaps = [];
      let last = performance.now();
      const tick = () => {
        const now = performance.now();
        w.__gaps.push(now - last);
        last = now;
        if (w.__gaps.length < 100_000) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      return { renders: w.__explorerStats.renders.book ?? 0, deltas: w.__explorerStats.deltas.book ?? 0 };
    });
    // 400 orders in 2 s: 20 calls of 20 every 100 ms (200 book changes a second), while the test also
    // measures how long the page takes to answer.
    const t0 = performance.now();
    const echo: number[] = [];
    for (let i = 0; i < 20; i++) {
      await makerClient.sendRawTransactions(txs.slice(i * 20, i * 20 + 20));
      const e0 = performance.now();
      await page.evaluate(() => 1);
      echo.push(performance.now() - e0);
      const wait = t0 + (i + 1) * 100 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const sendMs = performance.now() - t0;
    const want = await node.book(0, 20);
    await page.waitForFunction(
      (n) =>
        (window as unknown as { __explorerStats: { deltas: Record<string, number> } }).__explorerStats.deltas
          .book >= n,
      before.deltas + N,
      { timeout: 5_000 },
    );
    await page.waitForTimeout(100);
    const after = await page.evaluate(() => {
      const w = window as unknown as {
        __gaps: number[];
        __explorerStats: { renders: Record<string, number>; deltas: Record<string, number> };
      };
      const cells = (side: string) =>
        [...document.querySelectorAll(`[data-testid=book] table.${side} tbody tr td:first-child`)].map(
          (td) => td.textContent,
        );
      const gaps = [...w.__gaps].sort((a, b) => a - b);
      return {
        renders: w.__explorerStats.renders.book,
        deltas: w.__explorerStats.deltas.book,
        frames: gaps.length,
        p50Gap: gaps[Math.floor(gaps.length / 2)],
        maxGap: gaps[gaps.length - 1],
        bids: cells("bid"),
        asks: cells("ask"),
      };
    });
    const deltas = after.deltas - before.deltas;
    const renders = after.renders - before.renders;
    echo.sort((a, b) => a - b);
    console.log(
      `book load: ${deltas} deltas in ${sendMs.toFixed(0)} ms -> ${renders} renders over ${after.frames} frames; ` +
        `frame gap p50 ${after.p50Gap.toFixed(1)} ms, max ${after.maxGap.toFixed(0)} ms; page echo p50 ${echo[10].toFixed(1)} ms, max ${echo[19].toFixed(0)} ms`,
    );
    expect(deltas).toBeGreaterThanOrEqual(N);
    // Coalesced: at most one render per frame, and far fewer renders than deltas.
    expect(renders).toBeLessThanOrEqual(after.frames + 1);
    expect(renders).toBeLessThan(deltas / 2);
    // Responsive: the page answers within a frame or so while the book churns (2 CPUs shared: generous).
    expect(echo[10]).toBeLessThan(100);
    expect(after.maxGap).toBeLessThan(500);
    // What is drawn is the node's book.
    const fmt = (p: string) => (Number(BigInt(p) / 10_000n) / 100).toLocaleString("en-US");
    expect(after.bids.slice(0, 20)).toEqual(want?.bids.map((l) => fmt(l.price)));
    expect(after.asks.slice(0, 20)).toEqual(want?.asks.map((l) => fmt(l.price)));
  });

  it("account: typed in with the keyboard, shows collateral, margin usage and open orders", async () => {
    await page.goto(`${explorer.url}#/account`);
    await page.getByLabel("Account address").fill("0x1234");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("40 hex digits");
    await page.getByLabel("Account address").fill(maker.address);
    await page.keyboard.press("Enter");
    await page.locator("[data-testid=account]").waitFor();
    await expect.poll(() => page.locator("[data-testid=open-orders] tbody").textContent()).toContain("2,990");
    expect(await page.locator("[data-testid=account]").textContent()).toContain("Collateral1,000,000");
    expect(await page.getByRole("meter").count()).toBe(1);
    // The maker's side of the taker's earlier sell: a buy of 0.5 at 2,990 as maker.
    await expect
      .poll(() => page.locator("[data-testid=fills] tbody").textContent())
      .toContain("0makerbuy2,9900.5");
    await checkA11y();
    await shot("account");
  });

  it("batches: a batch is followed live from sealed to confirmed", async () => {
    await page.goto(`${explorer.url}#/batches`);
    await live();
    await page.locator("[data-testid=batches]").waitFor();
    const n = node.seal();
    const stage = () =>
      page.locator(`[data-testid=batches] tr[data-batch="${n}"] [data-stage]`).getAttribute("data-stage");
    await expect.poll(stage, { timeout: 3_000 }).toBe("sealed");
    for (const s of ["posted", "asserted", "confirmed"] as const) {
      node.advance(n, s);
      await expect.poll(stage, { timeout: 3_000 }).toBe(s);
    }
    // Keyboard: focus the batch's link and open its details with Enter.
    await page.locator(`[data-testid=batches] tr[data-batch="${n}"] a`).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#batch-detail").textContent()).toBe(`Batch #${n}`);
    await expect
      .poll(() => page.locator("article.card").textContent(), { timeout: 6_000 })
      .toContain("ORDER");
    expect(await page.locator("article.card").textContent()).toContain("0xabab");
    await checkA11y();
    await shot("batches");
  });

  it("assertions: proposer, bond, period left and our verdict", async () => {
    await page.goto(`${explorer.url}#/assertions`);
    const rows = page.locator("[data-testid=assertions] tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    const first = await rows.first().textContent();
    expect(first).toContain("0.1 ETH");
    expect(first).toContain("wrong root");
    expect(first).toContain("pending");
    expect(await rows.nth(1).textContent()).toContain("agrees");
    await checkA11y();
    await shot("assertions");
  });

  it("disputes: a game live from its start to the one-step proof and the slashed bond", async () => {
    await page.goto(`${explorer.url}#/disputes`);
    await page.getByRole("link", { name: /Game 1:/ }).click();
    const game = page.locator("[data-testid=game]");
    await expect.poll(() => game.getAttribute("data-phase")).toBe("started");
    expect(await page.locator("[data-testid=moves] > li").count()).toBe(1);
    // Moves land one by one; the page shows each as it lands.
    const seen = new Set<number>();
    while (verifier.reveal()) {
      const want = Math.min(verifier.revealed, verifier.total - 1);
      await expect
        .poll(() => page.locator("[data-testid=moves] > li").count(), { timeout: 3_000 })
        .toBe(want);
      seen.add(want);
      if (want === 5) {
        expect(await game.getAttribute("data-phase")).toBe("bisecting-step");
        expect(await page.locator("[data-testid=level-switch]").textContent()).toContain("transaction 28");
        await shot("dispute-step-level");
      }
    }
    await expect.poll(() => game.getAttribute("data-phase"), { timeout: 3_000 }).toBe("won");
    expect(seen.size).toBe(verifier.total - 2);
    const proof = await page.locator("[data-testid=proof]").textContent();
    expect(proof).toContain("Step 13,370,417 of transaction 28");
    expect(proof).toContain("i64.store offset=8");
    const outcome = await page.locator("[data-testid=outcome]").textContent();
    expect(outcome).toContain("The challenger won by one step proof");
    expect(outcome).toContain("defender's assertion bond of 0.1 ETH slashed");
    expect(outcome).toContain("0.08 ETH of the assertion bond paid to the challenger");
    // Both clocks, stopped; the narrowing drawn at both levels down to one step.
    expect(await page.getByRole("timer").count()).toBe(2);
    const figures = await page
      .locator(".narrowing svg")
      .evaluateAll((s) => s.map((e) => e.getAttribute("aria-label")));
    expect(figures[0]).toContain("down to 28..29");
    expect(figures[1]).toContain("down to 13370417..13370418");
    await checkA11y();
    await shot("dispute");
  });

  it("keyboard: skip button then the views' links, Enter navigates; focus is visible", async () => {
    await page.goto(`${explorer.url}#/markets/0`);
    await page.reload(); // a fresh document: focus starts at the top
    await page.getByRole("navigation", { name: "Views" }).waitFor(); // rendered (after /config.json)
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    const names: string[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press("Tab");
      names.push((await page.evaluate(() => document.activeElement?.textContent)) ?? "");
    }
    expect(names).toEqual(["Markets", "Account", "Batches", "Assertions", "Disputes"]);
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(outline).not.toBe("none");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => location.hash)).toBe("#/disputes");
  });

  it("reconnects by itself when the API restarts, and resyncs the book", async () => {
    await page.goto(`${explorer.url}#/markets/0`);
    await live();
    const port = new URL(api.url).port;
    await api.close();
    await page.getByRole("status", { name: /reconnecting|connecting/ }).waitFor({ timeout: 5_000 });
    api = await createApiServer({ node, port: Number(port), limits: OPEN });
    await live();
    await makerClient.send("ORDER", {
      market: 0n,
      subaccount: 0n,
      side: 0n,
      timeInForce: 0n,
      reduceOnly: false,
      price: 2_995_000_000n,
      quantity: 100_000_000n,
    });
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll("[data-testid=book] table.bid tbody tr")].some((tr) =>
          tr.textContent?.startsWith("2,995"),
        ),
      undefined,
      { timeout: 5_000 },
    );
  });

  it("loaded nothing but loopback, and threw nothing", () => {
    const outside = requests.filter((u) => !/^(https?|wss?):\/\/127\.0\.0\.1[:/]|^data:/.test(u));
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
