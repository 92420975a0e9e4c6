import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import { Bot, GrammyError, type Transformer } from "grammy";
import { telegramClientOptions } from "../functions/adapters/telegram-api";
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
import { parseOrThrow } from "../functions/core/validation";
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
  /** A failed poll (grammY retries it) or an update that could not be answered (polling goes on). */
  onError?: (error: Error) => void;
}

export interface BotPoller {
  /** Ends polling (aborting the pending getUpdates, confirming the updates answered) and waits for it. */
  stop(): Promise<void>;
  /** Settles when polling ends: after stop(), or rejected on an error polling cannot get past. */
  done: Promise<void>;
}

/** A webhook blocks getUpdates (409); a wrong token (401) never heals. grammY stops on both. */
function fatalPollError(error: unknown): Error | undefined {
  if (!(error instanceof GrammyError)) return undefined;
  if (error.error_code === 409)
    return new Error(
      "Telegram refuses getUpdates while a webhook is set: run `npm run signals -- telegram webhook --delete` first",
    );
  if (error.error_code === 401) return new Error("Telegram rejected the bot token (401 Unauthorized)");
  return undefined;
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(errorMessage(error)));

/**
 * bot.start() deletes the webhook first; here that would silently cut off the deployed bot, so the
 * call is skipped and Telegram's 409 on getUpdates asks the user to delete it themselves.
 */
const keepWebhook: Transformer = (prev, method, payload, signal) =>
  method === "deleteWebhook"
    ? Promise.resolve({ ok: true, result: true } as Awaited<ReturnType<typeof prev<typeof method>>>)
    : prev(method, payload, signal);

/** grammY retries a failed getUpdates and only logs it under DEBUG; this tells the user why. */
const reportPollFailures =
  (report: (error: Error) => void, stopping: () => boolean): Transformer =>
  async (prev, method, payload, signal) => {
    if (method !== "getUpdates") return prev(method, payload, signal);
    try {
      const response = await prev(method, payload, signal);
      if (!response.ok && response.error_code !== 401 && response.error_code !== 409 && !stopping())
        report(new Error(`getUpdates failed (${response.error_code}: ${response.description}), retrying`));
      return response;
    } catch (error) {
      if (!stopping()) report(asError(error));
      throw error;
    }
  };

/**
 * Long polling with grammY's own loop: each update goes through the webhook's path (the zod schema,
 * then answerUpdate with the allowlist), so a local pipeline can be talked to from Telegram without a
 * public URL. No secret check: the updates come from Telegram itself.
 */
export function startBotPoller(options: BotPollerOptions): BotPoller {
  const pollSeconds = options.pollSeconds ?? 25;
  const report = options.onError ?? (() => undefined);
  const bot = new Bot(options.token, {
    client: telegramClientOptions({ timeoutSeconds: pollSeconds + 15 }),
  });
  let stopping = false;
  bot.api.config.use(
    keepWebhook,
    reportPollFailures(report, () => stopping),
  );
  const ctx = botContext(options.deps);
  bot.use(async ({ update }) => {
    const parsed = parseOrThrow(UpdateSchema, update, "telegram update");
    options.onOutcome?.(await answerUpdate(parsed, ctx, localContext(BOT_FUNCTION)));
  });
  // A failing update is reported and skipped: grammY has moved the offset past it already.
  bot.catch(({ error }) => report(asError(error)));

  // bot.start() would run getMe without a signal, retrying for ever while offline; this one stop() aborts.
  const init = new AbortController();
  const run = async () => {
    // grammY types its signal with the abort-controller shim; Node's own AbortSignal is what it gets.
    await bot.init(init.signal as unknown as Parameters<typeof bot.init>[0]);
    if (!stopping) await bot.start({ timeout: pollSeconds, allowed_updates: [...ALLOWED_UPDATES] });
  };
  const done = run().catch((error: unknown) => {
    if (!stopping) throw fatalPollError(error) ?? asError(error);
  });
  return {
    done,
    stop: async () => {
      stopping = true;
      init.abort();
      await bot.stop().catch(() => undefined);
      await done.catch(() => undefined);
    },
  };
}
