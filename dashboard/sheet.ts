import { formatNumber, formatPrice, formatUsd, h, percent, signedPercent } from "./dom";
import type { SignalView } from "./types";

const MARK: Record<string, string> = { BUY: "▲", SELL: "▼", HOLD: "●", ABSTAIN: "!" };

export const actionBadge = (action: string): HTMLElement =>
  h("span", { class: `badge ${action.toLowerCase()}` }, `${MARK[action] ?? ""} ${action}`);

function row(label: string, value: string | Node | undefined): HTMLElement | null {
  if (value === undefined || value === "") return null;
  return h("div", { class: "kv" }, h("span", { class: "hint" }, label), h("span", {}, value));
}

/** One signal in full: its reasons, indicators, analyst, model, cost and outcomes. */
export function signalDetail(signal: SignalView): HTMLElement {
  const tokens = signal.tokens ? ` · ${signal.tokens.prompt} + ${signal.tokens.completion} tokens` : "";
  const outcomes = Object.entries(signal.outcomes ?? {}).sort(([a], [b]) => Number(a) - Number(b));
  return h(
    "div",
    { class: "detail", "data-testid": "signal-detail" },
    h(
      "div",
      { class: "detail-head" },
      actionBadge(signal.action),
      h("strong", {}, ` ${signal.symbol}`),
      signal.confidence === undefined
        ? null
        : h("span", { class: "hint" }, ` · ${percent(signal.confidence)} confidence`),
    ),
    h(
      "div",
      { class: "hint" },
      `${formatPrice(signal.price)} · ${signal.timeframe} candle · ${signal.closeLabel}`,
    ),
    h("h3", {}, signal.action === "ABSTAIN" ? "Why no verdict" : "Reasons"),
    signal.reasons.length
      ? h("ul", { class: "reasons" }, ...signal.reasons.map((reason) => h("li", {}, reason)))
      : h("p", { class: "hint" }, "No reasons stored."),
    signal.triggers.length
      ? h(
          "div",
          { class: "chips" },
          ...signal.triggers.map((trigger) => h("span", { class: "chip" }, trigger)),
        )
      : null,
    h("h3", {}, "Indicators"),
    h(
      "div",
      { class: "grid" },
      ...signal.indicators.map(([name, value]) =>
        h("div", { class: "cell" }, h("span", { class: "hint" }, name), h("span", {}, formatNumber(value))),
      ),
    ),
    h("h3", {}, "Verdict"),
    row("Analyst", signal.analystLabel),
    row("Model", signal.model),
    row("Prompt", signal.promptVersion),
    row("Cost", signal.costUsd === undefined ? undefined : `${formatUsd(signal.costUsd)}${tokens}`),
    row("Horizon", signal.horizon),
    row("Alert", signal.alert ? (signal.notifiedAt ? "sent" : "not sent yet") : "no"),
    outcomes.length ? h("h3", {}, "Outcome") : null,
    ...outcomes.map(([horizon, outcome]) =>
      row(
        `after ${horizon} candle${horizon === "1" ? "" : "s"}`,
        `${formatPrice(outcome.price)} (${signedPercent(outcome.return)})`,
      ),
    ),
  );
}

/** A bottom sheet over the page, closed by its button, the backdrop or Escape. */
export function openSheet(content: HTMLElement): void {
  document.querySelector(".sheet-backdrop")?.remove();
  const close = () => {
    backdrop.remove();
    document.removeEventListener("keydown", onKey);
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === "Escape") close();
  };
  const backdrop = h(
    "div",
    {
      class: "sheet-backdrop",
      onclick: (event: Event) => {
        if (event.target === backdrop) close();
      },
    },
    h(
      "section",
      { class: "sheet", role: "dialog", "aria-modal": "true" },
      h("button", { class: "sheet-close", type: "button", "aria-label": "Close", onclick: close }, "✕"),
      content,
    ),
  );
  document.addEventListener("keydown", onKey);
  document.body.append(backdrop);
}
