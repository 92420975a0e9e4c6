import { createHmac, timingSafeEqual } from "node:crypto";
import * as z from "zod";

/**
 * Telegram Mini App `initData`, checked as Telegram documents it
 * (core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app):
 * secret_key = HMAC_SHA256(key "WebAppData", bot token); hash = hex(HMAC_SHA256(secret_key,
 * data_check_string)), where data_check_string is every received field but `hash`, sorted by key, as
 * `key=value` lines. `signature` (Telegram's Ed25519 signature for third parties) stays in the string:
 * the documented check leaves out `hash` alone.
 */

/** The Authorization scheme the dashboard sends: `Authorization: tma <initData>`. */
export const INIT_DATA_SCHEME = "tma";

const HASH_PATTERN = /^[0-9a-f]{64}$/;
/** A clock a little ahead of ours is not an attack; a day ahead is. */
const FUTURE_SKEW_SECONDS = 60;
/** initData is a few hundred bytes; a longer header is refused before any hashing. */
const MAX_INIT_DATA_CHARS = 8192;

const WebAppUser = z.looseObject({
  id: z.number().int().positive(),
  first_name: z.string().max(256).optional(),
  username: z.string().max(64).optional(),
});

const InitDataFields = z.object({
  auth_date: z.string().regex(/^\d{1,12}$/, "expected epoch seconds"),
  user: z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "not JSON" });
      return z.NEVER;
    }
  }),
});

export interface InitDataUser {
  /** The Telegram user id, as text (the allowlist holds chat ids; a private chat's id is its user's). */
  id: string;
  name: string;
}

export type InitDataRejection = "missing" | "malformed" | "bad-hash" | "expired" | "stranger";

export type InitDataCheck =
  | { ok: true; user: InitDataUser; authDate: number }
  | { ok: false; reason: InitDataRejection; detail: string };

export interface InitDataPolicy {
  botToken: string;
  /** Oldest auth_date accepted, in seconds before `now`. */
  maxAgeSeconds: number;
  /** Epoch ms. */
  now: number;
  /** User ids allowed in: config.telegram.chatIds plus TELEGRAM_CHAT_ID. */
  allowlist: ReadonlySet<string>;
}

const secretKey = (botToken: string): Buffer => createHmac("sha256", "WebAppData").update(botToken).digest();

const dataCheckString = (fields: ReadonlyArray<[string, string]>): string =>
  fields
    .filter(([key]) => key !== "hash")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");

const hashOf = (fields: ReadonlyArray<[string, string]>, botToken: string): string =>
  createHmac("sha256", secretKey(botToken)).update(dataCheckString(fields)).digest("hex");

/** The initData of an `Authorization: tma <initData>` header; undefined for any other header. */
export function initDataFromAuthorization(header: string | undefined): string | undefined {
  const match = /^tma\s+(\S+)$/i.exec(header?.trim() ?? "");
  return match?.[1];
}

const reject = (reason: InitDataRejection, detail: string): InitDataCheck => ({ ok: false, reason, detail });

/**
 * Checks initData: its hash (in constant time), then its age, then that its user is allowed. Nothing in
 * it is read before the hash matches, so a forged field never reaches a message.
 */
export function checkInitData(raw: string | undefined, policy: InitDataPolicy): InitDataCheck {
  if (!raw) return reject("missing", "no initData: open the dashboard from Telegram");
  if (raw.length > MAX_INIT_DATA_CHARS) return reject("malformed", "initData is too long");
  const fields = [...new URLSearchParams(raw)];
  const keys = fields.map(([key]) => key);
  if (new Set(keys).size !== keys.length) return reject("malformed", "initData repeats a field");
  const received = fields.find(([key]) => key === "hash")?.[1] ?? "";
  if (!HASH_PATTERN.test(received)) return reject("malformed", "initData has no hash");
  const expected = hashOf(fields, policy.botToken);
  if (!timingSafeEqual(Buffer.from(received, "hex"), Buffer.from(expected, "hex")))
    return reject("bad-hash", "initData is not signed with this bot's token");

  const parsed = InitDataFields.safeParse(Object.fromEntries(fields));
  const user = parsed.success ? WebAppUser.safeParse(parsed.data.user) : undefined;
  if (!parsed.success || !user?.success)
    return reject("malformed", "initData lacks auth_date or a user with an id");
  const authDate = Number(parsed.data.auth_date);
  const nowSeconds = Math.floor(policy.now / 1000);
  if (authDate > nowSeconds + FUTURE_SKEW_SECONDS)
    return reject("expired", "initData is dated in the future");
  if (nowSeconds - authDate > policy.maxAgeSeconds)
    return reject("expired", "initData has expired: close the dashboard and open it again");
  const id = String(user.data.id);
  if (!policy.allowlist.has(id)) return reject("stranger", `user ${id} is not on the allowlist`);
  return { ok: true, user: { id, name: user.data.first_name ?? user.data.username ?? id }, authDate };
}

/**
 * Signs fields as Telegram would: the local runtime's link to open the dashboard in a browser, and
 * tests. `user` is the JSON text of a WebAppUser.
 */
export function signInitData(fields: Record<string, string>, botToken: string): string {
  const entries = Object.entries(fields).filter(([key]) => key !== "hash");
  const params = new URLSearchParams(entries);
  params.set("hash", hashOf(entries, botToken));
  return params.toString();
}
