import { App, type AppProps, Tags } from "aws-cdk-lib";
import type { NagPack } from "cdk-nag";
import { parseConfig } from "../functions/core/config";
import { addNagPacks } from "./nag";
import { SignalPipelineStack } from "./signal-pipeline-stack";

export interface SignalPipelineApp {
  app: App;
  stack: SignalPipelineStack;
  nagPacks: NagPack[];
}

/** `-c stackName=… -c parameterPrefix=…` win over the config file: a second copy side by side. */
function deploymentContext(app: App): Record<string, string> {
  const context: Record<string, string> = {};
  for (const key of ["stackName", "parameterPrefix"]) {
    const value = app.node.tryGetContext(key);
    if (value !== undefined) context[key] = String(value);
  }
  return context;
}

/**
 * The CDK app: validates the raw config (a bad value throws a ValidationError naming the field and
 * the value), builds the one stack named by it, and registers the cdk-nag packs.
 */
export function buildApp(rawConfig: unknown, props: AppProps = {}): SignalPipelineApp {
  const app = new App(props);
  const config = parseConfig({ ...(rawConfig as object), ...deploymentContext(app) });
  const stack = new SignalPipelineStack(app, config.stackName, { config });
  // One tag on every resource, so cost and cleanup can find all of one deployment.
  Tags.of(stack).add("project", config.stackName);
  const nagPacks = addNagPacks(app);
  return { app, stack, nagPacks };
}
