import { csvText } from "../csv";
import { plural } from "../plural";
import { isoTime, type Signal } from "../signal";
import { formatRate, formatReturn } from "../track-record/rates";
import type { EquityFigures } from "./metrics";
import type { Spread } from "./random-baseline";
import type { AnalystRun, BacktestReport } from "./report";
import type { Trade } from "./trades";

const pct = (value: number, digits = 1) => `${(value * 100).toFixed(digits)}%`;
const sharpe = (value: number | null) => (value === null ? "–" : value.toFixed(2));
const spreadText = (s: Spread | undefined, format: (v: number) => string) =>
  s ? `median ${format(s.median)} (5–95%: ${format(s.p5)} to ${format(s.p95)})` : "–";
const equityLine = (label: string, f: EquityFigures) =>
  `  ${label.padEnd(15)} return ${formatReturn(f.totalReturn).padStart(9)}   max drawdown ${pct(f.maxDrawdown).padStart(6)}   Sharpe ${sharpe(f.sharpe)}`;

const llmLine = (llm: AnalystRun["llm"]) =>
  `  LLM calls ${llm.calls}${llm.cached === undefined ? "" : ` (${llm.cached} cached, ${llm.newCalls ?? 0} new calls)`}, cost $${llm.costUsd.toFixed(4)}`;

function runLines(run: AnalystRun): string[] {
  const lines = run.hitRates.map(
    (h) =>
      `  hit rate @${String(h.horizon).padEnd(3)} ${formatRate(h.hits, h.scored).padEnd(32)} mean return ${formatReturn(h.meanReturn)}`,
  );
  const s = run.strategy;
  lines.push(
    equityLine("strategy", s),
    `  ${"".padEnd(15)} exposure ${pct(s.exposure)}   trades ${s.trades}${s.unfilled ? `   (${s.unfilled} alert on the last candle, unfilled)` : ""}`,
  );
  return lines;
}

/** The backtest as a terminal report: every figure with its baseline beside it. */
export function renderBacktest(report: BacktestReport): string {
  const { run } = report;
  const a = run.actions;
  const abstains = Object.entries(run.abstainReasons)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  const random = report.baselines.random;
  const lines = [
    `Backtest ${report.symbol} ${report.timeframe}, ${report.period.from.slice(0, 16)} to ${report.period.to.slice(0, 16)} UTC`,
    `  ${plural(report.closes, "close")}, ${plural(report.gatePasses, "gate pass", "gate passes")}, ${plural(run.alerts, "alert")}; fills at the next candle's open, fee ${report.fees.bpsPerSide} bps per side, ${report.short ? "long/short" : "long/flat"}`,
    `  analyst ${run.analyst}${run.model ? ` (${run.model}, ${run.promptVersion})` : ""}: BUY ${a.BUY}, SELL ${a.SELL}, HOLD ${a.HOLD}, ABSTAIN ${a.ABSTAIN}${abstains ? ` (${abstains})` : ""}`,
    ...(run.analyst === "llm" ? [llmLine(run.llm)] : []),
    "",
    ...runLines(run),
    "",
    "Baselines",
    equityLine("buy and hold", report.baselines.buyAndHold),
  ];
  if (random.draws > 0) {
    lines.push(
      `  random direction on the same gate events (${random.draws} draws of ${random.callsPerDraw} calls, seed ${random.seed}):`,
    );
    for (const h of random.hitRates)
      lines.push(
        `    hit rate @${String(h.horizon).padEnd(3)} ${spreadText(h.spread, (v) => pct(v, 0))}${h.analystPercentile === undefined ? "" : `; the analyst's rate is at percentile ${h.analystPercentile.toFixed(0)}`}`,
      );
    if (random.totalReturn)
      lines.push(
        `    return     ${spreadText(random.totalReturn, formatReturn)}; the strategy's is at percentile ${random.totalReturn.strategyPercentile?.toFixed(0)}`,
      );
  } else lines.push("  random direction: no alerts to compare");
  const rules = report.baselines.rules;
  if (rules)
    lines.push(`  rules analyst on the same closes (${plural(rules.alerts, "alert")}):`, ...runLines(rules));
  return lines.join("\n");
}

const csv = (header: string[], rows: Array<Array<string | number>>) => csvText(header, rows, "\n");

export const tradesCsv = (trades: readonly Trade[]): string =>
  csv(
    ["side", "entryTime", "entryPrice", "exitTime", "exitPrice", "return", "openAtEnd"],
    trades.map((t) => [
      t.side,
      isoTime(t.entryTime),
      t.entryPrice,
      isoTime(t.exitTime),
      t.exitPrice,
      Number(t.return.toFixed(6)),
      String(t.openAtEnd),
    ]),
  );

export const signalsCsv = (signals: readonly Signal[]): string =>
  csv(
    ["candleTime", "price", "action", "confidence", "alert", "analyst", "triggers", "reasons"],
    signals.map((s) => [
      s.candleTime,
      s.price,
      s.action,
      s.confidence ?? "",
      String(s.alert),
      s.analyst,
      s.triggers.join(" "),
      s.reasons.join("; "),
    ]),
  );
