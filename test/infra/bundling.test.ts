import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../lib/app";
import { PROJECT_ROOT } from "../../lib/pipeline-function";
import rawConfig from "../../signals.config";
import { resourcesOf } from "./synth";

/**
 * The one test that bundles for real (esbuild, all four handlers), into a folder inside the project
 * so the bundles resolve the AWS SDK (external, as the Lambda runtime provides it) when imported.
 */
const CACHE_DIR = join(PROJECT_ROOT, "node_modules", ".cache");
let outdir: string;
const bundles: Record<string, string> = {};

beforeAll(() => {
  mkdirSync(CACHE_DIR, { recursive: true });
  outdir = mkdtempSync(join(CACHE_DIR, "infra-bundle-"));
  const { app, stack } = buildApp(rawConfig, { outdir, builtinCloudFormationValidation: false });
  const json = app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
  for (const [id, fn] of Object.entries(resourcesOf(json, "AWS::Lambda::Function"))) {
    const key = (fn.Properties.Code as { S3Key: string }).S3Key;
    bundles[id.replace(/Function[0-9A-F]{8}$/, "").toLowerCase()] = join(
      outdir,
      `asset.${key.replace(/\.zip$/, "")}`,
    );
  }
}, 120_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe.each(["fetcher", "analyst", "notifier", "bot"])("the %s bundle", (name) => {
  const file = () => join(bundles[name] ?? "missing", "index.mjs");

  it("is one minified ESM file with a source map beside it", () => {
    expect(existsSync(file())).toBe(true);
    expect(existsSync(`${file()}.map`)).toBe(true);
    const code = readFileSync(file(), "utf8");
    expect(code.startsWith("import { createRequire as __createRequire }")).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(code).toMatch(/sourceMappingURL=index\.mjs\.map/);
  });

  it("ships the files its code reads at runtime", () => {
    const expected = name === "notifier" ? ["index_bg.wasm"] : [];
    const extra = readdirSync(bundles[name] ?? "missing").filter((f) => !f.startsWith("index.mjs"));
    expect(extra).toEqual(expected);
  });

  it("loads as a module and exports the Lambda handler", async () => {
    const module = (await import(pathToFileURL(file()).href)) as { handler?: unknown };
    expect(typeof module.handler).toBe("function");
  });
});
