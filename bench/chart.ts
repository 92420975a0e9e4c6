// The alert chart, warm: SVG built from a stored alert row and rendered to PNG with resvg's wasm and
// the shipped font, as the notifier does per alert once its container has loaded both.
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { ResvgChartRenderer } from "../functions/adapters/telegram-chart-png";
import { alertChartSvg } from "../functions/core/chart";
import { chartedSignal } from "../test/support/chart-fixtures";

const RENDERS = 30;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export async function run(): Promise<void> {
  const signal = chartedSignal();
  const view = { timezone: "Europe/Berlin", now: Date.now() };
  const renderer = new ResvgChartRenderer();
  const coldStart = performance.now();
  let png = await renderer.render(alertChartSvg(signal, view) ?? "");
  const coldMs = performance.now() - coldStart;
  const svgMs: number[] = [];
  const totalMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < RENDERS; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const svg = alertChartSvg(signal, view) ?? "";
    svgMs.push(performance.now() - started);
    png = await renderer.render(svg);
    totalMs.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
  }
  const range = (values: number[]) =>
    `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)} ms`;
  console.log(`first render (wasm and fonts loaded): ${coldMs.toFixed(0)} ms`);
  console.log(
    `warm, ${RENDERS} renders: ${median(totalMs).toFixed(1)} ms median (${range(totalMs)}), of which the SVG ${median(svgMs).toFixed(2)} ms`,
  );
  // On a shared machine the wall clock waits for other processes; the CPU time is what a render costs.
  console.log(
    `CPU time per render: ${median(cpuMs).toFixed(1)} ms median (${range(cpuMs)}); load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`,
  );
  console.log(`PNG: ${(png.byteLength / 1024).toFixed(0)} KB, ${signal.chartCandles?.length} candles`);
}
