import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EQUITY_CHART_SIZE, type EquityChartInput } from "../../functions/core/equity-chart";
import { CHART_FONT_CANDIDATES, writeEquityPng } from "../../local/equity-png";
import { PNG_SIGNATURE, pngSize } from "../support/png";

const dir = mkdtempSync(join(tmpdir(), "signals-equity-png-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const START = Date.parse("2023-01-03T00:00:00Z");
const input: EquityChartInput = {
  title: "BTC-USD 1h, rules analyst",
  points: Array.from({ length: 200 }, (_, i) => ({
    time: START + i * 3_600_000,
    strategy: 1 + Math.sin(i / 20) * 0.05 + i / 2000,
    buyHold: 1 + i / 1000,
  })),
  trades: [
    { side: "long", entryTime: START + 10 * 3_600_000, exitTime: START + 50 * 3_600_000, return: 0.03 },
  ],
};
const systemFont = CHART_FONT_CANDIDATES.find((font) => existsSync(font.path));

describe("writeEquityPng", () => {
  it("writes a PNG of the chart's size, with no text when no font is found", async () => {
    const path = join(dir, "no-font.png");
    expect(await writeEquityPng(path, input, [{ path: "/nonexistent/font.ttf", family: "None" }])).toEqual(
      {},
    );
    const png = readFileSync(path);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual(EQUITY_CHART_SIZE);
  });

  it.skipIf(!systemFont)(
    systemFont
      ? `draws the text with the system font ${systemFont.path}`
      : `draws the text with a system font (skipped: none of the ${CHART_FONT_CANDIDATES.length} known font paths exists)`,
    async () => {
      const path = join(dir, "font.png");
      expect(await writeEquityPng(path, input)).toEqual({ font: systemFont?.path });
      const withText = readFileSync(path);
      expect(pngSize(withText)).toEqual(EQUITY_CHART_SIZE);
      // Same chart, same size: the text is what makes the file larger.
      expect(withText.byteLength).toBeGreaterThan(readFileSync(join(dir, "no-font.png")).byteLength + 1000);
    },
  );
});
