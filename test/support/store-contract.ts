import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BilledVerdict } from "../../functions/core/billed-verdict";
import type { FailureRecord } from "../../functions/core/dead-letters";
import type {
  AnalysisClaims,
  Deliveries,
  FailureRecords,
  LatestSignals,
  Mutes,
  Outbox,
  OutcomeWriter,
  SignalReader,
  SignalWriter,
  SpendLedger,
  VerdictStore,
} from "../../functions/core/ports";
import type { Signal } from "../../functions/core/signal";

/** Every store port: what DynamoStore implements and what an in-memory fake must honour alike. */
export type SignalStore = SignalWriter &
  OutcomeWriter &
  SignalReader &
  AnalysisClaims &
  VerdictStore &
  SpendLedger &
  Deliveries &
  Mutes &
  FailureRecords &
  Outbox &
  LatestSignals;

export interface OpenStore {
  store: SignalStore;
  cleanup(): Promise<void>;
}

const HOUR = 3_600_000;

/** A signal of `symbol` at `hour` hours after `day` (UTC midnight): each test owns its symbol. */
function signalAt(symbol: string, hour: number, extra: Partial<Signal> = {}, day = "2024-03-01"): Signal {
  return {
    symbol,
    timeframe: "1h",
    candleTime: new Date(Date.parse(`${day}T00:00:00Z`) + hour * HOUR).toISOString(),
    price: 100 + hour,
    action: "HOLD",
    reasons: ["no trigger"],
    analyst: "gate",
    indicators: { rsi14: 51.2 },
    triggers: [],
    provider: "coinbase",
    alert: false,
    createdAt: "2024-03-01T00:00:05.000Z",
    ...extra,
  };
}
const buyAlert = { action: "BUY", confidence: 0.8, analyst: "rules", alert: true } as const;
const at = (iso: string) => Date.parse(iso);
const hours = (signals: Pick<Signal, "candleTime">[]) => signals.map((s) => s.candleTime.slice(11, 13));

/**
 * The semantics every signals store keeps, registered as `describe` blocks. `open` is called once per
 * suite (one table per file on dynalite), so each test writes under its own symbol, and the tests that
 * read across symbols use their own year.
 */
