import { describe, expect, it } from "vitest";
import { BOT_COMMANDS, parseCommand } from "../../../functions/core/bot/commands";

describe("parseCommand", () => {
  it("reads each command with its arguments", () => {
    expect(parseCommand("/start")).toEqual({ name: "start" });
    expect(parseCommand("/help@signals_test_bot")).toEqual({ name: "help" });
    expect(parseCommand("/last")).toEqual({ name: "last", count: 5 });
    expect(parseCommand("/last 3")).toEqual({ name: "last", count: 3 });
    expect(parseCommand("/history BTC-USD")).toEqual({ name: "history", symbol: "BTC-USD", count: 10 });
    expect(parseCommand("/history eth 4")).toEqual({ name: "history", symbol: "ETH-USD", count: 4 });
    expect(parseCommand("/history BTC-USD 7d")).toEqual({
      name: "history",
      symbol: "BTC-USD",
      count: 25,
      sinceMs: 7 * 86_400_000,
      window: "7d",
    });
    expect(parseCommand("/mute btc-usd 2h")).toEqual({
      name: "mute",
      symbol: "BTC-USD",
      durationMs: 7_200_000,
      duration: "2h",
    });
    expect(parseCommand("/unmute BTC/USD")).toEqual({ name: "unmute", symbol: "BTC-USD" });
    expect(parseCommand("/history aapl")).toMatchObject({ name: "history", symbol: "AAPL" });
    expect(parseCommand("  /STATUS  ")).toEqual({ name: "status" });
    expect(parseCommand("/watchlist")).toEqual({ name: "watchlist" });
  });

  it("reads /stats with an optional symbol and window, 30d by default", () => {
    const day = 86_400_000;
    expect(parseCommand("/stats")).toEqual({ name: "stats", sinceMs: 30 * day, window: "30d" });
    expect(parseCommand("/stats eth")).toEqual({
      name: "stats",
      symbol: "ETH-USD",
      sinceMs: 30 * day,
      window: "30d",
    });
    expect(parseCommand("/stats 2w")).toEqual({ name: "stats", sinceMs: 14 * day, window: "2w" });
    expect(parseCommand("/stats BTC-USD 7d")).toEqual({
      name: "stats",
      symbol: "BTC-USD",
      sinceMs: 7 * day,
      window: "7d",
    });
    for (const wrong of ["/stats NOPE-XYZ", "/stats BTC-USD soon", "/stats 7d BTC-USD", "/stats BTC 7d 1"])
      expect(parseCommand(wrong)).toMatchObject({ name: "usage", command: "stats" });
    expect(parseCommand("/stats NOPE-XYZ")).toMatchObject({
      problem: expect.stringContaining(`unknown symbol "NOPE-XYZ"`),
    });
  });

  it("caps counts instead of refusing them", () => {
    expect(parseCommand("/last 500")).toEqual({ name: "last", count: 20 });
    expect(parseCommand("/history BTC-USD 999")).toMatchObject({ count: 25 });
  });

  it("explains a wrong use instead of guessing", () => {
    expect(parseCommand("/history")).toMatchObject({
      name: "usage",
      problem: expect.stringContaining("which symbol"),
    });
    expect(parseCommand("/history NOPE-XYZ")).toMatchObject({
      name: "usage",
      problem:
        'unknown symbol "NOPE-XYZ"; no known symbol is similar (e.g. BTC-USD, ETH-USD). Use /history BTC-USD [N|7d]',
    });
    expect(parseCommand("/mute btcx 2h")).toMatchObject({
      name: "usage",
      problem: 'unknown symbol "btcx"; similar: BTC-USD. Use /mute BTC-USD 2h',
    });
    expect(parseCommand("/history BTC-USD soon")).toMatchObject({ name: "usage" });
    expect(parseCommand("/last zero")).toMatchObject({ name: "usage" });
    expect(parseCommand("/mute BTC-USD")).toMatchObject({ name: "usage" });
    expect(parseCommand("/mute BTC-USD 90d")).toMatchObject({
      name: "usage",
      problem: "the longest mute is 30d",
    });
    expect(parseCommand("/unmute")).toMatchObject({ name: "usage" });
  });

  it("repeats at most 40 characters of a 5,000-character argument, whichever argument it is", () => {
    const long = `NOPE${"x".repeat(4_996)}`;
    const quoted = `"NOPE${"x".repeat(36)}…"`;
    for (const text of [
      `/history ${long}`,
      `/history BTC-USD ${long}`,
      `/stats ${long}`,
      `/stats ${long} 7d`,
      `/mute ${long} 2h`,
      `/unmute ${long}`,
    ]) {
      const command = parseCommand(text);
      expect(command, text.slice(0, 20)).toMatchObject({ name: "usage" });
      const { problem } = command as { problem: string };
      expect(problem, text.slice(0, 20)).toContain(quoted);
      expect(problem, text.slice(0, 20)).not.toContain("x".repeat(37));
      expect(problem.length, text.slice(0, 20)).toBeLessThan(160);
    }
  });

  it("takes no window or duration longer than 8 characters, so none is echoed in full", () => {
    const longWindow = `1${"0".repeat(4_998)}d`;
    expect(parseCommand(`/history BTC-USD ${longWindow}`)).toMatchObject({
      name: "usage",
      problem: `"1${"0".repeat(39)}…" is neither a count nor a window like 7d. Use /history SYMBOL [N|7d]`,
    });
    expect(parseCommand(`/stats BTC-USD ${longWindow}`)).toMatchObject({ name: "usage" });
    expect(parseCommand(`/stats ${longWindow}`)).toMatchObject({ name: "usage" });
    expect(parseCommand(`/mute BTC-USD ${longWindow}`)).toMatchObject({ name: "usage" });
    // Eight characters still make a window, and its date still exists (no RangeError downstream).
    expect(parseCommand("/history BTC-USD 9999999w")).toMatchObject({ name: "history", window: "9999999w" });
    expect(parseCommand("/history BTC-USD 99999999w")).toMatchObject({ name: "usage" });
  });

  it("tells unknown commands from text that is no command at all", () => {
    expect(parseCommand("/buy BTC")).toEqual({ name: "unknown", command: "buy" });
    expect(parseCommand("hello")).toBeUndefined();
    expect(parseCommand(undefined)).toBeUndefined();
    expect(parseCommand("/")).toBeUndefined();
  });

  it("has a menu entry for every command, within Telegram's limits", () => {
    for (const { command, description } of BOT_COMMANDS) {
      expect(command).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(description.length).toBeGreaterThanOrEqual(1);
      expect(description.length).toBeLessThanOrEqual(256);
      expect(parseCommand(`/${command}`)?.name).not.toBe("unknown");
    }
  });
});
