/** Where a bar draws: process.stderr, or any stream-like object (tests pass a fake one). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  label?: string;
  /** Milliseconds; the bar reads it for the rate, the ETA and throttling. */
  now?: () => number;
  /** Least time between two redraws. */
  redrawMs?: number;
}

export interface Progress {
  tick(count?: number): void;
  /** Draws the final state and ends the line; a no-op the second time. */
  done(): void;
}

const BAR_WIDTH = 24;

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return hh > 0 ? `${hh}:${String(mm).padStart(2, "0")}:${ss}` : `${mm}:${ss}`;
}

const formatRate = (perSecond: number) =>
  perSecond >= 100 ? perSecond.toFixed(0) : perSecond >= 10 ? perSecond.toFixed(1) : perSecond.toFixed(2);

/**
 * A one-line progress bar with rate and ETA, redrawn in place at most every `redrawMs`. It draws only
 * on a terminal: piped or redirected output (CI logs, `--json > file`) gets nothing from it.
 */
export function progressBar(total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY || total <= 0) return { tick() {}, done() {} };
  const now = options.now ?? Date.now;
  const redrawMs = options.redrawMs ?? 100;
  const label = options.label ? `${options.label} ` : "";
  const started = now();
  let count = 0;
  let drawnAt = Number.NEGATIVE_INFINITY;
  let finished = false;

  const line = () => {
    const fraction = Math.min(1, count / total);
    const filled = Math.round(fraction * BAR_WIDTH);
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const eta =
      count >= total
        ? `in ${formatDuration(elapsed)}`
        : rate > 0
          ? `ETA ${formatDuration((total - count) / rate)}`
          : "ETA –";
    const text = `${label}[${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${count}/${total} ${formatRate(rate)}/s ${eta}`;
    // Never wider than the terminal: a wrapped line cannot be redrawn with \r.
    return stream.columns ? text.slice(0, stream.columns - 1) : text;
  };
  const draw = () => {
    drawnAt = now();
    stream.write(`\r${line()}\x1b[K`);
  };

  return {
    tick(step = 1) {
      if (finished) return;
      count += step;
      if (now() - drawnAt >= redrawMs) draw();
    },
    done() {
      if (finished) return;
      finished = true;
      draw();
      stream.write("\n");
    },
  };
}
