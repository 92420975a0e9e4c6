import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTerminalMessenger } from "../../functions/adapters/terminal-messenger";
import { botDepsFromEnv } from "../../functions/bot/wiring";
import { parseConfig } from "../../functions/core/config";
import { signInitData } from "../../functions/core/dashboard/init-data";
import type { Signal } from "../../functions/core/signal";
import { PROJECT_ROOT } from "../../lib/pipeline-function";
import { type LocalDashboard, localDashboard } from "../../local/dashboard-link";
import { type BotWebhookServer, startBotWebhookServer } from "../../local/telegram-bot-server";
import { seedDashboardSignals } from "../support/dashboard-seed";
import { startTestTable } from "../support/emulators";
import { ALLOWED_CHAT } from "../support/telegram-fixtures";

/**
 * The dashboard in a real browser: Debian's Chromium (never a downloaded build) driven by
 * playwright-core, at a phone's width, against the local bot server over a dynalite store.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** How long the page may take to show what is asserted: a loaded machine needs far more than 1 s. */
const PAGE_WAIT = { timeout: 20_000 };
const hasChromium = existsSync(CHROMIUM);
const SCREENSHOTS = join(PROJECT_ROOT, "reports", "screenshots");
/** Set to refresh the README's picture (docs/dashboard.png). */
const UPDATE_DOCS = process.env.UPDATE_DASHBOARD_SCREENSHOT === "1";
const PHONE = { width: 390, height: 844 };
const TOKEN = "123456:DASHBOARD-test_token";

type TestTable = Awaited<ReturnType<typeof startTestTable>>;
let table: TestTable;
let dashboard: LocalDashboard;
let server: BotWebhookServer;
let browser: Browser;
let seeded: Signal[];

const config = parseConfig({ timezone: "UTC" });

async function openPhone(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: PHONE, deviceScaleFactor: 2, colorScheme: "light" });
  await page.goto(url);
  return page;
}

interface MarkerPoint {
  candleTime: string;
  action: string;
  x: number;
  y: number;
}

/** Where the page's chart drew its BUY and SELL markers (the page exposes them for automation). */
const markerPoints = (page: Page) =>
  page.evaluate("window.signalsDashboard?.markerPoints() ?? []") as Promise<MarkerPoint[]>;

const linkWith = (fields: Record<string, string>, token = TOKEN) =>
  `${server.appUrl}#tgWebAppData=${encodeURIComponent(signInitData(fields, token))}`;
const nowSeconds = () => String(Math.floor(Date.now() / 1000));
const user = JSON.stringify({ id: ALLOWED_CHAT, first_name: "Ada" });

