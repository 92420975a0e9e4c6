/** The calendar day (YYYY-MM-DD) of `epochMs` in `timezone`: the key of the daily LLM budget. */
export function localDay(epochMs: number, timezone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(epochMs));
}
