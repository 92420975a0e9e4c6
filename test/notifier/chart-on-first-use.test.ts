import { afterEach, describe, expect, it, vi } from "vitest";
import { alertChartSvg } from "../../functions/core/chart";
import { parseConfig } from "../../functions/core/config";
import type { ChartRenderer } from "../../functions/core/notify";
import { chartRendererOnFirstUse, notifierDepsFromEnv } from "../../functions/notifier/wiring";
import { PNG_SIGNATURE } from "../support/png";
import { sampleSignal } from "../support/telegram-fixtures";

afterEach(() => vi.unstubAllEnvs());

describe("the notifier's chart renderer, loaded on first use", () => {
  it("as wired with a bot token, draws the alert chart as a PNG", async () => {
    vi.stubEnv("TELEGRAM_BOT_TOKEN", "123:token");
    const { chartRenderer } = notifierDepsFromEnv(parseConfig({}), { store: {} as never });
    const svg = alertChartSvg(sampleSignal(), { timezone: "UTC", now: Date.now() }) as string;
    const png = await (chartRenderer as ChartRenderer).render(svg);
    expect([...png.slice(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  it("loads once for every chart after it, and again after a load that failed", async () => {
    let loads = 0;
    const renderer = chartRendererOnFirstUse(async () => {
      loads += 1;
      if (loads === 1) throw new Error("wasm not found");
      return { render: async (svg) => new TextEncoder().encode(svg) };
    });
    expect(loads).toBe(0);
    await expect(renderer.render("<svg/>")).rejects.toThrow("wasm not found");
    expect(new TextDecoder().decode(await renderer.render("<svg a/>"))).toBe("<svg a/>");
    expect(new TextDecoder().decode(await renderer.render("<svg b/>"))).toBe("<svg b/>");
    expect(loads).toBe(2);
  });
});
