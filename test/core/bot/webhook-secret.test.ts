import { describe, expect, it } from "vitest";
import {
  secretMatches,
  WEBHOOK_SECRET_PATTERN,
  webhookSecretFromToken,
} from "../../../functions/core/bot/webhook-secret";

describe("webhook secret", () => {
  it("is derived deterministically from the token, in the characters Telegram allows", () => {
    const secret = webhookSecretFromToken("123456:ABC-DEF");
    expect(secret).toMatch(WEBHOOK_SECRET_PATTERN);
    expect(webhookSecretFromToken("123456:ABC-DEF")).toBe(secret);
    expect(webhookSecretFromToken("123456:ABC-DEG")).not.toBe(secret);
    expect(secret).not.toContain("ABC");
  });

  it("matches only the exact secret", () => {
    expect(secretMatches("abc_DEF-1", "abc_DEF-1")).toBe(true);
    expect(secretMatches("abc_DEF-2", "abc_DEF-1")).toBe(false);
    expect(secretMatches("abc_DEF-1x", "abc_DEF-1")).toBe(false);
    expect(secretMatches("", "abc_DEF-1")).toBe(false);
    expect(secretMatches(undefined, "abc_DEF-1")).toBe(false);
  });
});
