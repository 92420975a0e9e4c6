import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { PROMPT_VERSION } from "../functions/core/prompt";
import type { AnalystModel, ModelCompletion, ModelRequest, TokenUsage } from "../functions/core/verdict";

/** One cached answer on disk: the model's raw answer and its usage, under the key it was asked by. */
const CachedAnswerSchema = z.object({
  v: z.literal(1),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  completion: z.object({
    model: z.string(),
    content: z.string().nullable(),
    refusal: z.string().nullable(),
    finishReason: z.string().nullable(),
    usage: z
      .object({ prompt: z.number().int().nonnegative(), completion: z.number().int().nonnegative() })
      .optional(),
  }),
});
type CachedAnswer = z.infer<typeof CachedAnswerSchema>;

export interface CacheStats {
  /** Answers read from disk: no request made, nothing spent. */
  hits: number;
  /** Answers the inner model gave (and that are now cached). */
  misses: number;
  /** Tokens of the misses alone: what this run really spent. */
  newUsage: TokenUsage;
}

export interface CachedModel extends AnalystModel {
  readonly stats: CacheStats;
}

export interface CachedModelOptions {
  /** Part of the key, so a new prompt never reads an old prompt's answers. */
  promptVersion?: string;
  warn?: (line: string) => void;
}

/** The key of a request: the model, the prompt version and both messages, hashed. */
export function cacheKey(request: ModelRequest, promptVersion: string): string {
  return createHash("sha256")
    .update(JSON.stringify([request.model, promptVersion, request.system, request.user]))
    .digest("hex");
}

/**
 * The AnalystModel port with its answers kept on disk, one JSON file per key, so a rerun of a backtest
 * asks nothing and decides the same. A cached answer keeps its usage: the walk's budget and the stored
 * signals come out exactly as on the first run, and `stats` tells the real spend apart. Failures are
 * not cached (they throw); a corrupt or foreign file is a miss, with a warning.
 */
export function cachedModel(inner: AnalystModel, dir: string, options: CachedModelOptions = {}): CachedModel {
  const promptVersion = options.promptVersion ?? PROMPT_VERSION;
  const warn = options.warn ?? ((line: string) => console.error(line));
  const stats: CacheStats = { hits: 0, misses: 0, newUsage: { prompt: 0, completion: 0 } };
  let ready: Promise<unknown> | undefined;
  let written = 0;

  async function read(path: string, key: string): Promise<ModelCompletion | undefined> {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      warn(`warning: ignoring the LLM cache file ${path}: not JSON; asking the model again`);
      return undefined;
    }
    const parsed = CachedAnswerSchema.safeParse(json);
    if (!parsed.success || parsed.data.key !== key) {
      const issue = parsed.error?.issues[0];
      const why = issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "key does not match";
      warn(`warning: ignoring the LLM cache file ${path} (${why}); asking the model again`);
      return undefined;
    }
    return parsed.data.completion;
  }

  return {
    stats,
    async complete(request) {
      const key = cacheKey(request, promptVersion);
      const path = join(dir, `${key}.json`);
      const cached = await read(path, key);
      if (cached) {
        stats.hits += 1;
        return cached;
      }
      const completion = await inner.complete(request);
      stats.misses += 1;
      stats.newUsage.prompt += completion.usage?.prompt ?? 0;
      stats.newUsage.completion += completion.usage?.completion ?? 0;
      ready ??= mkdir(dir, { recursive: true });
      await ready;
      const entry: CachedAnswer = { v: 1, key, completion };
      // Written whole, then renamed: an interrupted run never leaves half a file under a key.
      const tmp = `${path}.${process.pid}.${written++}.tmp`;
      await writeFile(tmp, `${JSON.stringify(entry)}\n`);
      await rename(tmp, path);
      return completion;
    },
  };
}
