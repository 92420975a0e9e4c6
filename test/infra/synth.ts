import { join } from "node:path";
import type { AppProps } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { buildApp, type SignalPipelineApp } from "../../lib/app";
import rawConfig from "../../signals.config";

export interface Synthesized extends SignalPipelineApp {
  template: Template;
  /** The template as CloudFormation JSON, for whole-text checks. */
  json: Record<string, unknown>;
}

/** App settings that keep a test synth under a second: no asset bundling, no built-in template lint. */
export const FAST_SYNTH: AppProps = {
  context: { "aws:cdk:bundling-stacks": [] },
  builtinCloudFormationValidation: false,
};

/**
 * Synthesizes the stack from signals.config.ts (or `overrides` merged over it), with FAST_SYNTH unless
 * `appProps` says otherwise (nag.test.ts runs the full validation, bundling.test.ts bundles for real).
 * cdk-nag runs during synth either way: an unacknowledged nag error throws here.
 */
export function synthesize(
  overrides: Record<string, unknown> = {},
  appProps: AppProps = FAST_SYNTH,
): Synthesized {
  const built = buildApp({ ...rawConfig, ...overrides }, appProps);
  built.app.synth();
  const template = Template.fromStack(built.stack);
  return { ...built, template, json: template.toJSON() };
}

type Resource = { Type: string; Properties: Record<string, unknown> };

/** The resources of one CloudFormation type, by logical id. */
export function resourcesOf(json: Record<string, unknown>, type: string): Record<string, Resource> {
  const resources = json.Resources as Record<string, Resource>;
  return Object.fromEntries(Object.entries(resources).filter(([, resource]) => resource.Type === type));
}

/** The logical id of the only resource of `type` whose logical id starts with `prefix`. */
export function logicalIdOf(json: Record<string, unknown>, type: string, prefix: string): string {
  const ids = Object.keys(resourcesOf(json, type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${ids.join(", ")}`);
  return ids[0] as string;
}

/**
 * Synthesizes with real bundling into `outdir` and returns each function's asset folder by name
 * (fetcher, analyst, notifier, bot): the bundles exactly as `cdk deploy` would upload them.
 */
export function bundleFunctions(outdir: string): Record<string, string> {
  const { app, stack } = buildApp(rawConfig, { outdir, builtinCloudFormationValidation: false });
  const json = app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
  const folders: Record<string, string> = {};
  for (const [id, fn] of Object.entries(resourcesOf(json, "AWS::Lambda::Function"))) {
    const key = (fn.Properties.Code as { S3Key: string }).S3Key;
    folders[id.replace(/Function[0-9A-F]{8}$/, "").toLowerCase()] = join(
      outdir,
      `asset.${key.replace(/\.zip$/, "")}`,
    );
  }
  return folders;
}
