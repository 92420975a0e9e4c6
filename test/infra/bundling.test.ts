import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREDENTIAL_SOURCES_LEFT_TO_RUNTIME, PROJECT_ROOT } from "../../lib/pipeline-function";
import { bundleFunctions } from "./synth";

/**
 * The one test that bundles for real (esbuild, every handler), into a folder inside the project, as
 * `cdk deploy` would: the bundles carry the AWS SDK themselves (see lib/pipeline-function.ts).
 */
const CACHE_DIR = join(PROJECT_ROOT, "node_modules", ".cache");
let outdir: string;
let bundles: Record<string, string> = {};

beforeAll(() => {
  mkdirSync(CACHE_DIR, { recursive: true });
  outdir = mkdtempSync(join(CACHE_DIR, "infra-bundle-"));
  bundles = bundleFunctions(outdir);
}, 120_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe.each(["fetcher", "analyst", "notifier", "bot", "alarms"])("the %s bundle", (name) => {
  const file = () => join(bundles[name] ?? "missing", "index.mjs");

  it("is one minified ESM file with a source map beside it", () => {
    expect(existsSync(file())).toBe(true);
    expect(existsSync(`${file()}.map`)).toBe(true);
    const code = readFileSync(file(), "utf8");
    expect(code.startsWith("import { createRequire as __createRequire }")).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(code).toMatch(/sourceMappingURL=index\.mjs\.map/);
  });

  it("carries the AWS SDK inside and leaves grammY's node-fetch out", () => {
    const code = readFileSync(file(), "utf8");
    expect(code).not.toMatch(/from\s*"@(aws-sdk|smithy)\//);
    // Only the credential sources Lambda never reaches come from the runtime, and only on demand.
    const onDemand = [...code.matchAll(/import\("(@(?:aws-sdk|smithy)\/[^"]+)"\)/g)].map((m) => m[1]);
    expect([...new Set(onDemand)].sort()).toEqual([...CREDENTIAL_SOURCES_LEFT_TO_RUNTIME].sort());
    // The nested STS/SSO clients those sources use stay out with them.
    expect(code).not.toContain("AssumeRoleWithWebIdentity");
    // node-fetch's default User-Agent: present whenever node-fetch itself is bundled.
    expect(code).not.toContain("node-fetch/1.0");
  });

  it("ships the files its code reads at runtime", () => {
    const expected =
      name === "notifier"
        ? ["DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "index_bg.wasm"]
        : name === "bot"
          ? ["dashboard"]
          : [];
    const extra = readdirSync(bundles[name] ?? "missing").filter((f) => !f.startsWith("index.mjs"));
    expect(extra).toEqual(expected);
  });

  it("loads as a module and exports the Lambda handler", async () => {
    const module = (await import(pathToFileURL(file()).href)) as { handler?: unknown };
    expect(typeof module.handler).toBe("function");
  });
});

// One test, not one per bundle: skipped copies would be listed as skips in CI's report.
it("the bot bundle ships the dashboard built at synth: its page, one bundled script and its stylesheet", () => {
  const dir = join(bundles.bot ?? "missing", "dashboard");
  expect(readdirSync(dir).sort()).toEqual(["app.css", "app.js", "index.html"]);
  const script = readFileSync(join(dir, "app.js"), "utf8");
  // lightweight-charts is inside the script: the page loads nothing from a CDN.
  expect(script).toContain("TradingView Lightweight Charts");
  expect(readFileSync(join(dir, "index.html"), "utf8")).not.toMatch(/src="https?:/);
});
