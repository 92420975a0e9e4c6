import { describe, expect, it } from "vitest";
import { buildApp } from "../../lib/app";
import rawConfig from "../../signals.config";
import { FAST_SYNTH, logicalIdOf, resourcesOf, synthesize } from "./synth";

type Props = Record<string, unknown>;

describe("a deployment", () => {
  const synth = synthesize();

  it("tags every taggable resource with its project", () => {
    const untagged: string[] = [];
    for (const [id, resource] of Object.entries(
      synth.json.Resources as Record<string, { Type: string; Properties?: Props }>,
    )) {
      const tags = resource.Properties?.Tags;
      if (tags === undefined) continue; // types without tags
      const list = Array.isArray(tags)
        ? (tags as Array<{ Key: string; Value: string }>)
        : Object.entries(tags as Props).map(([Key, Value]) => ({ Key, Value }));
      if (!list.some((tag) => tag.Key === "project" && tag.Value === synth.stack.stackName))
        untagged.push(id);
    }
    expect(untagged).toEqual([]);
    // The kinds that matter for cost and cleanup are all among the tagged ones.
    for (const type of [
      "AWS::DynamoDB::Table",
      "AWS::Lambda::Function",
      "AWS::SQS::Queue",
      "AWS::SNS::Topic",
    ])
      for (const resource of Object.values(resourcesOf(synth.json, type)))
        expect(resource.Properties.Tags, type).toContainEqual({
          Key: "project",
          Value: synth.stack.stackName,
        });
  });

  it("keeps the table: Retain on stack deletion, and deletion protection", () => {
    const id = logicalIdOf(synth.json, "AWS::DynamoDB::Table", "Signals");
    const table = (synth.json.Resources as Record<string, Props>)[id] as Props;
    expect(table.DeletionPolicy).toBe("Retain");
    expect((table.Properties as Props).DeletionProtectionEnabled).toBe(true);
  });

  it("lets only this account's schedules assume the scheduler role", () => {
    const id = logicalIdOf(synth.json, "AWS::IAM::Role", "FetcherScheduleRole");
    const trust = resourcesOf(synth.json, "AWS::IAM::Role")[id]?.Properties.AssumeRolePolicyDocument as {
      Statement: Props[];
    };
    expect(trust.Statement).toEqual([
      {
        Action: "sts:AssumeRole",
        Effect: "Allow",
        Principal: { Service: "scheduler.amazonaws.com" },
        Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
      },
    ]);
  });

  it("runs side by side with a second copy: -c stackName and -c parameterPrefix", () => {
    const second = buildApp(rawConfig, {
      ...FAST_SYNTH,
      context: { ...FAST_SYNTH.context, stackName: "SignalsTeamB", parameterPrefix: "/team-b" },
    });
    expect(second.stack.stackName).toBe("SignalsTeamB");
    const json = second.app.synth().getStackByName("SignalsTeamB").template as Record<string, unknown>;
    const names = Object.values(resourcesOf(json, "AWS::Lambda::Function"))
      .map((fn) => (fn.Properties.Environment as { Variables: Props }).Variables)
      .flatMap((v) => [v.TELEGRAM_BOT_TOKEN_PARAMETER, v.OPENAI_API_KEY_PARAMETER])
      .filter(Boolean);
    expect(new Set(names)).toEqual(new Set(["/team-b/telegram-bot-token", "/team-b/openai-api-key"]));
    const alarmNames = Object.values(resourcesOf(json, "AWS::CloudWatch::Alarm")).map((a) =>
      String(a.Properties.AlarmName),
    );
    expect(alarmNames.every((name) => name.startsWith("SignalsTeamB-"))).toBe(true);
  });

  it("caps the webhook function's concurrency only when telegram.botReservedConcurrency is set", () => {
    const bot = (json: Record<string, unknown>) =>
      resourcesOf(json, "AWS::Lambda::Function")[logicalIdOf(json, "AWS::Lambda::Function", "BotFunction")]
        ?.Properties as Props;
    expect(bot(synth.json).ReservedConcurrentExecutions).toBeUndefined();
    const capped = synthesize({ telegram: { ...rawConfig.telegram, botReservedConcurrency: 2 } });
    expect(bot(capped.json).ReservedConcurrentExecutions).toBe(2);
  });

  it("names a bad -c value like a bad config value", () => {
    expect(() =>
      buildApp(rawConfig, { ...FAST_SYNTH, context: { ...FAST_SYNTH.context, parameterPrefix: "team b" } }),
    ).toThrow(/parameterPrefix = "team b"/);
  });
});
