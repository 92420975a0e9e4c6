import { join } from "node:path";
import { ArnFormat, Stack, Validations } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { type FunctionUrl, FunctionUrlAuthType } from "aws-cdk-lib/aws-lambda";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DASHBOARD_DIR } from "../functions/adapters/dashboard-assets";
import { ENV_NAMES } from "../functions/shared/resource-definitions";
import { dashboardBuildCommands } from "./dashboard-build";
import { PipelineFunction } from "./pipeline-function";
import { grantSecret, type SecretParameter } from "./secret-parameters";
import type { SignalsTable } from "./signals-table";

export interface TelegramBotProps {
  signals: SignalsTable;
  /** The dead-letter queues whose depths /status reports. */
  deadLetterQueues: { analysis: IQueue; failedTicks: IQueue; notifierFailures: IQueue };
  telegramBotToken: SecretParameter;
  /** The function's reserved concurrency; null leaves it unreserved. */
  reservedConcurrency: number | null;
}

/** The bot's webhook: a Function URL that Telegram posts updates to; commands read the table. */
export class TelegramBot extends Construct {
  readonly function: PipelineFunction;
  readonly webhookUrl: FunctionUrl;

  constructor(scope: Construct, id: string, props: TelegramBotProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.function = new PipelineFunction(this, "Function", {
      name: "bot",
      memorySize: 256,
      reservedConcurrentExecutions: props.reservedConcurrency ?? undefined,
      // The Mini App at /app: built here, served from `dashboard/` beside the handler's bundle.
      afterBundling: (outputDir) => dashboardBuildCommands(join(outputDir, DASHBOARD_DIR)),
      environment: {
        [ENV_NAMES.tableName]: props.signals.table.tableName,
        [ENV_NAMES.dlqUrl]: props.deadLetterQueues.analysis.queueUrl,
        [ENV_NAMES.failedTicksUrl]: props.deadLetterQueues.failedTicks.queueUrl,
        [ENV_NAMES.notifierFailuresUrl]: props.deadLetterQueues.notifierFailures.queueUrl,
        [ENV_NAMES.alarmNamePrefix]: `${stack.stackName}-`,
      },
    });
    // GetItem: the day's spend; PutItem / DeleteItem: a mute; Query: history and mutes, and the alerts
    // index for /last.
    props.signals.grantItemActions(this.function, {
      actions: ["GetItem", "PutItem", "DeleteItem", "Query"],
      queriedIndexes: ["alerts"],
    });
    for (const queue of Object.values(props.deadLetterQueues))
      queue.grant(this.function, "sqs:GetQueueAttributes");
    // DescribeAlarms for this stack's alarms only (their names start with the stack's name).
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ["cloudwatch:DescribeAlarms"],
        resources: [
          stack.formatArn({
            service: "cloudwatch",
            resource: "alarm",
            resourceName: `${stack.stackName}-*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    grantSecret(this.function, props.telegramBotToken);

    // Telegram cannot sign requests with SigV4, so the URL is public; the handler rejects updates
    // without the webhook secret token and ignores chats outside the allowlist. The dashboard's page is
    // public too (it holds no data); its API answers only calls carrying Telegram-signed initData.
    this.webhookUrl = this.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });

    Validations.of(this.function.role ?? this.function).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:${stack.stackName}-*]`,
      reason:
        "Read-only DescribeAlarms on this stack's own alarms: every one is named `<stack name>-<id>`, and " +
        "the bot builds before them, so the prefix stands for the list.",
    });
    Validations.of(this.function).acknowledge({
      id: "Serverless-LambdaDLQ",
      reason:
        "Invoked synchronously through its Function URL only; Telegram itself redelivers a failed update.",
    });
  }
}
