import { Api, type ApiClientOptions, GrammyError } from "grammy";
import { errorMessage } from "../core/errors";
import type { SendOutcome } from "../core/notify";
import { optionalEnv } from "../runtime/env";

/** Standard override for the Bot API server (tests and self-hosted Bot API servers). */
export const TELEGRAM_API_ROOT_ENV = "TELEGRAM_API_ROOT";

/**
 * Node's own fetch in place of grammY's default, node-fetch: one HTTP stack fewer to load, and the
 * Lambda bundles leave node-fetch out (lib/pipeline-function.ts). grammY types the option with
 * node-fetch's signature; its calls (JSON bodies, multipart streams with duplex "half") suit both.
 */
const globalFetch = globalThis.fetch as unknown as NonNullable<ApiClientOptions["fetch"]>;

/** grammY client options: the root from TELEGRAM_API_ROOT when set (else api.telegram.org), Node's fetch. */
export function telegramClientOptions(options: { timeoutSeconds?: number } = {}): ApiClientOptions {
  const apiRoot = optionalEnv(TELEGRAM_API_ROOT_ENV)?.replace(/\/+$/, "");
  return {
    ...(apiRoot ? { apiRoot } : {}),
    timeoutSeconds: options.timeoutSeconds ?? 20,
    fetch: globalFetch,
  };
}

/** A grammY Api client configured by telegramClientOptions. */
export function telegramApi(token: string, options: { timeoutSeconds?: number } = {}): Api {
  return new Api(token, telegramClientOptions(options));
}

/** Older 429s carry the wait only in the description: "Too Many Requests: retry after 3". */
export function retryAfterFromDescription(description: string): number | undefined {
  const match = /retry after (\d+)/i.exec(description);
  return match ? Number(match[1]) : undefined;
}

/** When a 429 names no wait at all, try again after this many seconds. */
const DEFAULT_RETRY_AFTER_SECONDS = 3;

const PARSE_ERROR =
  /can't parse entities|can't find end of the entity|unsupported start tag|unclosed start tag/i;
/** 400s that mean the chat itself is gone, not that this message was wrong. */
const CHAT_GONE =
  /chat not found|peer_id_invalid|user is deactivated|chat was deleted|group chat was upgraded|bot is not a member/i;

/**
 * Maps a failed Bot API call to what the sender should do: 429 wait, 400 parse error resend as plain,
 * 403 (blocked, kicked) or a vanished chat never again, other 4xx give up on the message, the rest retry.
 */
export function classifyBotApiError(error: unknown): Exclude<SendOutcome, { kind: "sent" }> {
  if (!(error instanceof GrammyError)) {
    return { kind: "failed", description: errorMessage(error) };
  }
  const { error_code: code, description, parameters } = error;
  if (code === 429) {
    const retryAfterSeconds =
      parameters?.retry_after ?? retryAfterFromDescription(description) ?? DEFAULT_RETRY_AFTER_SECONDS;
    return { kind: "rate-limited", retryAfterSeconds, description };
  }
  if (code === 400 && PARSE_ERROR.test(description)) return { kind: "unparseable", description };
  if (code === 403 || (code === 400 && CHAT_GONE.test(description))) {
    const moved = parameters?.migrate_to_chat_id;
    return { kind: "undeliverable", description: moved ? `${description} (now ${moved})` : description };
  }
  // 401/404 mean a wrong token or API root: a configuration problem, so keep the record for a retry.
  if (code >= 400 && code < 500 && code !== 401 && code !== 404) return { kind: "rejected", description };
  return { kind: "failed", description: `${code} ${description}` };
}
