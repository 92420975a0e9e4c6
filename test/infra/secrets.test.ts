import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../functions/core/config";
import rawConfig from "../../signals.config";
import { resourcesOf, type Synthesized, synthesize } from "./synth";

/** Secret values a developer may have in their shell while synthesizing. */
const SENTINELS = {
  OPENAI_API_KEY: "sk-sentinel-openai-key-must-not-leak",
  TELEGRAM_BOT_TOKEN: "123456:sentinel-bot-token-must-not-leak",
  TELEGRAM_WEBHOOK_SECRET: "sentinel-webhook-secret-must-not-leak",
};

const saved: Record<string, string | undefined> = {};
let synth: Synthesized;

beforeAll(() => {
  for (const [name, value] of Object.entries(SENTINELS)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  synth = synthesize();
});

afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("secrets", () => {
  it("never reach the template, even when set in the synthesizing shell", () => {
    const text = JSON.stringify(synth.json);
    for (const value of Object.values(SENTINELS)) expect(text).not.toContain(value);
  });

  it("reach functions only as SSM parameter names", () => {
    const config = parseConfig(rawConfig);
    const parameterNames = [config.openai.apiKeyParameter, config.telegram.botTokenParameter];
    for (const [id, fn] of Object.entries(resourcesOf(synth.json, "AWS::Lambda::Function"))) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      for (const [name, value] of Object.entries(variables)) {
        if (!/KEY|TOKEN|SECRET|PASSWORD/i.test(name)) continue;
        expect(name, id).toMatch(/_PARAMETER$/);
        expect(parameterNames, `${id} ${name}`).toContain(value);
      }
    }
  });
});
