import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GrammyError } from "grammy";
import { DynamoStore } from "../functions/adapters/dynamo-store";
import { telegramApi } from "../functions/adapters/telegram-api";
import { localDay } from "../functions/core/calendar";
import { type Config, parseConfig } from "../functions/core/config";
import {
  alarmsCheck,
  type Check,
  dlqCheck,
  fail,
  lastTickCheck,
  ok,
  spendCheck,
  warn,
  webhookCheck,
} from "../functions/core/doctor";
import { errorMessage } from "../functions/core/errors";
import type { SignalReader, SpendLedger } from "../functions/core/ports";
import { optionalEnv } from "../functions/runtime/env";
import { OPENAI_KEY, TELEGRAM_TOKEN } from "../functions/runtime/secrets";
import { STACK_OUTPUTS } from "../functions/shared/resource-definitions";
import { awsErrorMessage } from "./aws-errors";
import { openLocalStore } from "./local-store";
import { readStackOutputs } from "./stack-outputs";

type Store = Pick<SignalReader, "history"> & Pick<SpendLedger, "spend">;

export interface DoctorOptions {
  rawConfig: unknown;
  aws: boolean;
  dataDir: string;
  now: number;
}

function configCheck(rawConfig: unknown): { check: Check; config?: Config } {
  try {
    const config = parseConfig(rawConfig);
    const symbols = config.watchlist.map((item) => item.symbol).join(", ");
    return { check: ok("config", `valid: ${symbols} on ${config.timeframe}`), config };
  } catch (error) {
    return { check: fail("config", errorMessage(error), "edit signals.config.ts") };
  }
}

async function botTokenCheck(token: string | undefined, where: string): Promise<Check> {
  if (!token) return warn("bot token", `not set (${where}): alerts print to the terminal`);
  try {
    const me = await telegramApi(token, { timeoutSeconds: 10 }).getMe();
    return ok("bot token", `works: @${me.username}`);
  } catch (error) {
    if (error instanceof GrammyError && error.error_code === 401)
      return fail(
        "bot token",
        "Telegram refused it (401 Unauthorized)",
        "get a new token from @BotFather and store it again",
      );
    return fail(
      "bot token",
      `getMe failed: ${errorMessage(error)}`,
      "check the network and TELEGRAM_API_ROOT",
    );
  }
}

async function storeChecks(store: Store, config: Config, now: number, judgeAge: boolean): Promise<Check[]> {
  const checks: Check[] = [];
  for (const { symbol } of config.watchlist) {
    const [last] = await store.history(symbol, config.timeframe, { limit: 1 });
    const check = lastTickCheck(symbol, config.timeframe, last?.candleTime, now);
    // A local store holds replays and past runs: its age says nothing about a schedule.
    checks.push(
      judgeAge || check.status === "OK"
        ? check
        : ok(check.name, last ? `last close ${last.candleTime}` : "none stored"),
    );
  }
  checks.push(spendCheck(await store.spend(localDay(now, config.timezone)), config.analyst.dailyBudgetUsd));
  return checks;
}

async function localChecks(config: Config, options: DoctorOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const openAiKey = optionalEnv(OPENAI_KEY.envVar);
  const baseUrl = optionalEnv("OPENAI_BASE_URL");
  checks.push(
    openAiKey
      ? ok(
          "LLM",
          `${OPENAI_KEY.envVar} set${baseUrl ? `, server ${baseUrl}` : ""}: model ${config.analyst.model}`,
        )
      : warn("LLM", `${OPENAI_KEY.envVar} not set: the rules analyst makes the verdicts`),
  );
  checks.push(await botTokenCheck(optionalEnv(TELEGRAM_TOKEN.envVar), TELEGRAM_TOKEN.envVar));
  let opened: Awaited<ReturnType<typeof openLocalStore>>;
  try {
    opened = await openLocalStore(options.dataDir);
  } catch (error) {
    checks.push(warn("local store", errorMessage(error), "run `npm start` first"));
    return checks;
  }
  try {
    checks.push(ok("local store", opened.where));
    checks.push(...(await storeChecks(opened.store, config, options.now, false)));
  } finally {
    await opened.close();
  }
  return checks;
}

