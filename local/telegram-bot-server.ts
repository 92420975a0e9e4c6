import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import { GrammyError } from "grammy";
import { telegramApi } from "../functions/adapters/telegram-api";
import { DASHBOARD_PATH } from "../functions/bot/dashboard-route";
import {
  answerUpdate,
  type BotDeps,
  botContext,
  createBotHandler,
  MAX_UPDATE_BYTES,
} from "../functions/bot/handler";
import type { BotOutcome, BotReplier } from "../functions/core/bot/bot";
import { ALLOWED_UPDATES, UpdateSchema } from "../functions/core/bot/update";
import { errorMessage } from "../functions/core/errors";
import type { OutgoingMessage } from "../functions/core/notify";
import { fieldPath } from "../functions/core/validation";
import { localContext } from "./lambda-context";

export const WEBHOOK_PATH = "/telegram";
/** The function name the bot's log lines carry, as the other local handlers carry theirs. */
const BOT_FUNCTION = "bot";

export interface BotWebhookServerOptions {
  deps: BotDeps;
  /** 0 picks a free port. Default 8787. */
  port?: number;
  host?: string;
}

export interface BotWebhookServer {
  /** http://127.0.0.1:<port>/telegram */
  url: string;
  /** http://127.0.0.1:<port>/app: the dashboard, when deps.dashboard is set. */
  appUrl: string;
  port: number;
  /** The X-Telegram-Bot-Api-Secret-Token requests must carry (generated when none is configured). */
  secret: string;
  stop(): Promise<void>;
}

const TEXT_TYPES = /json|text|x-www-form-urlencoded|xml/i;

/** The request as a Lambda Function URL delivers it (payload format 2.0). */
export function functionUrlEvent(request: IncomingMessage, body: Buffer): LambdaFunctionURLEvent {
  const url = new URL(request.url ?? "/", "http://localhost");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  // Function URLs pass text bodies as they are and base64-encode everything else.
  const isText = TEXT_TYPES.test(headers["content-type"] ?? "");
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ""),
    headers,
    requestContext: {
      accountId: "anonymous",
      apiId: "local",
      domainName: headers.host ?? "127.0.0.1",
      domainPrefix: "local",
      http: {
        method: request.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : isText ? body.toString("utf8") : body.toString("base64"),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/** What was said back to Telegram while answering one request; shown to a local caller such as curl. */
function recording(telegram: BotReplier, replies: { chatId: string; text: string }[]): BotReplier {
  const record = (message: OutgoingMessage) => replies.push({ chatId: message.chatId, text: message.text });
  return {
    async send(message) {
      const outcome = await telegram.send(message);
      if (outcome.kind === "sent") record(message);
      return outcome;
    },
    async answerCallback(id, text) {
      await telegram.answerCallback(id, text);
      if (text) replies.push({ chatId: "callback", text });
    },
  };
}

function structured(result: LambdaFunctionURLResult) {
  if (typeof result === "string") return { statusCode: 200, headers: {}, body: Buffer.from(result) };
  const body = result.body ?? "";
  return {
    statusCode: result.statusCode ?? 200,
    headers: Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]),
    ),
    body: Buffer.from(body, result.isBase64Encoded ? "base64" : "utf8"),
  };
}

/**
 * Serves the bot webhook at http://<host>:<port>/telegram: each request becomes a Function URL event
 * for the real bot handler, and its result becomes the response. A 200 carries, as JSON, the replies
 * the bot sent (Telegram ignores a body without "method"; curl shows what the bot said).
 */