describe.skipIf(!hasChromium)(
  `the dashboard in Chromium${hasChromium ? "" : ` (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium)`}`,
  () => {
    beforeAll(async () => {
      vi.stubEnv("TELEGRAM_BOT_TOKEN", TOKEN);
      vi.stubEnv("TELEGRAM_CHAT_ID", String(ALLOWED_CHAT));
      mkdirSync(SCREENSHOTS, { recursive: true });
      table = await startTestTable();
      seeded = await seedDashboardSignals(table.store, {
        symbols: ["BTC-USD", "ETH-USD"],
        count: 150,
        now: Date.now(),
      });
      const deps = botDepsFromEnv(config, {
        store: table.store,
        telegram: createTerminalMessenger({ write: () => {} }),
      });
      dashboard = await localDashboard(deps);
      server = await startBotWebhookServer({ deps: dashboard.deps, port: 0 });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        // No network beyond the test's own server: Chromium's background fetches would only fail here.
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
    }, 90_000);

    afterAll(async () => {
      vi.unstubAllEnvs();
      await browser?.close();
      await server?.stop();
      await table?.close();
    });

    it("shows the watchlist with each symbol's last signal and price, and the chart with its markers", async () => {
      const page = await openPhone(dashboard.link(server.appUrl));
      const rows = page.locator("[data-testid=watchlist] .watch");
      await expect.poll(() => rows.count(), PAGE_WAIT).toBe(2);
      const btcLast = seeded.filter((s) => s.symbol === "BTC-USD").at(-1) as Signal;
      const btcAlert = seeded.filter((s) => s.symbol === "BTC-USD" && s.alert).at(-1) as Signal;
      const btcRow = rows.filter({ hasText: "BTC-USD" });
      await expect
        .poll(() => btcRow.textContent())
        .toContain(
          btcLast.price.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
        );
      // The action with its time, and the price labelled as the latest close's, not the signal's.
      expect(await btcRow.locator(".watch-main").textContent()).toContain(btcAlert.action);
      expect(await btcRow.locator(".watch-side").textContent()).toMatch(/^[\d,.]+last close$/);

      await page.locator("[data-testid=chart] canvas").first().waitFor();
      const markers = () => markerPoints(page);
      await expect.poll(async () => (await markers()).length, PAGE_WAIT).toBe(3);
      expect((await markers()).map((m) => m.action)).toEqual(["BUY", "SELL", "BUY"]);
      await page.screenshot({ path: join(SCREENSHOTS, "dashboard-390.png") });
      await page.screenshot({ path: join(SCREENSHOTS, "dashboard-390-full.png"), fullPage: true });
      if (UPDATE_DOCS) await page.screenshot({ path: join(PROJECT_ROOT, "docs", "dashboard.png") });
      await page.close();
    });

    it("opens a signal's reasons, indicators, analyst, model and cost when its marker is tapped", async () => {
      const page = await openPhone(dashboard.link(server.appUrl));
      await page.locator("[data-testid=chart] canvas").first().waitFor();
      await expect.poll(async () => (await markerPoints(page)).length, PAGE_WAIT).toBe(3);
      const sell = (await markerPoints(page)).find((m) => m.action === "SELL");
      const box = await page.locator("[data-testid=chart]").boundingBox();
      if (!sell || !box) throw new Error("no SELL marker drawn");
      await page.mouse.click(box.x + sell.x, box.y + sell.y);
      const detail = page.locator("[data-testid=signal-detail]");
      await detail.waitFor();
      const stored = seeded.find((s) => s.symbol === "BTC-USD" && s.candleTime === sell.candleTime) as Signal;
      const text = (await detail.textContent()) ?? "";
      expect(text).toContain("SELL");
      for (const reason of stored.reasons) expect(text).toContain(reason);
      expect(text).toContain("gpt-4o-mini (prompt v1)");
      expect(text).toContain("$0.00018");
      expect(text).toContain("rsi14");
      await page.screenshot({ path: join(SCREENSHOTS, "dashboard-390-signal.png") });
      await page.close();
    });

    it("mutes and unmutes a symbol in the store", async () => {
      const page = await openPhone(dashboard.link(server.appUrl));
      await page.getByRole("button", { name: "Mute 24h" }).click();
      await page.locator("[data-testid=muted]").waitFor();
      const muted = await table.store.mutes(Date.now());
      expect(muted.get("BTC-USD")).toBeGreaterThan(Date.now() + 23 * 3_600_000);
      await page.getByRole("button", { name: "Unmute" }).click();
      await page.getByRole("button", { name: "Mute 1h" }).waitFor();
      expect((await table.store.mutes(Date.now())).has("BTC-USD")).toBe(false);
      await page.close();
    });

    it("filters the history to alerts and one action", async () => {
      const page = await openPhone(dashboard.link(server.appUrl));
      const history = page.locator("[data-testid=history] .row");
      await expect.poll(() => history.count(), PAGE_WAIT).toBe(30);
      await page.locator("input[name=alerts]").check();
      await expect.poll(() => history.count(), PAGE_WAIT).toBe(3);
      await page.locator("select[name=action]").selectOption("SELL");
      await expect.poll(() => history.count(), PAGE_WAIT).toBe(1);
      await page.close();
    });

    it("shows the track record, buy-and-hold first", async () => {
      const page = await openPhone(dashboard.link(server.appUrl));
      await page.getByRole("tab", { name: "Stats" }).click();
      const stats = page.locator("[data-testid=stats]");
      await expect.poll(() => stats.textContent(), PAGE_WAIT).toContain("Buy & hold");
      // 2 symbols × 150 signals; the seeded verdicts are 2 BUY and 1 SELL per symbol.
      expect(await stats.textContent()).toContain("300 signals · 294 gate HOLDs");
      expect(await stats.textContent()).toMatch(/BUY\s*×4/);
      await page.screenshot({ path: join(SCREENSHOTS, "dashboard-390-stats.png"), fullPage: true });
      await page.close();
    });

    it("refuses tampered, expired and strangers' initData with 401, and the page says so", async () => {
      const tampered = dashboard
        .link(server.appUrl)
        .replace(/hash%3D([0-9a-f])/, (_m, c: string) => `hash%3D${c === "0" ? "1" : "0"}`);
      const expired = linkWith({ auth_date: String(Math.floor(Date.now() / 1000) - 2 * 86_400), user });
      const stranger = linkWith({
        auth_date: nowSeconds(),
        user: JSON.stringify({ id: 4242, first_name: "Eve" }),
      });
      const otherBot = linkWith({ auth_date: nowSeconds(), user }, "999:OTHER");
      for (const [name, url, says] of [
        ["tampered", tampered, "not signed"],
        ["expired", expired, "expired"],
        ["stranger", stranger, "not on the allowlist"],
        ["other-bot", otherBot, "not signed"],
      ] as const) {
        const page = await openPhone(url);
        const refusal = page.locator("[data-testid=unauthorized]");
        await refusal.waitFor();
        expect(await refusal.textContent(), name).toContain(says);
        expect(await page.locator("[data-testid=watchlist]").count()).toBe(0);
        if (name === "expired") await page.screenshot({ path: join(SCREENSHOTS, "dashboard-390-401.png") });
        await page.close();
      }
      const direct = await fetch(`${server.appUrl}/api/overview`, {
        headers: { authorization: "tma auth_date=1&hash=00" },
      });
      expect(direct.status).toBe(401);
      expect(await direct.json()).toMatchObject({ reason: "malformed" });
    });
  },
);
