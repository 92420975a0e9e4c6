import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fileDashboardAssets } from "../../functions/adapters/dashboard-assets";
import { createTerminalMessenger } from "../../functions/adapters/terminal-messenger";
import { createBotHandler } from "../../functions/bot/handler";
import { botDepsFromEnv } from "../../functions/bot/wiring";
import { parseConfig } from "../../functions/core/config";
import { signInitData } from "../../functions/core/dashboard/init-data";
import { startTestTable } from "../support/emulators";
import { ALLOWED_CHAT, sampleSignal } from "../support/telegram-fixtures";

type TestTable = Awaited<ReturnType<typeof startTestTable>>;

const TOKEN = "123456:ROUTE-test_token";
const NOW = Date.parse("2024-03-05T15:30:00Z");
const config = parseConfig({
  watchlist: ["BTC-USD", "ETH-USD"],
  timezone: "UTC",
  dashboard: { maxAuthAgeSeconds: 600 },
});
let table: TestTable;
let assetsDir: string;

beforeAll(async () => {
  vi.stubEnv("TELEGRAM_BOT_TOKEN", TOKEN);
  vi.stubEnv("TELEGRAM_CHAT_ID", String(ALLOWED_CHAT));
  table = await startTestTable();
  await table.store.putSignal(sampleSignal({ candleTime: "2024-03-05T13:00:00.000Z" }));
  await table.store.putSignal(
    sampleSignal({ candleTime: "2024-03-05T14:00:00.000Z", action: "HOLD", analyst: "gate", alert: false }),
  );
  assetsDir = mkdtempSync(join(tmpdir(), "dashboard-assets-"));
  writeFileSync(join(assetsDir, "index.html"), "<!doctype html><title>Signals</title>");
  writeFileSync(join(assetsDir, "app.js"), "console.log('app')");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  rmSync(assetsDir, { recursive: true, force: true });
  await table.close();
});

/** The deployed bot handler (as botDepsFromEnv wires it), its dashboard files read from a folder. */
const handler = () => {
  const deps = botDepsFromEnv(config, {
    store: table.store,
    telegram: createTerminalMessenger({ write: () => {} }),
    clock: { now: () => NOW },
  });
  return createBotHandler({
    ...deps,
    dashboard: {
      assets: fileDashboardAssets(assetsDir),
      botToken: deps.dashboard?.botToken ?? (async () => undefined),
    },
  });
};

const signed = (userId = ALLOWED_CHAT, authDate = NOW / 1000 - 30) =>
  signInitData(
    { auth_date: String(authDate), user: JSON.stringify({ id: userId, first_name: "Ada" }) },
    TOKEN,
  );

function request(
  path: string,
  options: { method?: string; initData?: string; body?: unknown } = {},
): LambdaFunctionURLEvent {
  const [rawPath = "/", rawQueryString = ""] = path.split("?");
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers: {
      ...(options.initData === undefined ? {} : { authorization: `tma ${options.initData}` }),
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
    },
    requestContext: {
      accountId: "anonymous",
      apiId: "abc123",
      domainName: "abc123.lambda-url.us-east-1.on.aws",
      domainPrefix: "abc123",
      http: {
        method: options.method ?? "GET",
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.9",
        userAgent: "test",
      },
      requestId: "r1",
      routeKey: "$default",
      stage: "$default",
      time: "05/Mar/2024:15:30:00 +0000",
      timeEpoch: NOW,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    isBase64Encoded: false,
  };
}

const call = async (event: LambdaFunctionURLEvent) => {
  const result = (await handler()(event)) as Exclude<LambdaFunctionURLResult, string>;
  const type = String(result.headers?.["content-type"] ?? "");
  return {
    ...result,
    json: type.startsWith("application/json") ? JSON.parse(result.body ?? "{}") : undefined,
  };
};

describe("the dashboard on the bot's Function URL", () => {
  it("serves the page and its script under /app, with a policy that loads only its own files", async () => {
    const page = await call(request("/app"));
    expect(page.statusCode).toBe(200);
    expect(page.headers?.["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body).toContain("<title>Signals</title>");
    expect(page.headers?.["content-security-policy"]).toContain("script-src 'self'");
    expect((await call(request("/app/app.js"))).body).toBe("console.log('app')");
    expect((await call(request("/app/../../etc/passwd"))).statusCode).toBe(404);
    expect((await call(request("/app", { method: "POST" }))).statusCode).toBe(405);
  });

  it("answers the API only with valid initData: 401 with the reason otherwise", async () => {
    const none = await call(request("/app/api/overview"));
    expect(none.statusCode).toBe(401);
    expect(none.json).toMatchObject({ reason: "missing" });
    const expired = await call(
      request("/app/api/overview", { initData: signed(ALLOWED_CHAT, NOW / 1000 - 601) }),
    );
    expect(expired.json).toMatchObject({ reason: "expired" });
    const stranger = await call(request("/app/api/overview", { initData: signed(4242) }));
    expect(stranger.statusCode).toBe(401);
    expect(stranger.json).toMatchObject({ reason: "stranger" });

    const ok = await call(request("/app/api/overview", { initData: signed() }));
    expect(ok.statusCode).toBe(200);
    expect(ok.json.symbols.map((s: { symbol: string }) => s.symbol)).toEqual(["BTC-USD", "ETH-USD"]);
    expect(ok.json.symbols[0]).toMatchObject({
      price: 63412.5,
      last: { action: "HOLD" },
      lastAlert: { action: "BUY" },
    });
  });

  it("gives the chart its candles and the BUY and SELL signals with their reasons", async () => {
    const chart = await call(request("/app/api/chart?symbol=btc", { initData: signed() }));
    expect(chart.json.symbol).toBe("BTC-USD");
    expect(chart.json.candles).toHaveLength(2);
    expect(chart.json.signals).toHaveLength(1);
    expect(chart.json.signals[0]).toMatchObject({
      action: "BUY",
      closeLabel: "close Tue 5 Mar 14:00 UTC",
      analystLabel: "gpt-4o-mini (prompt v1)",
      costUsd: 0.00018,
    });
    expect(chart.json.signals[0].reasons).toContain("MACD histogram turned positive");
  });

  it("names the field and the value of a bad query or body (400)", async () => {
    const bad = await call(request("/app/api/history?symbol=NOPE", { initData: signed() }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json.error).toContain('symbol = "NOPE"');
    const mute = await call(
      request("/app/api/mute", {
        method: "POST",
        initData: signed(),
        body: { symbol: "BTC-USD", duration: "99y" },
      }),
    );
    expect(mute.statusCode).toBe(400);
    expect(mute.json.error).toContain('duration = "99y"');
  });

  it("mutes and unmutes through the store, as /mute does", async () => {
    const muted = await call(
      request("/app/api/mute", {
        method: "POST",
        initData: signed(),
        body: { symbol: "ETH-USD", duration: "1h" },
      }),
    );
    expect(muted.json).toEqual({ symbol: "ETH-USD", mutedUntil: NOW + 3_600_000 });
    expect((await table.store.mutes(NOW)).get("ETH-USD")).toBe(NOW + 3_600_000);
    await call(
      request("/app/api/unmute", { method: "POST", initData: signed(), body: { symbol: "ETH-USD" } }),
    );
    expect((await table.store.mutes(NOW)).has("ETH-USD")).toBe(false);
  });

  it("leaves the webhook as it was: any other path still needs Telegram's secret token", async () => {
    const webhook = await call(request("/", { method: "POST", body: { update_id: 1 } }));
    expect(webhook.statusCode).toBe(401);
  });
});