async function parameterCheck(ssm: SSMClient, name: string, required: boolean): Promise<Check> {
  const label = `parameter ${name}`;
  const create = `aws ssm put-parameter --type SecureString --name ${name} --value '…'`;
  try {
    // Without decryption: the check needs the type, never the value.
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: false }));
    if (Parameter?.Type !== "SecureString")
      return fail(
        label,
        `is a ${Parameter?.Type}, not a SecureString`,
        `delete it and recreate it: ${create}`,
      );
    return ok(label, "exists, SecureString");
  } catch (error) {
    if ((error as { name?: string }).name !== "ParameterNotFound") throw error;
    return required
      ? fail(label, "missing", create)
      : warn(label, "missing: the analyst uses its rules", create);
  }
}

async function queueDepth(sqs: SQSClient, url: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function awsChecks(config: Config, options: DoctorOptions): Promise<Check[]> {
  let outputs: Record<string, string>;
  try {
    outputs = await readStackOutputs(config.stackName);
  } catch (error) {
    return [fail("AWS", awsErrorMessage(error), "fix the above, then run doctor again")];
  }
  const checks: Check[] = [ok("AWS", `stack ${config.stackName} found`)];
  const step = async (name: string, run: () => Promise<Check | Check[]>) => {
    try {
      checks.push(...[await run()].flat());
    } catch (error) {
      checks.push(fail(name, awsErrorMessage(error), "check your AWS access to this stack"));
    }
  };
  const ssm = new SSMClient({});
  await step("parameters", async () => [
    await parameterCheck(ssm, config.telegram.botTokenParameter, true),
    await parameterCheck(ssm, config.openai.apiKeyParameter, false),
  ]);
  await step("bot token", async () => {
    const token = await ssm
      .send(new GetParameterCommand({ Name: config.telegram.botTokenParameter, WithDecryption: true }))
      .then((r) => r.Parameter?.Value)
      .catch(() => undefined);
    const tokenCheck = await botTokenCheck(token, config.telegram.botTokenParameter);
    if (!token || tokenCheck.status !== "OK") return tokenCheck;
    const info = await telegramApi(token, { timeoutSeconds: 10 }).getWebhookInfo();
    return [tokenCheck, webhookCheck(info, outputs[STACK_OUTPUTS.webhookUrl] ?? "", options.now)];
  });
  await step("table", async () => {
    const table = outputs[STACK_OUTPUTS.tableName];
    if (!table) return fail("table", "no TableName output", "redeploy with `npx cdk deploy`");
    return storeChecks(new DynamoStore(table), config, options.now, true);
  });
  const sqs = new SQSClient({});
  const queues: Array<[string, string, keyof typeof STACK_OUTPUTS]> = [
    ["analysis", "analysis", "analysisDlqUrl"],
    ["failed ticks", "ticks", "failedTicksQueueUrl"],
    ["notifier failures", "notifier", "notifierFailureQueueUrl"],
  ];
  for (const [label, queue, output] of queues)
    await step(`DLQ ${label}`, async () => {
      const url = outputs[STACK_OUTPUTS[output]];
      if (!url)
        return fail(`DLQ ${label}`, `no ${STACK_OUTPUTS[output]} output`, "redeploy with `npx cdk deploy`");
      return dlqCheck(
        label,
        await queueDepth(sqs, url),
        `npm run signals -- dlq list --queue ${queue} --aws`,
      );
    });
  await step("alarms", async () => {
    const { MetricAlarms = [] } = await new CloudWatchClient({}).send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: `${config.stackName}-` }),
    );
    return alarmsCheck(
      MetricAlarms.map((alarm) => ({ name: alarm.AlarmName ?? "", state: alarm.StateValue ?? "" })),
    );
  });
  return checks;
}

/** Every check, in the order a person would fix them: config first, then what depends on it. */
export async function doctorChecks(options: DoctorOptions): Promise<Check[]> {
  const { check, config } = configCheck(options.rawConfig);
  if (!config) return [check];
  return [check, ...(options.aws ? await awsChecks(config, options) : await localChecks(config, options))];
}
