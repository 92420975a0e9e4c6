import { describe, expect, it } from "vitest";
import { analyse, storePorts } from "../../../functions/core/analyse";
import { parseConfig } from "../../../functions/core/config";
import { CircuitBreakerModel, type CircuitEvent } from "../../../functions/core/llm-circuit";
import {
  type AnalystModel,
  type ModelCompletion,
  ModelUnreachableError,
} from "../../../functions/core/verdict";
import { InMemoryStore } from "../../support/in-memory-store";
import { HOUR, jumpCandles, requestFor } from "./series";

const ENDPOINT = "http://127.0.0.1:9/v1";
const REFUSED = `LLM endpoint ${ENDPOINT} unreachable (ECONNREFUSED)`;
const BUY = { action: "BUY", confidence: 0.8, reasons: ["band break", "trend up"], horizon: "days" };
const answer: ModelCompletion = {
  model: "gpt-4o-mini",
  content: JSON.stringify(BUY),
  refusal: null,
  finishReason: "stop",
  usage: { prompt: 500, completion: 50 },
};

/** An endpoint that is down until `up` is set, counting the calls that reach it. */
class FlakyEndpoint implements AnalystModel {
  calls = 0;
  up = false;
  failure: () => Error = () => new ModelUnreachableError(ENDPOINT, REFUSED);
  async complete() {
    this.calls += 1;
    if (!this.up) throw this.failure();
    return answer;
  }
}

const SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD", "ADA-USD", "DOGE-USD", "LTC-USD", "DOT-USD"];
const closes = SYMBOLS.map((symbol) => requestFor(jumpCandles(), symbol));
const first = closes[0] as (typeof closes)[number];

function setup() {
  const endpoint = new FlakyEndpoint();
  const store = new InMemoryStore();
  let now = Date.parse(first.candleTime) + HOUR + 5_000;
  const clock = { now: () => now };
  const events: CircuitEvent[] = [];
  const model = new CircuitBreakerModel(endpoint, { failuresToPause: 3, pauseMs: 60_000 }, clock, (event) =>
    events.push(event),
  );
  const ports = storePorts(store, model, clock);
  const run = (index: number, receiveCount = 1) =>
    analyse(closes[index] as (typeof closes)[number], parseConfig({}), ports, {
      deliveryId: `message-${index}`,
      leaseMs: 1,
      delivery: { receiveCount, maxReceiveCount: 5 },
    });
  const advance = (ms: number) => {
    now += ms;
  };
  return { endpoint, store, model, events, run, advance };
}

describe("the LLM circuit breaker in the analysis", () => {
  it("lets SQS retry the first failures, abstains from the third, and calls nothing while paused", async () => {
    const { endpoint, store, run, events } = setup();
    await expect(run(0)).rejects.toThrow(REFUSED);
    await expect(run(1)).rejects.toThrow(REFUSED);
    expect(store.signals).toHaveLength(0);

    const third = await run(2);
    expect(third).toMatchObject({
      status: "stored",
      unavailable: { reason: "unavailable", endpointDown: true },
    });
    expect(store.signals[0]).toMatchObject({ action: "ABSTAIN", reasons: ["unavailable"], error: REFUSED });
    expect(endpoint.calls).toBe(3);

    // Paused: the redeliveries of the first two and every new close abstain without a call.
    for (const index of [0, 1, 3, 4]) await run(index, 2);
    expect(endpoint.calls).toBe(3);
    expect(store.signals.map((s) => [s.symbol, s.action, s.error])).toEqual(
      [2, 0, 1, 3, 4].map((index) => [SYMBOLS[index], "ABSTAIN", REFUSED]),
    );
    expect(events.map((event) => event.kind)).toEqual(["unreachable", "paused"]);
    expect(events[0]).toMatchObject({ endpoint: ENDPOINT, error: REFUSED });
  });

  it("tries one call after the pause: a failure pauses again at once, an answer closes the circuit", async () => {
    const { endpoint, store, model, run, advance, events } = setup();
    await expect(run(0)).rejects.toThrow();
    await expect(run(1)).rejects.toThrow();
    await run(2);
    advance(60_000);
    await run(3);
    expect(endpoint.calls).toBe(4);
    expect(store.signals.at(-1)).toMatchObject({ action: "ABSTAIN", error: REFUSED });
    await run(4);
    expect(endpoint.calls).toBe(4);

    advance(60_000);
    endpoint.up = true;
    await run(5);
    expect(endpoint.calls).toBe(5);
    expect(store.signals.at(-1)).toMatchObject({ symbol: SYMBOLS[5], action: "BUY", analyst: "llm" });
    expect(events.at(-1)).toEqual({ kind: "recovered", failedCalls: 4, refusedCalls: 1 });
    expect(model.circuit.failuresInRow).toBe(0);
    // No second "unreachable" or "paused" event within one outage.
    expect(events.map((event) => event.kind)).toEqual(["unreachable", "paused", "recovered"]);
  });

  it("retries a blip through SQS as before: an answer in between starts the count over", async () => {
    const { endpoint, store, run } = setup();
    await expect(run(0)).rejects.toThrow();
    await expect(run(1)).rejects.toThrow();
    endpoint.up = true;
    await run(0, 2);
    endpoint.up = false;
    await expect(run(1, 2)).rejects.toThrow();
    await expect(run(2)).rejects.toThrow();
    expect(store.signals.map((s) => s.action)).toEqual(["BUY"]);
    endpoint.up = true;
    await run(1, 3);
    await run(2, 2);
    expect(store.signals.map((s) => s.action)).toEqual(["BUY", "BUY", "BUY"]);
  });

  it("counts only an unreachable endpoint: a rate limit is an answer, retried by SQS, and resets the count", async () => {
    const { endpoint, run } = setup();
    await expect(run(0)).rejects.toThrow();
    await expect(run(1)).rejects.toThrow();
    endpoint.failure = () => new Error("429 Rate limit reached");
    await expect(run(2)).rejects.toThrow("429");
    endpoint.failure = () => new ModelUnreachableError(ENDPOINT, REFUSED);
    await expect(run(3)).rejects.toThrow(REFUSED);
    await expect(run(4)).rejects.toThrow(REFUSED);
    expect(endpoint.calls).toBe(5);
  });

  it("stores ABSTAIN unavailable on the last delivery even before the circuit opens", async () => {
    const { store, run } = setup();
    await run(0, 5);
    expect(store.signals[0]).toMatchObject({ action: "ABSTAIN", reasons: ["unavailable"], error: REFUSED });
  });
});
