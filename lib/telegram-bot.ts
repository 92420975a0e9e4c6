import { Validations } from "aws-cdk-lib";
import { type FunctionUrl, FunctionUrlAuthType } from "aws-cdk-lib/aws-lambda";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { ENV_NAMES } from "../functions/adapters/resource-definitions";
import { PipelineFunction } from "./pipeline-function";
import { grantSecret, type SecretParameter } from "./secret-parameters";
import type { SignalsTable } from "./signals-table";

export interface TelegramBotProps {
  signals: SignalsTable;
  /** The analysis DLQ, whose depth /status reports. */
  analysisDeadLetterQueue: IQueue;
  telegramBotToken: SecretParameter;
}

/** The bot's webhook: a Function URL that Telegram posts updates to; commands read the table. */
export class TelegramBot extends Construct {
  readonly function: PipelineFunction;
  readonly webhookUrl: FunctionUrl;

  constructor(scope: Construct, id: string, props: TelegramBotProps) {
    super(scope, id);
    this.function = new PipelineFunction(this, "Function", {
      name: "bot",
      memorySize: 256,
      environment: {
        [ENV_NAMES.tableName]: props.signals.table.tableName,
        [ENV_NAMES.dlqUrl]: props.analysisDeadLetterQueue.queueUrl,
      },
    });
    // Read: history, last alerts, spend; write: mutes.
    props.signals.grantReadWriteData(this.function);
    props.analysisDeadLetterQueue.grant(this.function, "sqs:GetQueueAttributes");
    grantSecret(this.function, props.telegramBotToken);

    // Telegram cannot sign requests with SigV4, so the URL is public; the handler rejects updates
    // without the webhook secret token and ignores chats outside the allowlist.
    this.webhookUrl = this.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });

    Validations.of(this.function).acknowledge({
      id: "Serverless-LambdaDLQ",
      reason:
        "Invoked synchronously through its Function URL only; Telegram itself redelivers a failed update.",
    });
  }
}
