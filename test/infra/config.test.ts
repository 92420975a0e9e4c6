import { beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../functions/core/validation";
import { buildApp } from "../../lib/app";
import rawConfig from "../../signals.config";
import { FAST_SYNTH, resourcesOf, type Synthesized, synthesize } from "./synth";

function validationMessage(overrides: Record<string, unknown>): string {
  try {
    buildApp({ ...rawConfig, ...overrides }, FAST_SYNTH);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("a bad config value", () => {
  it("fails the app with a message naming the field and the value", () => {
    const message = validationMessage({ timeframe: "2h" });
    expect(message).toContain("timeframe");
    expect(message).toContain('"2h"');
  });

  it("names a bad watchlist entry by its position", () => {
    const message = validationMessage({ watchlist: ["BTC-USD", "NOPE-USD"] });
    expect(message).toContain("watchlist[1]");
    expect(message).toContain("NOPE-USD");
  });

  it("rejects a misspelt key at any depth, naming its path and the key it most likely meant", () => {
    expect(validationMessage({ alerts: { ...rawConfig.alerts, cooldownMins: 240 } })).toBe(
      "invalid config: alerts.cooldownMins: unknown key; did you mean alerts.cooldownMinutes?",
    );
    const message = validationMessage({
      watchlst: ["BTC-USD"],
      watchlist: [{ symbol: "ETH-USD", provider: ["kraken"] }],
      analyst: { gate: { maCross: { enable: false, fast: 5, slow: 20 } } },
    });
    expect(message).toContain("watchlst: unknown key; did you mean watchlist?");
    expect(message).toContain("watchlist[0].provider: unknown key; did you mean watchlist[0].providers?");
    expect(message).toContain(
      "analyst.gate.maCross.enable: unknown key; did you mean analyst.gate.maCross.enabled?",
    );
    expect(validationMessage({ colour: "blue" })).toMatch(/colour: unknown key; known keys: stackName, /);
  });

  it("rejects a parameter name that is not an SSM path", () => {
    const message = validationMessage({ telegram: { botTokenParameter: "bot token" } });
    expect(message).toContain("telegram.botTokenParameter");
  });
});

describe("a customised config", () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize({
      stackName: "MySignals",
      timeframe: "5m",
      openai: { apiKeyParameter: "/team/openai" },
      telegram: { chatIds: [42], botTokenParameter: "/team/telegram" },
    });
  });

  it("names the stack", () => {
    expect(synth.stack.stackName).toBe("MySignals");
  });

  it("schedules the fetcher at every 5-minute close", () => {
    const schedule = Object.values(resourcesOf(synth.json, "AWS::Scheduler::Schedule"))[0];
    expect(schedule?.Properties.ScheduleExpression).toBe("cron(0/5 * * * ? *)");
  });

  it("points the functions at the configured parameter names", () => {
    const variables = Object.values(resourcesOf(synth.json, "AWS::Lambda::Function")).map(
      (fn) => (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    );
    expect(variables.map((v) => v.OPENAI_API_KEY_PARAMETER).filter(Boolean)).toEqual(["/team/openai"]);
    expect(variables.map((v) => v.TELEGRAM_BOT_TOKEN_PARAMETER).filter(Boolean)).toEqual([
      "/team/telegram",
      "/team/telegram",
      "/team/telegram",
    ]);
  });
});
