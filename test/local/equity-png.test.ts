import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EQUITY_CHART_SIZE, type EquityChartInput } from "../../functions/core/equity-chart";
import { CHART_FONT_FILES } from "../../functions/shared/shipped-files";
import { writeEquityPng } from "../../local/equity-png";
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
describe("writeEquityPng", () => {
  it("writes a PNG of the chart's size, its text in the font shipped with the code", async () => {
    const path = join(dir, "equity.png");
    const { fonts } = await writeEquityPng(path, input);
    expect(fonts).toEqual(
      CHART_FONT_FILES.map((file) => createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${file}`)),
    );
    const png = readFileSync(path);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual(EQUITY_CHART_SIZE);
  });

  it("fails, saying where it looked, when the font file is missing", async () => {
    await expect(
      writeEquityPng(join(dir, "none.png"), input, [["/nonexistent/DejaVuSans.ttf"]]),
    ).rejects.toThrow("chart font DejaVuSans.ttf not found; looked in /nonexistent/DejaVuSans.ttf");
  });
});
