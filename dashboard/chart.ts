import {
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  type Time,
  type UTCTimestamp,
} from "lightweight-charts";
import type { ChartData, SignalView } from "./types";

export interface MarkerPoint {
  candleTime: string;
  action: string;
  /** Relative to the chart's element, CSS pixels. */
  x: number;
  y: number;
}

export interface DrawnChart {
  /** Where each BUY and SELL marker is drawn (for automation and the browser tests). */
  markerPoints(): MarkerPoint[];
  remove(): void;
}

/** Half the last-price tag's height plus half a tick label's, at the axis' 11 px type. */
const TAG_CLEARANCE_PX = 18;

const formatPrice = (price: number) =>
  price.toLocaleString("en-US", { maximumFractionDigits: price >= 1000 ? 0 : price >= 1 ? 2 : 6 });

const cssVar = (name: string, fallback: string): string =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/** Times on the axis in the configured zone (the chart itself only knows UTC). */
function zoneFormatter(timezone: string, options: Intl.DateTimeFormatOptions) {
  const format = new Intl.DateTimeFormat("en-GB", { timeZone: timezone, ...options });
  return (time: Time) => format.format(new Date(Number(time) * 1000));
}

/**
 * Candles (the OHLCV alert rows keep, elsewhere from the previous close to its own) with a marker on
 * every BUY and SELL; tapping a marker, or its candle, calls `onPick` with that signal.
 */
export function drawChart(
  element: HTMLElement,
  data: ChartData,
  timezone: string,
  onPick: (signal: SignalView) => void,
): DrawnChart {
  const lastClose = data.candles.at(-1)?.close;
  // Set once the series exists; until then (the first layout) no label is blanked.
  let priceY: (price: number) => number | null = () => null;
  const nearLastPriceTag = (price: number) => {
    const tick = priceY(price);
    const tag = lastClose === undefined ? null : priceY(lastClose);
    return tick !== null && tag !== null && Math.abs(tick - tag) < TAG_CLEARANCE_PX;
  };
  const up = cssVar("--up", "#26a69a");
  const down = cssVar("--down", "#ef5350");
  const dayLabel = zoneFormatter(timezone, { day: "numeric", month: "short" });
  const hourLabel = zoneFormatter(timezone, { hour: "2-digit", minute: "2-digit" });
  const chart: IChartApi = createChart(element, {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: "transparent" },
      textColor: cssVar("--hint", "#8e8e93"),
      fontSize: 11,
      attributionLogo: false,
    },
    grid: {
      vertLines: { color: cssVar("--grid", "rgba(128,128,128,0.12)") },
      horzLines: { color: cssVar("--grid", "rgba(128,128,128,0.12)") },
    },
    rightPriceScale: { borderVisible: false },
    timeScale: {
      borderVisible: false,
      timeVisible: true,
      secondsVisible: false,
      // Midnight (in the zone) reads as its date, the other ticks as hours.
      tickMarkFormatter: (time: Time) => (hourLabel(time) === "00:00" ? dayLabel(time) : hourLabel(time)),
    },
    localization: {
      priceFormatter: formatPrice,
      // The last price has its own tag on the axis: a tick label it would cover is left blank.
      tickmarksPriceFormatter: (prices: readonly number[]) =>
        prices.map((price) => (nearLastPriceTag(price) ? "" : formatPrice(price))),
      timeFormatter: zoneFormatter(timezone, {
        weekday: "short",
        day: "numeric",
        month: "short",
        hour: "2-digit",
        minute: "2-digit",
      }),
    },
    handleScale: { axisPressedMouseMove: false },
  });
  const series = chart.addSeries(CandlestickSeries, {
    upColor: up,
    downColor: down,
    wickUpColor: up,
    wickDownColor: down,
    borderVisible: false,
  });
  priceY = (price) => series.priceToCoordinate(price);
  series.setData(data.candles.map((candle) => ({ ...candle, time: candle.time as UTCTimestamp })));
  const byTime = new Map(data.signals.map((signal) => [signal.closeTime, signal]));
  const byId = new Map(data.signals.map((signal) => [signal.candleTime, signal]));
  createSeriesMarkers(
    series,
    data.signals.map((signal) => ({
      id: signal.candleTime,
      time: signal.closeTime as UTCTimestamp,
      position: signal.action === "BUY" ? ("belowBar" as const) : ("aboveBar" as const),
      shape: signal.action === "BUY" ? ("arrowUp" as const) : ("arrowDown" as const),
      color: signal.action === "BUY" ? up : down,
      text: signal.action,
      size: 1.4,
    })),
  );
  chart.subscribeClick((param) => {
    const id = param.hoveredInfo?.objectId;
    const signal =
      (typeof id === "string" ? byId.get(id) : undefined) ??
      (param.time === undefined ? undefined : byTime.get(Number(param.time)));
    if (signal) onPick(signal);
  });
  // The last few days, not all of them squeezed into a phone's width.
  const shown = Math.min(data.candles.length, 72);
  if (data.candles.length > 0)
    chart
      .timeScale()
      .setVisibleLogicalRange({ from: data.candles.length - shown, to: data.candles.length + 2 });

  const candleAt = new Map(data.candles.map((candle) => [candle.time, candle]));
  return {
    markerPoints: () =>
      data.signals.flatMap((signal) => {
        const x = chart.timeScale().timeToCoordinate(signal.closeTime as UTCTimestamp);
        const candle = candleAt.get(signal.closeTime);
        const edge = candle ? (signal.action === "BUY" ? candle.low : candle.high) : signal.price;
        const y = series.priceToCoordinate(edge);
        if (x === null || y === null) return [];
        // The arrow sits just past the candle's end: below a BUY's low, above a SELL's high.
        return [
          {
            candleTime: signal.candleTime,
            action: signal.action,
            x,
            y: y + (signal.action === "BUY" ? 14 : -14),
          },
        ];
      }),
    remove: () => chart.remove(),
  };
}
