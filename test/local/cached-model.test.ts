import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROMPT_VERSION } from "../../functions/core/prompt";
import type { AnalystModel, ModelCompletion, ModelRequest } from "../../functions/core/verdict";
import { cachedModel, cacheKey } from "../../local/cached-model";

const root = mkdtempSync(join(tmpdir(), "signals-llm-cache-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The LLM port answering from a counter, so each real call is told apart from a cached one. */
function countingModel() {
  const asked: ModelRequest[] = [];
  const model: AnalystModel = {
    async complete(request): Promise<ModelCompletion> {
      asked.push(request);
      return {
        model: `${request.model}-2024-07-18`,
        content: JSON.stringify({ call: asked.length }),
        refusal: null,
        finishReason: "stop",
        usage: { prompt: 400, completion: 30 },
      };
    },
  };
  return { model, asked };
}

const request = (user: string): ModelRequest => ({
  model: "gpt-4o-mini",
  system: "You are an analyst.",
  user,
  maxOutputTokens: 200,
});

describe("cachedModel", () => {
  it("answers a repeated request from disk, the same answer and usage, counting hits and new tokens", async () => {
    const dir = join(root, "repeat");
    const inner = countingModel();
    const first = cachedModel(inner.model, dir);
    const answer = await first.complete(request("a"));
    await first.complete(request("b"));
    expect(first.stats).toEqual({ hits: 0, misses: 2, newUsage: { prompt: 800, completion: 60 } });

    const rerun = cachedModel(inner.model, dir);
    expect(await rerun.complete(request("a"))).toEqual(answer);
    expect(inner.asked).toHaveLength(2);
    expect(rerun.stats).toEqual({ hits: 1, misses: 0, newUsage: { prompt: 0, completion: 0 } });
    // Written atomically: no temporary file is left behind.
    expect(readdirSync(dir).sort()).toEqual(
      [cacheKey(request("a"), PROMPT_VERSION), cacheKey(request("b"), PROMPT_VERSION)]
        .map((k) => `${k}.json`)
        .sort(),
    );
  });

  it("keys by model and prompt version: a new prompt asks again", async () => {
    const dir = join(root, "versions");
    const inner = countingModel();
    await cachedModel(inner.model, dir, { promptVersion: "v1" }).complete(request("a"));
    await cachedModel(inner.model, dir, { promptVersion: "v2" }).complete(request("a"));
    await cachedModel(inner.model, dir, { promptVersion: "v2" }).complete({
      ...request("a"),
      model: "gpt-4o",
    });
    expect(inner.asked).toHaveLength(3);
    await cachedModel(inner.model, dir, { promptVersion: "v2" }).complete(request("a"));
    expect(inner.asked).toHaveLength(3);
  });

  it.each([
    ["not JSON", "{trunc", /not JSON/],
    ["a wrong shape", JSON.stringify({ v: 1, key: "x", completion: {} }), /key: .*asking the model again/],
  ])("treats a cache file holding %s as a miss, with one warning", async (_what, text, warning) => {
    const dir = join(root, `corrupt-${_what.replaceAll(" ", "-")}`);
    const inner = countingModel();
    await cachedModel(inner.model, dir, { promptVersion: "v1" }).complete(request("a"));
    writeFileSync(join(dir, `${cacheKey(request("a"), "v1")}.json`), text);
    const warnings: string[] = [];
    const model = cachedModel(inner.model, dir, { promptVersion: "v1", warn: (line) => warnings.push(line) });
    const answer = await model.complete(request("a"));
    expect(answer.content).toBe(JSON.stringify({ call: 2 }));
    expect(model.stats.misses).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(warning);
    // The fresh answer replaced the corrupt file: the next run reads it.
    const next = cachedModel(inner.model, dir, { promptVersion: "v1", warn: (line) => warnings.push(line) });
    expect((await next.complete(request("a"))).content).toBe(answer.content);
    expect(warnings).toHaveLength(1);
  });

  it("caches no failure: a call that throws is asked again next time", async () => {
    const dir = join(root, "failures");
    let calls = 0;
    const failing: AnalystModel = {
      async complete() {
        calls += 1;
        throw new Error("503 from the server");
      },
    };
    const model = cachedModel(failing, dir);
    await expect(model.complete(request("a"))).rejects.toThrow("503");
    await expect(model.complete(request("a"))).rejects.toThrow("503");
    expect(calls).toBe(2);
    expect(model.stats).toMatchObject({ hits: 0, misses: 0 });
  });
});