export async function startBotWebhookServer(options: BotWebhookServerOptions): Promise<BotWebhookServer> {
  const { deps } = options;
  const secret = (await deps.webhookSecret()) ?? randomBytes(24).toString("hex");
  const server: Server = createServer(async (request, response) => {
    try {
      const chunks: Buffer[] = [];
      let bytes = 0;
      for await (const chunk of request) {
        bytes += (chunk as Buffer).length;
        // Keep nothing past the handler's own limit: it answers 413 from the size alone.
        if (bytes <= MAX_UPDATE_BYTES + (chunk as Buffer).length) chunks.push(chunk as Buffer);
      }
      const event = functionUrlEvent(request, Buffer.concat(chunks));
      const dashboard = event.rawPath === DASHBOARD_PATH || event.rawPath.startsWith(`${DASHBOARD_PATH}/`);
      if (dashboard && deps.dashboard) {
        const result = structured(await createBotHandler(deps)(event, localContext(BOT_FUNCTION)));
        response.writeHead(result.statusCode, result.headers).end(result.body);
        return;
      }
      if (event.rawPath !== WEBHOOK_PATH) {
        response.writeHead(404, { "content-type": "text/plain" }).end(`the webhook is at ${WEBHOOK_PATH}`);
        return;
      }
      const replies: { chatId: string; text: string }[] = [];
      const handler = createBotHandler({
        ...deps,
        telegram: recording(deps.telegram, replies),
        webhookSecret: async () => secret,
      });
      const result = structured(await handler(event, localContext(BOT_FUNCTION)));
      if (result.statusCode === 200 && result.body.length === 0) {
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ replies }));
        return;
      }
      response.writeHead(result.statusCode, result.headers).end(result.body);
    } catch (error) {
      response.writeHead(500, { "content-type": "text/plain" }).end(errorMessage(error));
    }
  });
  const port = options.port ?? 8787;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}${WEBHOOK_PATH}`,
    appUrl: `http://${host}:${bound}${DASHBOARD_PATH}`,
    port: bound,
    secret,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface BotPollerOptions {
  deps: BotDeps;
  /** The real bot token: getUpdates needs it, and the replies go through deps.telegram. */
  token: string;
  /** Long-poll wait per getUpdates call, seconds. Default 25. */
  pollSeconds?: number;
  onOutcome?: (outcome: BotOutcome) => void;
  onError?: (error: Error) => void;
  /** Pause after a failed poll; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface BotPoller {
  /** Ends the loop (aborting the pending getUpdates) and waits for it. */
  stop(): Promise<void>;
  /** Settles when the loop ends: after stop(), or rejected on an error polling cannot get past. */
  done: Promise<void>;
}

/** A webhook blocks getUpdates (409); a wrong token (401) never heals. Both end polling. */
function fatalPollError(error: unknown): Error | undefined {
  if (!(error instanceof GrammyError)) return undefined;
  if (error.error_code === 409)
    return new Error(
      "Telegram refuses getUpdates while a webhook is set: run `npm run signals -- telegram webhook --delete` first",
    );
  if (error.error_code === 401) return new Error("Telegram rejected the bot token (401 Unauthorized)");
  return undefined;
}

/**
 * Long polling: feeds getUpdates to the same bot use case as the webhook, so a local pipeline can be
 * talked to from Telegram without a public URL. No secret check: the updates come from Telegram itself.
 */
export function startBotPoller(options: BotPollerOptions): BotPoller {
  const pollSeconds = options.pollSeconds ?? 25;
  const api = telegramApi(options.token, { timeoutSeconds: pollSeconds + 15 });
  const ctx = botContext(options.deps);
  const abort = new AbortController();
  const pause =
    options.sleep ??
    ((ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        abort.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      }));

  const loop = async () => {
    let offset: number | undefined;
    let failures = 0;
    while (!abort.signal.aborted) {
      let updates: unknown[];
      try {
        updates = await api.getUpdates(
          { offset, timeout: pollSeconds, allowed_updates: [...ALLOWED_UPDATES] },
          // grammY types its signal with the abort-controller shim; Node's own AbortSignal is what it gets.
          abort.signal as unknown as Parameters<typeof api.getUpdates>[1],
        );
        failures = 0;
      } catch (error) {
        if (abort.signal.aborted) return;
        const fatal = fatalPollError(error);
        if (fatal) throw fatal;
        options.onError?.(error as Error);
        failures += 1;
        await pause(Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)));
        continue;
      }
      for (const raw of updates) {
        const updateId = (raw as { update_id?: unknown }).update_id;
        if (typeof updateId === "number") offset = updateId + 1;
        const parsed = UpdateSchema.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          options.onError?.(
            new Error(`malformed update: ${issue ? `${fieldPath(issue.path)}: ${issue.message}` : ""}`),
          );
          continue;
        }
        try {
          options.onOutcome?.(await answerUpdate(parsed.data, ctx, localContext(BOT_FUNCTION)));
        } catch (error) {
          options.onError?.(error as Error);
        }
      }
    }
  };

  const done = loop();
  return {
    done,
    stop: async () => {
      abort.abort();
      await done.catch(() => undefined);
    },
  };
}
