import { describe, expect, it } from "vitest";
import type { Action, Signal } from "../../../functions/core/signal";
import { wilsonInterval } from "../../../functions/core/track-record/rates";
import { buyAndHold, computeStats } from "../../../functions/core/track-record/stats";
import { sampleSignal } from "../../support/telegram-fixtures";

const HORIZONS = [1, 4, 24];
const CLOSES = 80;
const START = Date.parse("2024-03-01T00:00:00Z");
const hour = (t: number) => new Date(START + t * 3_600_000).toISOString();
/** A wavy BTC path, so BUYs and SELLs both hit and miss. */
const btc = (t: number) => Math.round(60_000 * (1 + 0.05 * Math.sin(t / 3)) * 100) / 100;
const eth = (t: number) => 3000 + 7 * t;

function outcomesAt(path: (t: number) => number, t: number) {
  const entries = HORIZONS.filter((h) => t + h < CLOSES).map((h) => {
    const price = path(t + h);
    return [String(h), { price, return: price / path(t) - 1 }] as const;
  });
  return Object.fromEntries(entries);
}

/** What the analyst stored at hour t: a gate HOLD unless told otherwise; BUY/SELL carry outcomes. */
function stored(t: number, overrides: Partial<Signal> = {}, path = btc): Signal {
  const action: Action = overrides.action ?? "HOLD";
  const scored = action === "BUY" || action === "SELL";
  return sampleSignal({
    candleTime: hour(t),
    price: path(t),
    action,
    analyst: "gate",
    model: undefined,
    promptVersion: undefined,
    reasons: [],
    alert: false,
    ...(scored ? { outcomes: outcomesAt(path, t) } : {}),
    ...overrides,
  });
}

const llm = { analyst: "llm", model: "gpt-4o-mini", promptVersion: "analyst-v2" } as const;
const buyTimes = Array.from({ length: 38 }, (_, i) => 2 * i); // 0, 2, …, 74
const sellTimes = [1, 11, 21, 31, 41, 51, 61, 71];
const abstains: [number, string][] = [
  [3, "budget"],
  [7, "refusal"],
  [9, "budget"],
];
const special = new Set([...buyTimes, ...sellTimes, ...abstains.map(([t]) => t), 13, 17, 77]);

const signals: Signal[] = [
  ...buyTimes.map((t) => stored(t, { ...llm, action: "BUY" })),
  ...sellTimes.map((t) => stored(t, { ...llm, action: "SELL" })),
  ...abstains.map(([t, reason]) => stored(t, { ...llm, action: "ABSTAIN", reasons: [reason] })),
  stored(13, { ...llm, action: "HOLD", reasons: ["no edge"] }),
  stored(17, { ...llm, action: "HOLD", reasons: ["no edge"] }),
  stored(77, { ...llm, promptVersion: "analyst-v1", action: "BUY" }),
  ...Array.from({ length: CLOSES }, (_, t) => t)
    .filter((t) => !special.has(t))
    .map((t) => stored(t)),
  stored(10, { analyst: "rules", action: "BUY", symbol: "ETH-USD" }, eth),
  stored(20, { analyst: "rules", action: "SELL", symbol: "ETH-USD" }, eth),
  stored(79, { symbol: "ETH-USD" }, eth),
];

/** The figures at one horizon, computed here from the price path rather than from the outcomes. */
function expected(side: "BUY" | "SELL", times: number[], h: number) {
  const returns = times
    .filter((t) => t + h < CLOSES)
    .map((t) => (btc(t + h) / btc(t) - 1) * (side === "BUY" ? 1 : -1));
  const hits = returns.filter((r) => r > 0).length;
  const sorted = [...returns].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return {
    scored: returns.length,
    hits,
    mean: returns.reduce((a, b) => a + b, 0) / returns.length,
    median: sorted.length % 2 ? sorted[Math.floor(mid)] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2,
  };
}

