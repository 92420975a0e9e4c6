import { type Api, createApi, Unauthorized } from "./api";
import { type DrawnChart, drawChart } from "./chart";
import { formatPrice, formatUntil, h } from "./dom";
import { renderHistory, renderStats } from "./panels";
import { actionBadge, openSheet, signalDetail } from "./sheet";
import { applyTheme, initData, tellTelegramReady } from "./telegram";
import type { Overview, SignalView, WatchedSymbol } from "./types";

interface State {
  api: Api;
  overview: Overview;
  selected: string;
  tab: "history" | "stats";
  chart?: DrawnChart;
}

declare global {
  interface Window {
    /** For automation and the browser tests: where the chart drew its markers. */
    signalsDashboard?: { markerPoints(): ReturnType<DrawnChart["markerPoints"]> };
  }
}

const app = (): HTMLElement => document.getElementById("app") as HTMLElement;

const showSignal = (signal: SignalView) => openSheet(signalDetail(signal));

function showRefusal(message: string): void {
  app().replaceChildren(
    h(
      "section",
      { class: "card refusal", "data-testid": "unauthorized" },
      h("h1", {}, "Not authorised"),
      h("p", {}, message),
      h(
        "p",
        { class: "hint" },
        "Open the dashboard from the bot: its menu button, or the Dashboard button under an alert.",
      ),
    ),
  );
}

function showError(error: unknown): void {
  if (error instanceof Unauthorized) showRefusal(error.message);
  else app().append(h("p", { class: "error" }, `Something failed: ${(error as Error).message}`));
}

function watchRow(state: State, item: WatchedSymbol): HTMLElement {
  const last = item.lastAlert ?? item.last;
  return h(
    "button",
    {
      class: `watch${item.symbol === state.selected ? " selected" : ""}`,
      type: "button",
      "data-symbol": item.symbol,
      onclick: () => {
        state.selected = item.symbol;
        render(state);
      },
    },
    // The last BUY/SELL and its time on the left, the latest close's price on the right, each
    // labelled: side by side, the price read as that signal's.
    h(
      "span",
      { class: "watch-main" },
      h(
        "span",
        { class: "watch-title" },
        h("strong", {}, item.symbol),
        last ? actionBadge(last.action) : null,
      ),
      h(
        "span",
        { class: "hint small" },
        item.mutedUntil
          ? `muted until ${formatUntil(item.mutedUntil, state.overview.timezone)}`
          : last
            ? last.closeLabel
            : "no signal yet",
      ),
    ),
    h(
      "span",
      { class: "watch-side" },
      h("span", { class: "price" }, item.price === null ? "–" : formatPrice(item.price)),
      item.price === null ? null : h("span", { class: "hint small" }, "last close"),
    ),
  );
}

function muteControls(state: State, item: WatchedSymbol): HTMLElement {
  const act = async (run: () => Promise<unknown>) => {
    try {
      await run();
      state.overview = await state.api.overview();
      render(state);
    } catch (error) {
      showError(error);
    }
  };
  if (item.mutedUntil)
    return h(
      "div",
      { class: "mute" },
      h(
        "span",
        { class: "hint small", "data-testid": "muted" },
        `🔕 until ${formatUntil(item.mutedUntil, state.overview.timezone)}`,
      ),
      h(
        "button",
        { type: "button", class: "small-button", onclick: () => act(() => state.api.unmute(item.symbol)) },
        "Unmute",
      ),
    );
  return h(
    "div",
    { class: "mute" },
    ...state.overview.muteDurations.slice(0, 2).map((duration) =>
      h(
        "button",
        {
          type: "button",
          class: "small-button",
          onclick: () => act(() => state.api.mute(item.symbol, duration)),
        },
        `Mute ${duration}`,
      ),
    ),
  );
}

async function chartCard(state: State, item: WatchedSymbol): Promise<HTMLElement> {
  const canvasHolder = h("div", { class: "chart", "data-testid": "chart" });
  const list = h("div", { class: "list" });
  const card = h(
    "section",
    { class: "card" },
    h(
      "div",
      { class: "card-head" },
      h(
        "div",
        {},
        h("h2", {}, item.symbol),
        h("span", { class: "hint small" }, `${state.overview.timeframe} candles · tap a marker`),
      ),
      muteControls(state, item),
    ),
    canvasHolder,
    list,
  );
  const data = await state.api.chart(item.symbol);
  requestAnimationFrame(() => {
    state.chart?.remove();
    state.chart = drawChart(canvasHolder, data, state.overview.timezone, showSignal);
    window.signalsDashboard = { markerPoints: () => state.chart?.markerPoints() ?? [] };
  });
  const recent = [...data.signals].reverse().slice(0, 5);
  list.replaceChildren(
    ...(recent.length
      ? recent.map((signal) => signalRow(signal))
      : [h("p", { class: "hint small" }, "No BUY or SELL in these candles.")]),
  );
  return card;
}

export function signalRow(signal: SignalView): HTMLElement {
  return h(
    "button",
    { type: "button", class: "row", "data-candle": signal.candleTime, onclick: () => showSignal(signal) },
    actionBadge(signal.action),
    h(
      "span",
      { class: "row-main" },
      h("span", {}, formatPrice(signal.price)),
      h("span", { class: "hint small" }, `${signal.closeLabel} · ${signal.analystLabel}`),
    ),
    h("span", { class: "chevron" }, "›"),
  );
}

async function render(state: State): Promise<void> {
  const item = state.overview.symbols.find((s) => s.symbol === state.selected) ?? state.overview.symbols[0];
  if (!item) return;
  const tabs = h(
    "div",
    { class: "tabs", role: "tablist" },
    ...(["history", "stats"] as const).map((tab) =>
      h(
        "button",
        {
          type: "button",
          role: "tab",
          class: tab === state.tab ? "active" : "",
          "aria-selected": tab === state.tab ? "true" : "false",
          onclick: () => {
            state.tab = tab;
            render(state);
          },
        },
        tab === "history" ? "History" : "Stats",
      ),
    ),
  );
  const panel = h("section", { class: "card" });
  app().replaceChildren(
    h(
      "header",
      { class: "top" },
      h("h1", {}, "Signals"),
      h("span", { class: "hint small" }, `${state.overview.timeframe} · ${state.overview.timezone}`),
    ),
    h(
      "section",
      { class: "card watchlist", "data-testid": "watchlist" },
      ...state.overview.symbols.map((s) => watchRow(state, s)),
    ),
    await chartCard(state, item),
    tabs,
    panel,
  );
  if (state.tab === "history") renderHistory(panel, state.api, item.symbol, signalRow);
  else
    renderStats(
      panel,
      state.api,
      state.overview.symbols.map((s) => s.symbol),
    );
}

async function start(): Promise<void> {
  applyTheme();
  const data = initData();
  if (!data) {
    showRefusal("This page needs Telegram's sign-in data, and it was opened without any.");
    return;
  }
  const api = createApi(data);
  try {
    const overview = await api.overview();
    await render({ api, overview, selected: overview.symbols[0]?.symbol ?? "", tab: "history" });
  } catch (error) {
    showError(error);
  } finally {
    tellTelegramReady();
  }
}

void start();
