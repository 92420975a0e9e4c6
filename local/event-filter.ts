/**
 * The subset of Lambda event-filtering patterns the stack uses: nested objects, arrays of allowed
 * values, and `{ exists: boolean }`. A record matches when every key of the pattern matches.
 */
type Pattern = { readonly [key: string]: Pattern | readonly unknown[] };

const isExistsRule = (rule: unknown): rule is { exists: boolean } =>
  typeof rule === "object" && rule !== null && "exists" in rule;

export function matchesFilter(record: unknown, pattern: Pattern): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const value = (record as Record<string, unknown> | null | undefined)?.[key];
    if (Array.isArray(rule)) {
      return rule.some((allowed) =>
        isExistsRule(allowed) ? (value !== undefined) === allowed.exists : value === allowed,
      );
    }
    return value !== undefined && matchesFilter(value, rule as Pattern);
  });
}
