import type { ChartData, HistoryData, Overview, StatsData } from "./types";

/** A call refused for its initData: the page says so instead of showing data. */
export class Unauthorized extends Error {}

export interface Api {
  overview(): Promise<Overview>;
  chart(symbol: string): Promise<ChartData>;
  history(query: Record<string, string>): Promise<HistoryData>;
  stats(query: Record<string, string>): Promise<StatsData>;
  mute(symbol: string, duration: string): Promise<{ symbol: string; mutedUntil: number | null }>;
  unmute(symbol: string): Promise<{ symbol: string; mutedUntil: number | null }>;
}

/** The JSON API under /app/api; every call carries `Authorization: tma <initData>`, nothing else. */
export function createApi(initData: string): Api {
  async function call<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const response = await fetch(`/app/api${path}`, {
      method: init.method ?? "GET",
      headers: {
        authorization: `tma ${initData}`,
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "omit",
      cache: "no-store",
    });
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    if (response.status === 401) throw new Unauthorized(body.error ?? "not authorised");
    if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
    return body as T;
  }
  const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
  return {
    overview: () => call("/overview"),
    chart: (symbol) => call(`/chart?${query({ symbol })}`),
    history: (params) => call(`/history?${query(params)}`),
    stats: (params) => call(`/stats?${query(params)}`),
    mute: (symbol, duration) => call("/mute", { method: "POST", body: { symbol, duration } }),
    unmute: (symbol) => call("/unmute", { method: "POST", body: { symbol } }),
  };
}