export function describeStoreContract(name: string, open: () => Promise<OpenStore>): void {
  describe(`${name}: the store contract`, () => {
    let opened: OpenStore;
    let store: SignalStore;
    beforeAll(async () => {
      opened = await open();
      store = opened.store;
    });
    afterAll(() => opened?.cleanup());

    describe("signals", () => {
      it("stores one signal per key and refuses a second put without overwriting it", async () => {
        const first = signalAt("PUT-USD", 1, { price: 1 });
        expect(await store.putSignal(first)).toBe("stored");
        expect(await store.putSignal({ ...first, price: 2 }, { expiresAt: 1 })).toBe("duplicate");
        expect(await store.getSignal(first)).toEqual(first);
        expect(await store.putSignal({ ...first, timeframe: "4h", price: 3 })).toBe("stored");
        expect((await store.getSignal({ ...first, timeframe: "4h" }))?.price).toBe(3);
        expect(await store.getSignal(signalAt("PUT-USD", 2))).toBeUndefined();
      });

      it("returns one series' history newest first, whole records, within an inclusive range and limit", async () => {
        const stored = [3, 1, 5, 2, 4].map((hour) => signalAt("HIS-USD", hour));
        for (const signal of stored) await store.putSignal(signal);
        await store.putSignal(signalAt("HIS-USD", 6, { timeframe: "4h" }));
        await store.putSignal(signalAt("HIS-EUR", 6));
        const all = await store.history("HIS-USD", "1h");
        expect(hours(all)).toEqual(["05", "04", "03", "02", "01"]);
        expect(all[0]).toEqual(stored[2]);
        const range = { since: at("2024-03-01T02:00:00Z"), until: at("2024-03-01T04:00:00Z") };
        expect(hours(await store.history("HIS-USD", "1h", range))).toEqual(["04", "03", "02"]);
        expect(hours(await store.history("HIS-USD", "1h", { ...range, limit: 2 }))).toEqual(["04", "03"]);
        expect(hours(await store.history("HIS-USD", "1h", { limit: 1 }))).toEqual(["05"]);
        expect(hours(await store.history("HIS-USD", "1h", { since: at("2024-03-01T04:30:00Z") }))).toEqual([
          "05",
        ]);
        expect(await store.history("HIS-GBP", "1h")).toEqual([]);
      });

      it("lists the latest alerts across symbols, newest first, up to the limit", async () => {
        const day = "2099-01-01";
        await store.putSignal(signalAt("LAT-USD", 1, buyAlert, day));
        await store.putSignal(signalAt("LAT-EUR", 2, { ...buyAlert, action: "SELL" }, day));
        await store.putSignal(signalAt("LAT-USD", 3, { action: "BUY", confidence: 0.4 }, day));
        await store.putSignal(signalAt("LAT-GBP", 1, { ...buyAlert, timeframe: "4h" }, "2099-01-02"));
        const latest = await store.latestAlerts(3);
        expect(latest.map((s) => `${s.symbol} ${s.timeframe} ${s.action}`)).toEqual([
          "LAT-GBP 4h BUY",
          "LAT-EUR 1h SELL",
          "LAT-USD 1h BUY",
        ]);
        expect(latest[1]).toEqual(signalAt("LAT-EUR", 2, { ...buyAlert, action: "SELL" }, day));
        expect(await store.latestAlerts(1)).toHaveLength(1);
      });

      it("finds a series' last alert, not a later non-alert nor another timeframe's", async () => {
        await store.putSignal(signalAt("LST-USD", 1, buyAlert));
        await store.putSignal(signalAt("LST-USD", 2, { ...buyAlert, action: "SELL" }));
        await store.putSignal(signalAt("LST-USD", 3, { action: "BUY", confidence: 0.9 }));
        await store.putSignal(signalAt("LST-USD", 4, { ...buyAlert, timeframe: "4h" }));
        expect(await store.lastAlert("LST-USD", "1h")).toEqual(
          signalAt("LST-USD", 2, { ...buyAlert, action: "SELL" }),
        );
        expect(await store.lastAlert("LST-EUR", "1h")).toBeUndefined();
      });

      it("knows the candle time of a series' newest signal, whatever its action", async () => {
        expect(await store.latestCandleTime("NEW-USD", "1h")).toBeUndefined();
        for (const hour of [7, 9, 8]) await store.putSignal(signalAt("NEW-USD", hour));
        await store.putSignal(signalAt("NEW-USD", 12, { timeframe: "4h" }));
        expect(await store.latestCandleTime("NEW-USD", "1h")).toBe("2024-03-01T09:00:00.000Z");
      });
    });

    describe("outcomes", () => {
      it("lists the BUY and SELL signals of an inclusive range, projected to what scoring reads", async () => {
        await store.putSignal(signalAt("SID-USD", 1, { action: "BUY", confidence: 0.6, analyst: "rules" }));
        await store.putSignal(signalAt("SID-USD", 2, { action: "SELL", confidence: 0.7, analyst: "rules" }));
        await store.putSignal(signalAt("SID-USD", 3, { action: "ABSTAIN", reasons: ["refusal"] }));
        await store.putSignal(signalAt("SID-USD", 4, { action: "BUY", confidence: 0.6, alert: true }));
        await store.putSignal(signalAt("SID-USD", 5, { action: "SELL", confidence: 0.6 }));
        await store.putSignal(signalAt("SID-EUR", 2, { action: "BUY", confidence: 0.6 }));
        // A range that is not on the candle grid still holds every candle time inside it.
        const sides = await store.sidesBetween(
          "SID-USD",
          "1h",
          at("2024-03-01T01:30:00Z"),
          at("2024-03-01T04:00:00Z"),
        );
        expect(sides.sort((a, b) => a.candleTime.localeCompare(b.candleTime))).toEqual([
          {
            symbol: "SID-USD",
            timeframe: "1h",
            candleTime: "2024-03-01T02:00:00.000Z",
            action: "SELL",
            price: 102,
          },
          {
            symbol: "SID-USD",
            timeframe: "1h",
            candleTime: "2024-03-01T04:00:00.000Z",
            action: "BUY",
            price: 104,
          },
        ]);
        expect(await store.sidesBetween("SID-GBP", "1h", 0, at("2099-01-01T00:00:00Z"))).toEqual([]);
      });

      it("adds outcomes in parts, never replacing a stored horizon, and refuses an unstored signal", async () => {
        const signal = signalAt("OUT-USD", 1, { action: "BUY", confidence: 0.6, analyst: "rules" });
        await store.putSignal(signal);
        await store.recordOutcomes(signal, { "1": { price: 110, return: 0.1 } });
        await store.recordOutcomes(signal, {
          "1": { price: 90, return: -0.1 },
          "4": { price: 120, return: 0.2 },
        });
        await store.recordOutcomes(signal, { "4": { price: 50, return: -0.5 } });
        const outcomes = { "1": { price: 110, return: 0.1 }, "4": { price: 120, return: 0.2 } };
        expect(await store.getSignal(signal)).toEqual({ ...signal, outcomes });
        const [side] = await store.sidesBetween("OUT-USD", "1h", 0, at("2099-01-01T00:00:00Z"));
        expect(side?.outcomes).toEqual(outcomes);
        await expect(
          store.recordOutcomes(signalAt("OUT-USD", 2), { "1": { price: 1, return: 0 } }),
        ).rejects.toThrow();
        expect(await store.getSignal(signalAt("OUT-USD", 2))).toBeUndefined();
      });
    });

    describe("claims and verdicts", () => {
      it("lets one claim hold a lease until it has passed, and its owner renew it", async () => {
        const key = signalAt("CLM-USD", 1);
        expect(await store.claim(key, "delivery-a", 2_000, 1_000)).toBe(true);
        expect(await store.claim(key, "delivery-b", 3_000, 1_500)).toBe(false);
        expect(await store.claim(key, "delivery-a", 3_000, 1_500)).toBe(true);
        expect(await store.claim(key, "delivery-b", 9_000, 3_000)).toBe(false);
        expect(await store.claim(key, "delivery-b", 9_000, 3_001)).toBe(true);
        expect(await store.claim(signalAt("CLM-USD", 2), "delivery-a", 9_000, 3_001)).toBe(true);
      });

      it("keeps the last billed verdict of a close, apart from its signal", async () => {
        const key = signalAt("VRD-USD", 1);
        const verdict: BilledVerdict = {
          action: "SELL",
          confidence: 0.7,
          reasons: ["overbought"],
          analyst: "llm",
          model: "gpt-4o-mini",
          promptVersion: "v1",
          tokens: { prompt: 800, completion: 90 },
          costUsd: 0.0002,
        };
        expect(await store.getVerdict(key)).toBeUndefined();
        await store.putVerdict(key, verdict);
        expect(await store.getVerdict(key)).toEqual(verdict);
        await store.putVerdict(key, { ...verdict, action: "BUY" });
        expect((await store.getVerdict(key))?.action).toBe("BUY");
        expect(await store.getSignal(key)).toBeUndefined();
        expect(await store.getVerdict(signalAt("VRD-USD", 2))).toBeUndefined();
      });
    });

    describe("spend", () => {
      it("reserves a day's spend up to the budget, refuses past it, and settles to the real cost", async () => {
        const day = "2031-01-01";
        expect(await store.spend(day)).toEqual({
          day,
          costUsd: 0,
          calls: 0,
          promptTokens: 0,
          completionTokens: 0,
        });
        expect(await store.reserve(day, 0.6, 0.5)).toBe(false);
        expect(await store.reserve(day, 0.25, 0.5)).toBe(true);
        expect(await store.reserve(day, 0.25, 0.5)).toBe(true);
        expect(await store.reserve(day, 0.125, 0.5)).toBe(false);
        await store.settle(day, -0.125, { prompt: 500, completion: 80 });
        expect(await store.reserve(day, 0.125, 0.5)).toBe(true);
        expect(await store.spend(day)).toEqual({
          day,
          costUsd: 0.5,
          calls: 3,
          promptTokens: 500,
          completionTokens: 80,
        });
        expect((await store.spend("2031-01-02")).calls).toBe(0);
      });

      it("never reports a negative spend when a settlement corrects below zero", async () => {
        const day = "2031-02-01";
        expect(await store.reserve(day, 0.01, 1)).toBe(true);
        await store.settle(day, -0.02, { prompt: 10, completion: 1 });
        expect(await store.spend(day)).toMatchObject({ costUsd: 0, calls: 1, promptTokens: 10 });
      });
    });

    describe("deliveries", () => {
      it("remembers the chats an alert reached, and refuses one for an unstored signal", async () => {
        const alert = signalAt("DLV-USD", 1, buyAlert);
        await store.putSignal(alert);
        expect(await store.deliveredTo(alert)).toEqual(new Set());
        await store.markDelivered(alert, "111");
        await store.markDelivered(alert, "222");
        await store.markDelivered(alert, "111");
        expect(await store.deliveredTo(alert)).toEqual(new Set(["111", "222"]));
        expect(await store.getSignal(alert)).toEqual(alert);
        await expect(store.markDelivered(signalAt("DLV-USD", 2, buyAlert), "111")).rejects.toThrow();
        expect(await store.deliveredTo(signalAt("DLV-USD", 2))).toEqual(new Set());
      });

      it("sets notifiedAt once, on the stored signal, and never on an unstored one", async () => {
        const alert = signalAt("NTF-USD", 1, buyAlert);
        await store.putSignal(alert);
        expect(await store.markNotified(alert, "2024-03-01T02:00:06.000Z")).toBe(true);
        expect(await store.markNotified(alert, "2024-03-01T02:00:07.000Z")).toBe(false);
        const notified = { ...alert, notifiedAt: "2024-03-01T02:00:06.000Z" };
        expect(await store.getSignal(alert)).toEqual(notified);
        expect(await store.history("NTF-USD", "1h")).toEqual([notified]);
        expect(await store.markNotified(signalAt("NTF-USD", 2), "2024-03-01T03:00:06.000Z")).toBe(false);
        expect(await store.getSignal(signalAt("NTF-USD", 2))).toBeUndefined();
      });

      it("finds the alerts not notified yet whose candle opened at or after the window's start", async () => {
        const day = "2098-01-01";
        for (const hour of [1, 2, 3, 4]) await store.putSignal(signalAt("OBX-USD", hour, buyAlert, day));
        await store.putSignal(signalAt("OBX-USD", 5, { action: "BUY", confidence: 0.3 }, day));
        await store.putSignal(signalAt("OBX-EUR", 3, buyAlert, day));
        await store.markNotified(signalAt("OBX-USD", 3, {}, day), "2098-01-01T04:00:00.000Z");
        // The window has no end: the shared store's later alerts (other tests') are left out here.
        const pending = (await store.unnotifiedAlerts(at("2098-01-01T02:00:00Z"))).filter((s) =>
          s.symbol.startsWith("OBX-"),
        );
        expect(pending.map((s) => `${s.symbol} ${s.candleTime.slice(11, 13)}`).sort()).toEqual([
          "OBX-EUR 03",
          "OBX-USD 02",
          "OBX-USD 04",
        ]);
        expect(pending.find((s) => s.symbol === "OBX-EUR")).toEqual(signalAt("OBX-EUR", 3, buyAlert, day));
      });

      it("keeps each undeliverable chat's latest reason", async () => {
        await store.markChatUndeliverable("333", "blocked", "2024-03-01T00:00:00.000Z");
        await store.markChatUndeliverable("444", "kicked", "2024-03-01T00:00:00.000Z");
        await store.markChatUndeliverable("333", "deactivated", "2024-03-02T00:00:00.000Z");
        expect(await store.undeliverableChats()).toEqual(
          new Map([
            ["333", "deactivated"],
            ["444", "kicked"],
          ]),
        );
      });
    });

    describe("mutes and failures", () => {
      it("keeps a mute until it has passed, replaces it when muted again, and drops it on unmute", async () => {
        await store.mute("MUT-USD", 5_000);
        await store.mute("MUT-EUR", 50_000);
        expect(await store.mutes(4_999)).toEqual(
          new Map([
            ["MUT-USD", 5_000],
            ["MUT-EUR", 50_000],
          ]),
        );
        expect(await store.mutes(5_000)).toEqual(new Map([["MUT-EUR", 50_000]]));
        await store.mute("MUT-EUR", 60_000);
        expect((await store.mutes(10_000)).get("MUT-EUR")).toBe(60_000);
        await store.unmute("MUT-EUR");
        await store.unmute("MUT-GBP");
        expect(await store.mutes(0)).toEqual(new Map([["MUT-USD", 5_000]]));
      });

      it("keeps why each message last failed, by queue", async () => {
        const failure: FailureRecord = {
          queue: "analysis",
          messageId: "m-2",
          symbol: "FAIL-USD",
          candleTime: "2024-03-01T01:00:00.000Z",
          receiveCount: 1,
          lastError: "timeout",
          at: "2024-03-01T01:00:10.000Z",
        };
        await store.recordFailure(failure);
        await store.recordFailure({ ...failure, messageId: "m-1", lastError: "throttled" });
        await store.recordFailure({ ...failure, receiveCount: 2, lastError: "refused" });
        await store.recordFailure({
          queue: "ticks",
          messageId: "m-1",
          receiveCount: 1,
          lastError: "x",
          at: failure.at,
        });
        const analysis = await store.failuresOf("analysis");
        expect(analysis.sort((a, b) => a.messageId.localeCompare(b.messageId))).toEqual([
          { ...failure, messageId: "m-1", lastError: "throttled" },
          { ...failure, receiveCount: 2, lastError: "refused" },
        ]);
        expect((await store.failuresOf("ticks")).map((f) => f.lastError)).toEqual(["x"]);
        expect(await store.failuresOf("notifier")).toEqual([]);
      });
    });
  });
}
