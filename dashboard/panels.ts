import type { Api } from "./api";
import { h, percent, signedPercent } from "./dom";
import { actionBadge } from "./sheet";
import type { SignalView, StatsData } from "./types";

function select(
  name: string,
  options: Array<[string, string]>,
  onChange: (value: string) => void,
): HTMLSelectElement {
  const element = h(
    "select",
    { name, "aria-label": name, onchange: () => onChange(element.value) },
    ...options.map(([value, label]) => h("option", { value }, label)),
  );
  return element;
}

/** The symbol's history, newest first, filtered by alerts only, action and analyst. */
export function renderHistory(
  panel: HTMLElement,
  api: Api,
  symbol: string,
  signalRow: (signal: SignalView) => HTMLElement,
): void {
  const filters: Record<string, string> = { symbol, limit: "30" };
  const list = h("div", { class: "list", "data-testid": "history" });
  const load = async () => {
    list.replaceChildren(h("p", { class: "hint small" }, "Loading…"));
    try {
      const { signals } = await api.history(filters);
      list.replaceChildren(
        ...(signals.length ? signals.map(signalRow) : [h("p", { class: "hint small" }, "No signals match.")]),
      );
    } catch (error) {
      list.replaceChildren(h("p", { class: "error" }, (error as Error).message));
    }
  };
  const set = (key: string) => (value: string) => {
    if (value) filters[key] = value;
    else delete filters[key];
    void load();
  };
  const alertsOnly = h("input", { type: "checkbox", name: "alerts" });
  alertsOnly.addEventListener("change", () => set("alerts")(alertsOnly.checked ? "1" : ""));
  panel.replaceChildren(
    h(
      "div",
      { class: "filters" },
      h("label", { class: "check" }, alertsOnly, " Alerts only"),
      select(
        "action",
        [
          ["", "Any action"],
          ["BUY", "BUY"],
          ["SELL", "SELL"],
          ["HOLD", "HOLD"],
          ["ABSTAIN", "ABSTAIN"],
        ],
        set("action"),
      ),
      select(
        "analyst",
        [
          ["", "Any analyst"],
          ["llm", "LLM"],
          ["rules", "Rules"],
          ["gate", "Gate"],
        ],
        set("analyst"),
      ),
    ),
    list,
  );
  void load();
}

function groupCard(group: StatsData["record"]["groups"][number]): HTMLElement {
  const who =
    group.analyst === "llm"
      ? `${group.model ?? "LLM"}${group.promptVersion ? ` · prompt ${group.promptVersion}` : ""}`
      : "rules analyst";
  return h(
    "div",
    { class: "stat" },
    h(
      "div",
      { class: "stat-head" },
      actionBadge(group.action),
      h("span", {}, ` ×${group.count}`),
      h("span", { class: "hint small" }, ` · ${who}`),
    ),
    group.abstainReasons
      ? h(
          "div",
          { class: "hint small" },
          Object.entries(group.abstainReasons)
            .map(([reason, n]) => `${reason} ${n}`)
            .join(" · "),
        )
      : null,
    ...(group.horizons ?? []).map((horizon) =>
      h(
        "div",
        { class: "kv small" },
        h("span", { class: "hint" }, `after ${horizon.horizon}`),
        h(
          "span",
          {},
          horizon.rate
            ? `${percent(horizon.rate.rate)} hits (${percent(horizon.rate.low)}–${percent(horizon.rate.high)})`
            : `${horizon.hits}/${horizon.scored}: too few to judge`,
          horizon.meanReturn === undefined ? "" : ` · mean ${signedPercent(horizon.meanReturn)}`,
        ),
      ),
    ),
  );
}

/** The track record of the watchlist (the same figures as /stats), over a window. */
export function renderStats(panel: HTMLElement, api: Api, symbols: string[]): void {
  const query: Record<string, string> = { window: "30d" };
  const body = h("div", { "data-testid": "stats" });
  const load = async () => {
    body.replaceChildren(h("p", { class: "hint small" }, "Loading…"));
    try {
      const { record } = await api.stats(query);
      const hold = record.buyAndHold;
      body.replaceChildren(
        h("p", { class: "hint small" }, `${record.signals} signals · ${record.gateHolds} gate HOLDs`),
        hold
          ? h(
              "div",
              { class: "kv" },
              h("span", { class: "hint" }, "Buy & hold"),
              h("strong", {}, signedPercent(hold.return)),
            )
          : "",
        ...(record.groups.length
          ? record.groups.map(groupCard)
          : [h("p", { class: "hint small" }, "No analyst verdicts in this window.")]),
        h(
          "p",
          { class: "hint small" },
          "A hit: a BUY whose close h candles later is higher, a SELL whose is lower. Below 30 scored: too few to judge.",
        ),
      );
    } catch (error) {
      body.replaceChildren(h("p", { class: "error" }, (error as Error).message));
    }
  };
  panel.replaceChildren(
    h(
      "div",
      { class: "filters" },
      select("symbol", [["", "All symbols"], ...symbols.map((s): [string, string] => [s, s])], (value) => {
        if (value) query.symbol = value;
        else delete query.symbol;
        void load();
      }),
      select(
        "window",
        [
          ["30d", "30 days"],
          ["7d", "7 days"],
          ["90d", "90 days"],
        ],
        (value) => {
          query.window = value;
          void load();
        },
      ),
    ),
    body,
  );
  void load();
}