describe("computeStats", () => {
  const record = computeStats(signals, { horizons: HORIZONS });
  const group = (analyst: string, action: Action, promptVersion?: string) =>
    record.groups.find(
      (g) =>
        g.analyst === analyst &&
        g.action === action &&
        (promptVersion === undefined || g.promptVersion === promptVersion),
    );

  it("groups by analyst, model, prompt version and action, and counts the gate's HOLDs apart", () => {
    expect(
      record.groups.map((g) => [g.analyst, g.model, g.promptVersion, g.action, g.count].join(" ")),
    ).toEqual([
      "llm gpt-4o-mini analyst-v1 BUY 1",
      "llm gpt-4o-mini analyst-v2 BUY 38",
      "llm gpt-4o-mini analyst-v2 SELL 8",
      "llm gpt-4o-mini analyst-v2 HOLD 2",
      "llm gpt-4o-mini analyst-v2 ABSTAIN 3",
      "rules   BUY 1",
      "rules   SELL 1",
    ]);
    expect(record.signals).toBe(signals.length);
    expect(record.gateHolds).toBe(signals.length - 38 - 8 - 3 - 2 - 1 - 2);
    expect(record.period).toEqual({ from: hour(0), to: hour(79) });
  });

  it("gives the hit rate with its Wilson interval, and mean and median directional returns", () => {
    const buys = group("llm", "BUY", "analyst-v2");
    for (const h of [1, 4]) {
      const want = expected("BUY", buyTimes, h);
      const got = buys?.horizons?.find((s) => s.horizon === h);
      expect(want.scored).toBeGreaterThanOrEqual(30);
      expect(want.hits).toBeGreaterThan(0);
      expect(want.hits).toBeLessThan(want.scored);
      expect(got).toMatchObject({
        scored: want.scored,
        hits: want.hits,
        rate: wilsonInterval(want.hits, want.scored),
      });
      expect(got?.meanReturn).toBeCloseTo(want.mean, 12);
      expect(got?.medianReturn).toBeCloseTo(want.median as number, 12);
    }
  });

  it("gives no rate below 30 scored signals: too few to judge", () => {
    const buys24 = group("llm", "BUY", "analyst-v2")?.horizons?.find((s) => s.horizon === 24);
    const want = expected("BUY", buyTimes, 24);
    expect(want.scored).toBe(28);
    expect(buys24).toMatchObject({ scored: 28, hits: want.hits });
    expect(buys24?.rate).toBeUndefined();
    expect(buys24?.meanReturn).toBeCloseTo(want.mean, 12);
  });

  it("scores a SELL as a hit when the price fell, and its return in its own direction", () => {
    const sells = group("llm", "SELL");
    const want = expected("SELL", sellTimes, 4);
    const got = sells?.horizons?.find((s) => s.horizon === 4);
    expect(got).toMatchObject({ scored: 8, hits: want.hits });
    expect(got?.rate).toBeUndefined();
    expect(got?.meanReturn).toBeCloseTo(want.mean, 12);
  });

  it("counts a flat close as a miss", () => {
    const flat = computeStats(
      [stored(0, { ...llm, action: "BUY", outcomes: { "1": { price: btc(0), return: 0 } } })],
      { horizons: [1] },
    );
    expect(flat.groups[0]?.horizons?.[0]).toMatchObject({ scored: 1, hits: 0, meanReturn: 0 });
  });

  it("counts HOLD and ABSTAIN without scoring them, with ABSTAIN's reasons", () => {
    expect(group("llm", "HOLD")).toEqual({ ...llm, action: "HOLD", count: 2 });
    expect(group("llm", "ABSTAIN")).toEqual({
      ...llm,
      action: "ABSTAIN",
      count: 3,
      abstainReasons: { budget: 2, refusal: 1 },
    });
  });

  it("sets buy-and-hold over the window beside them: the equal-weight mean across symbols", () => {
    const btcReturn = btc(79) / btc(0) - 1;
    const ethReturn = eth(79) / eth(10) - 1;
    expect(record.buyAndHold?.basis).toBe("equal-weight mean");
    expect(record.buyAndHold?.return).toBeCloseTo((btcReturn + ethReturn) / 2, 12);
    expect(record.buyAndHold?.symbols).toEqual([
      {
        symbol: "BTC-USD",
        from: { time: hour(0), price: btc(0) },
        to: { time: hour(79), price: btc(79) },
        return: btcReturn,
      },
      {
        symbol: "ETH-USD",
        from: { time: hour(10), price: eth(10) },
        to: { time: hour(79), price: eth(79) },
        return: ethReturn,
      },
    ]);
  });

  it("is a single symbol's own return for one symbol, and nothing for no signals", () => {
    const one = buyAndHold([stored(5), stored(2), stored(9)]);
    expect(one).toMatchObject({ basis: "single symbol", return: btc(9) / btc(2) - 1 });
    expect(buyAndHold([])).toBeUndefined();
    expect(computeStats([], { horizons: HORIZONS })).toEqual({
      horizons: HORIZONS,
      signals: 0,
      gateHolds: 0,
      groups: [],
    });
  });
});
