// `npm run bench`: every benchmark in bench/, one after another. Figures are printed, not asserted.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";

const benches: Array<[string, () => Promise<{ run(): Promise<void> }>]> = [
  ["fetch tick", () => import("./fetch-tick")],
  ["analyst", () => import("./analyst")],
  ["bundles", () => import("./bundles")],
  ["features", () => import("./features")],
  ["backtest", () => import("./backtest")],
  ["local replay", () => import("./local-replay")],
  ["chart", () => import("./chart")],
];

const only = process.argv[2];
for (const [name, load] of benches) {
  if (only && !name.includes(only)) continue;
  console.log(`\n=== ${name} ===`);
  await (await load()).run();
}

export {};
