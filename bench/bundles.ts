// Bundle size and cold import of each function, bundled by the stack itself (NodejsFunction with the
// options in lib/pipeline-function.ts). Cold import is measured as whole `node` processes, paired:
// each pair imports the bundle and a bare handler module placed beside it, in alternating order, and
// the ratio of the two wall times is taken. Node 20 here; Lambda runs Node 24 on ARM64.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { PROJECT_ROOT } from "../lib/pipeline-function";
import { bundleFunctions } from "../test/infra/synth";

const PAIRS = 9;
const BARE_MODULE = "export const handler = async () => ({ statusCode: 200 });\n";

function importMs(file: string): number {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    ["--input-type=module", "-e", `await import(${JSON.stringify(pathToFileURL(file).href)});`],
    { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }, stdio: "pipe" },
  );
  if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr.toString()}`);
  return performance.now() - started;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

export async function run(): Promise<void> {
  const cache = join(PROJECT_ROOT, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  // Inside the project, as cdk deploy bundles them (the bundles carry the AWS SDK themselves).
  const outdir = mkdtempSync(join(cache, "bench-bundles-"));
  try {
    const folders = bundleFunctions(outdir);
    console.log(
      `Node ${process.version} (${process.arch}) here; Lambda runs Node 24 on ARM64, so these are relative figures.`,
    );
    // Other work on the machine widens the ranges: the pairs share its load, the ratios less so.
    console.log(`Load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores.`);
    console.log(
      `Cold import: ${PAIRS} pairs of whole processes per function, bundle vs a bare handler module.`,
    );
    console.log("function        index.mjs  other files        bundle ms  bare ms  ratio median (range)");
    for (const [name, folder] of Object.entries(folders).sort()) {
      const bundle = join(folder, "index.mjs");
      const bare = join(folder, "bare.mjs");
      writeFileSync(bare, BARE_MODULE);
      const others = readdirSync(folder).filter(
        (f) => !["index.mjs", "index.mjs.map", "bare.mjs"].includes(f),
      );
      const otherBytes = others.reduce((sum, f) => sum + statSync(join(folder, f)).size, 0);
      importMs(bundle); // warm the file cache once, so the first pair is not a disk read
      const ratios: number[] = [];
      const bundleTimes: number[] = [];
      const bareTimes: number[] = [];
      for (let pair = 0; pair < PAIRS; pair++) {
        const [first, second] = pair % 2 === 0 ? [bundle, bare] : [bare, bundle];
        const a = importMs(first);
        const b = importMs(second);
        const [bundleMs, bareMs] = first === bundle ? [a, b] : [b, a];
        bundleTimes.push(bundleMs);
        bareTimes.push(bareMs);
        ratios.push(bundleMs / bareMs);
      }
      console.log(
        `${name.padEnd(15)} ${kb(statSync(bundle).size).padStart(9)}  ${(others.length ? `${others.length} (${kb(otherBytes)})` : "-").padEnd(17)}  ${median(bundleTimes).toFixed(0).padStart(9)}  ${median(bareTimes).toFixed(0).padStart(7)}  ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
      );
    }
    console.log(
      "Goals (#13): index.mjs ≤ 300 KB (wasm, fonts and app assets aside); cold import ≤ 2.0× a bare module.",
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
