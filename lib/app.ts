import { App, type AppProps } from "aws-cdk-lib";
import type { NagPack } from "cdk-nag";
import { parseConfig } from "../functions/core/config";
import { addNagPacks } from "./nag";
import { SignalPipelineStack } from "./signal-pipeline-stack";

export interface SignalPipelineApp {
  app: App;
  stack: SignalPipelineStack;
  nagPacks: NagPack[];
}

/**
 * The CDK app: validates the raw config (a bad value throws a ValidationError naming the field and
 * the value), builds the one stack named by it, and registers the cdk-nag packs.
 */
export function buildApp(rawConfig: unknown, props: AppProps = {}): SignalPipelineApp {
  const config = parseConfig(rawConfig);
  const app = new App(props);
  const stack = new SignalPipelineStack(app, config.stackName, { config });
  const nagPacks = addNagPacks(app);
  return { app, stack, nagPacks };
}
