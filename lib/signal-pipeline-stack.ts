import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import type { Config } from "../functions/core/config";
import { ENV_NAMES, STACK_OUTPUTS } from "../functions/shared/resource-definitions";
import { PipelineAlarms } from "./alarms";
import { AnalysisQueue } from "./analysis-queue";
import { Analyst } from "./analyst";
import { Fetcher } from "./fetcher";
import { Notifier } from "./notifier";
import { SecretParameters } from "./secret-parameters";
import { SignalsTable } from "./signals-table";
import { TelegramBot } from "./telegram-bot";

export interface SignalPipelineStackProps extends StackProps {
  config: Config;
}

/** The whole pipeline: schedule → fetcher → queue → analyst → table → stream → notifier, and the bot. */
export class SignalPipelineStack extends Stack {
  readonly signals: SignalsTable;
  readonly analysisQueue: AnalysisQueue;
  readonly fetcher: Fetcher;
  readonly analyst: Analyst;
  readonly notifier: Notifier;
  readonly bot: TelegramBot;
  readonly alarms: PipelineAlarms;

  constructor(scope: Construct, id: string, props: SignalPipelineStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, {
      description: "Signal Pipeline: scheduled market data, gated LLM analysis, Telegram alerts",
      ...stackProps,
    });
    const secrets = new SecretParameters(this, "Secrets", { config });
    this.signals = new SignalsTable(this, "Signals");
    this.analysisQueue = new AnalysisQueue(this, "Analysis");
    const table = this.signals.table;

    this.fetcher = new Fetcher(this, "Fetcher", {
      timeframe: config.timeframe,
      analysisQueue: this.analysisQueue.queue,
      signals: this.signals,
    });
    this.analyst = new Analyst(this, "Analyst", {
      signals: this.signals,
      analysisQueue: this.analysisQueue.queue,
      openAiApiKey: secrets.openAiApiKey,
    });
    this.notifier = new Notifier(this, "Notifier", {
      signals: this.signals,
      telegramBotToken: secrets.telegramBotToken,
      timeframe: config.timeframe,
    });
    this.bot = new TelegramBot(this, "Bot", {
      signals: this.signals,
      deadLetterQueues: {
        analysis: this.analysisQueue.deadLetterQueue,
        failedTicks: this.fetcher.failedTicks,
        notifierFailures: this.notifier.failedRecords,
      },
      telegramBotToken: secrets.telegramBotToken,
      reservedConcurrency: config.telegram.botReservedConcurrency,
    });
    // The alerts' "Dashboard" button opens the bot's /app (the Function URL ends with a slash).
    this.notifier.function.addEnvironment(ENV_NAMES.dashboardUrl, `${this.bot.webhookUrl.url}app`);

    this.alarms = new PipelineAlarms(this, "Alarms", {
      config,
      fetcher: this.fetcher.function,
      analyst: this.analyst.function,
      notifier: this.notifier.function,
      deadLetterQueues: {
        analysisDlq: this.analysisQueue.deadLetterQueue,
        failedTicks: this.fetcher.failedTicks,
        notifierFailures: this.notifier.failedRecords,
      },
      telegramBotToken: secrets.telegramBotToken,
    });

    const outputs: Record<keyof typeof STACK_OUTPUTS, { value: string; description: string }> = {
      tableName: { value: table.tableName, description: "The signals table" },
      analysisQueueUrl: { value: this.analysisQueue.queue.queueUrl, description: "Analysis requests" },
      analysisDlqUrl: {
        value: this.analysisQueue.deadLetterQueue.queueUrl,
        description: "Analysis requests that failed every attempt",
      },
      notifierFailureQueueUrl: {
        value: this.notifier.failedRecords.queueUrl,
        description: "Stream records the notifier could not deliver",
      },
      failedTicksQueueUrl: {
        value: this.fetcher.failedTicks.queueUrl,
        description: "Scheduled ticks the fetcher never ran",
      },
      webhookUrl: { value: this.bot.webhookUrl.url, description: "Register this as the Telegram webhook" },
      alarmTopicArn: {
        value: this.alarms.topic.topicArn,
        description: "Alarm state changes; subscribe more endpoints here",
      },
    };
    for (const [key, output] of Object.entries(outputs)) {
      new CfnOutput(this, STACK_OUTPUTS[key as keyof typeof STACK_OUTPUTS], output);
    }
  }
}
