import { createHash, timingSafeEqual } from "node:crypto";

/** Telegram's X-Telegram-Bot-Api-Secret-Token: 1-256 characters of A-Z a-z 0-9 _ -. */
export const WEBHOOK_SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
export const WEBHOOK_SECRET_HEADER = "x-telegram-bot-api-secret-token";

/**
 * The webhook secret derived from the bot token, so a deployment needs no third secret: the bot
 * Lambda and `signals telegram webhook` compute the same value, and it reveals nothing about the token.
 */
export const webhookSecretFromToken = (botToken: string): string =>
  createHash("sha256").update(`signal-pipeline/telegram-webhook/v1:${botToken}`).digest("hex");

/** Constant-time comparison (hashing first makes the lengths equal, so the length leaks nothing). */
export function secretMatches(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(received), digest(expected));
}
