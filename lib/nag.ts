import { type App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from "cdk-nag";

/** Registers the cdk-nag AwsSolutions and Serverless packs on the app; synth fails on an unacknowledged error. */
export function addNagPacks(app: App): NagPack[] {
  const packs = [new AwsSolutionsChecks(app), new ServerlessChecks(app)];
  Validations.of(app).addPlugins(...packs);
  return packs;
}
