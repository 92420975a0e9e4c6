import { describe, expect, it } from "vitest";
import {
  alarmsCheck,
  dlqCheck,
  hasFailure,
  lastTickCheck,
  renderChecks,
  spendCheck,
  webhookCheck,
} from "../../functions/core/doctor";

const NOW = Date.parse("2024-03-05T14:10:00Z");
const spend = (costUsd: number) => ({
  day: "2024-03-05",
  costUsd,
  calls: 3,
  promptTokens: 0,
  completionTokens: 0,
});

describe("doctor checks", () => {
  it("fails a symbol whose last close is older than 3 candle intervals, and one with none", () => {
    // The 13:00 candle closed at 14:00: 10 minutes ago.
    expect(lastTickCheck("BTC-USD", "1h", "2024-03-05T13:00:00.000Z", NOW)).toMatchObject({
      status: "OK",
      detail: "last close 10 min ago",
    });
    expect(lastTickCheck("BTC-USD", "1h", "2024-03-05T11:00:00.000Z", NOW).status).toBe("OK");
    const stale = lastTickCheck("BTC-USD", "1h", "2024-03-05T09:00:00.000Z", NOW);
    expect(stale).toMatchObject({ status: "FAIL", detail: "last close 4 h ago (1h candles)" });
    expect(stale.fix).toMatch(/schedule/);
    expect(lastTickCheck("ETH-USD", "1h", undefined, NOW)).toMatchObject({
      status: "FAIL",
      detail: "no signal stored yet",
    });
  });

  it("fails a DLQ holding a message, with the command that shows why", () => {
    expect(dlqCheck("analysis", 0, "x").status).toBe("OK");
    expect(dlqCheck("analysis", 2, "npm run signals -- dlq list --queue analysis --aws")).toEqual({
      name: "DLQ analysis",
      status: "FAIL",
      detail: "2 messages waiting",
      fix: "see why with `npm run signals -- dlq list --queue analysis --aws`, then `dlq redrive`",
    });
  });

  it("warns from 80% of the budget and fails at it", () => {
    expect(spendCheck(spend(0.1), 0.5).status).toBe("OK");
    expect(spendCheck(spend(0.4), 0.5).status).toBe("WARN");
    expect(spendCheck(spend(0.5), 0.5)).toMatchObject({
      status: "FAIL",
      detail: "$0.5000 of $0.50 (3 calls, 2024-03-05)",
    });
  });

  it("fails a webhook that is unset or points elsewhere, and warns of a recent delivery error", () => {
    const url = "https://abc.lambda-url.us-east-1.on.aws/";
    expect(webhookCheck({ url, pending_update_count: 0 }, url, NOW).status).toBe("OK");
    expect(webhookCheck({ url: "", pending_update_count: 0 }, url, NOW).status).toBe("FAIL");
    expect(webhookCheck({ url: "https://old.example/", pending_update_count: 0 }, url, NOW)).toMatchObject({
      status: "FAIL",
      detail: `points at https://old.example/, not the stack's ${url}`,
    });
    const error = {
      url,
      pending_update_count: 7,
      last_error_date: NOW / 1000 - 60,
      last_error_message: "Wrong response from the webhook: 401 Unauthorized",
    };
    expect(webhookCheck(error, url, NOW)).toMatchObject({
      status: "WARN",
      detail: expect.stringContaining("401 Unauthorized"),
    });
    expect(webhookCheck({ ...error, last_error_date: NOW / 1000 - 3 * 86_400 }, url, NOW).status).toBe("OK");
  });

  it("fails when an alarm is in ALARM, naming it", () => {
    expect(alarmsCheck([{ name: "S-noTicks", state: "OK" }]).status).toBe("OK");
    expect(
      alarmsCheck([
        { name: "S-noTicks", state: "ALARM" },
        { name: "S-llmBudget", state: "OK" },
      ]),
    ).toMatchObject({
      status: "FAIL",
      detail: "in ALARM: S-noTicks",
    });
  });

  it("prints one line per check with the fix under each FAIL, and a count", () => {
    const checks = [dlqCheck("analysis", 0, "x"), spendCheck(spend(0.5), 0.5)];
    const text = renderChecks(checks);
    expect(text.split("\n")).toEqual([
      "OK   DLQ analysis     empty",
      "FAIL LLM spend today  $0.5000 of $0.50 (3 calls, 2024-03-05)",
      expect.stringMatching(/^ {22}fix: closes are ABSTAIN budget/),
      "",
      "1 failed, 0 warnings",
    ]);
    expect(hasFailure(checks)).toBe(true);
  });

  it("says one as one: 1 message, 1 call, 1 warning", () => {
    expect(dlqCheck("analysis", 1, "x").detail).toBe("1 message waiting");
    expect(spendCheck({ ...spend(0.1), calls: 1 }, 0.5).detail).toContain("(1 call, ");
    const warned = renderChecks([alarmsCheck([])]);
    expect(warned.split("\n").at(-1)).toBe("all passed, 1 warning");
  });
});
