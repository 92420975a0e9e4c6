/**
 * What the page takes from Telegram without loading telegram-web-app.js (a CDN script): the initData
 * and theme Telegram puts in the URL's hash (`#tgWebAppData=…&tgWebAppThemeParams=…`), or
 * `window.Telegram.WebApp` when a host page provides it, and the two events that tell the client the
 * page is ready to be shown full height.
 */

interface TelegramWebApp {
  initData?: string;
  themeParams?: Record<string, string>;
  ready?: () => void;
  expand?: () => void;
}

declare global {
  interface Window {
    Telegram?: { WebApp?: TelegramWebApp };
    TelegramWebviewProxy?: { postEvent(type: string, data: string): void };
  }
}

const hashParams = (): URLSearchParams => new URLSearchParams(window.location.hash.slice(1));

/** The signed initData the API calls carry; empty when the page was opened outside Telegram. */
export function initData(): string {
  return window.Telegram?.WebApp?.initData || hashParams().get("tgWebAppData") || "";
}

/** Telegram's theme as --tg-theme-* variables (bg_color → --tg-theme-bg-color); the CSS has fallbacks. */
export function applyTheme(): void {
  let theme: Record<string, unknown> = window.Telegram?.WebApp?.themeParams ?? {};
  const fromHash = hashParams().get("tgWebAppThemeParams");
  if (fromHash) {
    try {
      theme = JSON.parse(fromHash) as Record<string, unknown>;
    } catch {
      // A theme we cannot read leaves the fallback colours.
    }
  }
  for (const [key, value] of Object.entries(theme)) {
    if (typeof value === "string" && /^#[0-9a-f]{3,8}$/i.test(value))
      document.documentElement.style.setProperty(`--tg-theme-${key.replace(/_/g, "-")}`, value);
  }
}

function postEvent(type: string, data: unknown = {}): void {
  const payload = JSON.stringify(data);
  if (window.TelegramWebviewProxy) window.TelegramWebviewProxy.postEvent(type, payload);
  else if (window.parent !== window)
    window.parent.postMessage(
      JSON.stringify({ eventType: type, eventData: data }),
      "https://web.telegram.org",
    );
}

/** Tells the Telegram client the page has drawn, and asks for the full height. */
export function tellTelegramReady(): void {
  if (window.Telegram?.WebApp?.ready) {
    window.Telegram.WebApp.ready();
    window.Telegram.WebApp.expand?.();
    return;
  }
  postEvent("web_app_ready");
  postEvent("web_app_expand");
}
