import { randomBytes } from "node:crypto";
import { memoryDashboardAssets } from "../functions/adapters/dashboard-assets";
import type { BotDeps } from "../functions/bot/handler";
import { signInitData } from "../functions/core/dashboard/init-data";
import { optionalEnv } from "../functions/runtime/env";
import { TELEGRAM_TOKEN } from "../functions/runtime/secrets";
import { buildDashboard } from "../lib/dashboard-build";

/** The user a local link signs in as when no chat is allowed: a stand-in id, allowed for this run only. */
export const LOCAL_DASHBOARD_USER = "100000001";

export interface LocalDashboard {
  /** The bot deps with the dashboard built in memory and the token that signs local links. */
  deps: BotDeps;
  /** Signs a link to `appUrl` as Telegram would open it: initData in the URL's hash, never sent to the server. */
  link(appUrl: string, now?: number): string;
  /** Whether the link's user is a stand-in (no TELEGRAM_CHAT_ID nor telegram.chatIds). */
  standIn: boolean;
}

/**
 * The dashboard for `npm start -- --serve`: the page built now, and initData signed with the local bot
 * token (TELEGRAM_BOT_TOKEN, or one generated for this run when there is none) for the first allowed
 * user, so the page opens in a desktop browser exactly as Telegram would open it.
 */
export async function localDashboard(deps: BotDeps): Promise<LocalDashboard> {
  const token = optionalEnv(TELEGRAM_TOKEN.envVar) ?? `local:${randomBytes(24).toString("hex")}`;
  // A Mini App is opened by a user: a group's id (negative) cannot sign in.
  const person = deps.allowlist.find((id) => /^\d+$/.test(id));
  const standIn = person === undefined;
  const user = person ?? LOCAL_DASHBOARD_USER;
  const assets = memoryDashboardAssets(await buildDashboard());
  return {
    standIn,
    deps: {
      ...deps,
      allowlist: standIn ? [...deps.allowlist, LOCAL_DASHBOARD_USER] : deps.allowlist,
      dashboard: { assets, botToken: async () => token },
    },
    link: (appUrl, now = Date.now()) => {
      const initData = signInitData(
        {
          auth_date: String(Math.floor(now / 1000)),
          user: JSON.stringify({ id: Number(user), first_name: "Local" }),
        },
        token,
      );
      return `${appUrl}#tgWebAppData=${encodeURIComponent(initData)}`;
    },
  };
}
