import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import type { DashboardAssets } from "../adapters/dashboard-assets";
import { answerDashboardCall, type DashboardContext } from "../core/dashboard/api";
import { parseJson, ValidationError } from "../core/validation";
import { logger } from "../runtime/logger";

/** Where the Function URL serves the Mini App; everything else stays the webhook. */
export const DASHBOARD_PATH = "/app";
const API_PREFIX = `${DASHBOARD_PATH}/api`;
/** The API's bodies are a symbol and a duration; anything larger is refused unread. */
const MAX_API_BODY_BYTES = 4096;

export interface DashboardDeps {
  assets: DashboardAssets;
  /** The bot token that signs initData (SSM when deployed); undefined refuses every call. */
  botToken: () => Promise<string | undefined>;
}

// The page loads only its own files and calls only its own API; Telegram shows it in a WebView or iframe.
const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

const jsonResult = (statusCode: number, body: unknown): LambdaFunctionURLResult => ({
  statusCode,
  headers: {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...PAGE_HEADERS,
  },
  body: JSON.stringify(body),
});

const header = (event: LambdaFunctionURLEvent, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

function bodyOf(event: LambdaFunctionURLEvent): unknown {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  if (Buffer.byteLength(text) > MAX_API_BODY_BYTES) throw new ValidationError("body", ["too large"]);
  return parseJson(text, "body");
}

async function serveAsset(path: string, deps: DashboardDeps): Promise<LambdaFunctionURLResult> {
  const name = path === DASHBOARD_PATH || path === `${DASHBOARD_PATH}/` ? "index.html" : path.slice(5);
  const asset = await deps.assets.get(name);
  if (!asset) return jsonResult(404, { error: `no such file: ${name.slice(0, 80)}` });
  return {
    statusCode: 200,
    headers: { "content-type": asset.contentType, "cache-control": "no-cache", ...PAGE_HEADERS },
    body: asset.body,
  };
}

/**
 * The Mini App's routes on the bot's Function URL: the page and its files under /app, the JSON API
 * under /app/api (every call authenticated by its initData). Undefined: not a dashboard path.
 */
export async function answerDashboardRoute(
  event: LambdaFunctionURLEvent,
  ctx: Omit<DashboardContext, "botToken">,
  deps: DashboardDeps,
): Promise<LambdaFunctionURLResult | undefined> {
  const path = event.rawPath ?? "/";
  if (path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`)) return undefined;
  const method = event.requestContext?.http?.method ?? "GET";
  if (!path.startsWith(`${API_PREFIX}/`)) {
    if (method !== "GET") return jsonResult(405, { error: "GET only" });
    return serveAsset(path, deps);
  }
  let body: unknown;
  try {
    body = method === "POST" ? bodyOf(event) : undefined;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return jsonResult(400, { error: error.message });
  }
  const answer = await answerDashboardCall(
    {
      method,
      route: path.slice(API_PREFIX.length),
      query: Object.fromEntries(new URLSearchParams(event.rawQueryString ?? "")),
      authorization: header(event, "authorization"),
      body,
    },
    { ...ctx, botToken: await deps.botToken() },
  );
  if (answer.rejection)
    logger.warn("dashboard call refused", {
      reason: answer.rejection,
      sourceIp: event.requestContext?.http?.sourceIp,
    });
  else logger.info("dashboard call", { route: path, status: answer.status, user: answer.user });
  return jsonResult(answer.status, answer.body);
}
