/** Levenshtein distance: the fewest single-character edits that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Names longer than this are not compared: a typo is short, and the cost stays bounded. */
const MAX_COMPARED = 64;

/**
 * The known name a misspelt one most likely meant: the nearest by edit distance (case ignored),
 * or one that starts with it or that it starts with; undefined when none is close.
 */
export function closestName(input: string, known: readonly string[]): string | undefined {
  const wanted = input.toLowerCase().slice(0, MAX_COMPARED);
  if (wanted.length === 0) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const candidate = name.toLowerCase();
    const prefix =
      Math.min(wanted.length, candidate.length) >= 3 &&
      (candidate.startsWith(wanted) || wanted.startsWith(candidate));
    const distance = prefix ? 0.5 : editDistance(wanted, candidate.slice(0, MAX_COMPARED));
    if (!best || distance < best.distance) best = { name, distance };
  }
  // A third of the name may be wrong (cooldownMins for cooldownMinutes), never more.
  return best && best.distance <= Math.max(2, Math.ceil(wanted.length / 3)) ? best.name : undefined;
}
