import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PolicyViolation } from "aws-cdk-lib";
import { App, Stack, Validations } from "aws-cdk-lib";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addNagPacks } from "../../lib/nag";
import { type Synthesized, synthesize } from "./synth";

const ACKNOWLEDGED = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;

/** Each violation as `severity rule at construct path`, so a failure message lists them all. */
const describeViolations = (violations: PolicyViolation[]) =>
  violations.flatMap((violation) =>
    violation.violatingResources.map(
      (resource) => `${violation.severity} ${violation.ruleName} at ${resource.constructPath}`,
    ),
  );

interface ValidationReport {
  pluginReports: { summary: { pluginName: string }; violations: { ruleName: string; severity: string }[] }[];
}

let synth: Synthesized;
let report: ValidationReport;
let outdir: string;
beforeAll(() => {
  // The full synth `cdk synth` does: CDK's built-in template validation and the nag plugins.
  outdir = mkdtempSync(join(tmpdir(), "signal-pipeline-nag-"));
  synth = synthesize({}, { outdir, context: { "aws:cdk:bundling-stacks": [] } });
  report = JSON.parse(readFileSync(join(outdir, "validation-report.json"), "utf8")) as ValidationReport;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe("cdk-nag", () => {
  it("runs the AwsSolutions and Serverless packs", () => {
    expect(synth.nagPacks.map((pack) => pack.readPackName).sort()).toEqual(["AwsSolutions", "Serverless"]);
  });

  it("leaves no unacknowledged finding, error or warning", () => {
    const violations = synth.nagPacks.flatMap((pack) => pack.validateScope(synth.app).violations);
    expect(describeViolations(violations)).toEqual([]);
  });

  it("reports nothing in the synth's validation report (nag and CDK's built-in template checks)", () => {
    const findings = report.pluginReports.flatMap((plugin) =>
      plugin.violations.map((v) => `${plugin.summary.pluginName}: ${v.severity} ${v.ruleName}`),
    );
    expect(findings).toEqual([]);
  });

  it("finds what it should: a queue without DLQ or TLS enforcement is reported (the check is not vacuous)", () => {
    const app = new App();
    new Queue(new Stack(app, "Bare"), "Queue");
    const packs = addNagPacks(app);
    const found = packs.flatMap((pack) => pack.validateScope(app).violations).map((v) => v.ruleName);
    expect(found).toEqual(
      expect.arrayContaining(["AwsSolutions-SQS3", "AwsSolutions-SQS4", "Serverless-SQSRedrivePolicy"]),
    );
  });

  it("gives every acknowledgement a reason, on a construct rather than the whole stack or app", () => {
    const acknowledgements = synth.app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === ACKNOWLEDGED)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
        .map(([id, reason]) => ({ path: construct.node.path, id, reason })),
    );
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledgements) {
      expect(reason.length, `${id} at ${path}`).toBeGreaterThan(30);
      expect(path, id).not.toBe(synth.stack.node.path);
      expect(path, id).not.toBe(synth.app.node.path);
    }
  });

  it("acknowledges IAM wildcards finding by finding, never the whole rule", () => {
    const iamAcknowledgements = synth.app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === ACKNOWLEDGED))
      .flatMap((entry) => Object.keys(entry.data as Record<string, string>))
      .filter((id) => id.includes("IAM5"));
    expect(iamAcknowledgements.length).toBeGreaterThan(0);
    for (const id of iamAcknowledgements) expect(id).toMatch(/IAM5\[Resource::.+\]$/);
  });
});

describe("CDK annotations", () => {
  it("has no warning or error on any construct", () => {
    const annotations = Annotations.fromStack(synth.stack);
    const messages = [
      ...annotations.findWarning("*", Match.anyValue()),
      ...annotations.findError("*", Match.anyValue()),
    ].map((message) => `${message.id}: ${JSON.stringify(message.entry.data)}`);
    expect(messages).toEqual([]);
  });
});
