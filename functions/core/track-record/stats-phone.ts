import { ACTION_MARK, analystLabel, escapeHtml, fitLines } from "../message";
import { formatRate, formatReturn } from "./rates";
import type { StatsGroup, TrackRecord } from "./stats";
import { holdBasis, reasonsText, type StatsScope, scopeLine } from "./stats-table";

/** Same analyst, model and prompt: one heading over their actions. */
const sameAnalyst = (a: StatsGroup, b: StatsGroup | undefined) =>
  b !== undefined && a.analyst === b.analyst && a.model === b.model && a.promptVersion === b.promptVersion;

function groupLines(group: StatsGroup): string[] {
  const head = `${ACTION_MARK[group.action]} ${group.action} ×${group.count}`;
  if (group.abstainReasons) return [`${head}: ${escapeHtml(reasonsText(group.abstainReasons))}`];
  return [
    head,
    ...(group.horizons ?? []).flatMap((h) => [
      `  @${h.horizon} ${formatRate(h.hits, h.scored)}`,
      ...(h.scored
        ? [`    mean ${formatReturn(h.meanReturn)} · median ${formatReturn(h.medianReturn)}`]
        : []),
    ]),
  ];
}

/**
 * The track record as Telegram HTML for a phone: short lines, one heading per analyst, every rate
 * judged (too few to judge below 30 scored), buy-and-hold first as the bar to beat.
 */
export function statsPhone(record: TrackRecord, scope: StatsScope): string {
  const lines = [`📊 <b>Track record</b>`, escapeHtml(scopeLine(scope))];
  if (record.signals === 0) return [...lines, "No signals stored in this window."].join("\n");
  if (record.buyAndHold)
    lines.push(
      `Buy &amp; hold ${formatReturn(record.buyAndHold.return)}`,
      `  ${escapeHtml(holdBasis(record.buyAndHold))}`,
    );
  if (record.groups.length === 0) lines.push("", "No analyst verdicts in this window.");
  record.groups.forEach((group, index) => {
    if (!sameAnalyst(group, record.groups[index - 1]))
      lines.push("", `<b>${escapeHtml(analystLabel(group))}</b>`);
    lines.push(...groupLines(group));
  });
  lines.push(
    "",
    `<i>${record.gateHolds} gate HOLDs, not scored.</i>`,
    "<i>Hit: the close h candles later moved the signal's way. Returns in its direction, before fees.</i>",
  );
  return fitLines(lines);
}
