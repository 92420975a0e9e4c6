import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from "aws-lambda";
import { createAnalystHandler } from "../functions/analyst/handler";
import { analystDepsFromEnv } from "../functions/analyst/wiring";
import { type BotDeps, createBotHandler } from "../functions/bot/handler";
import { botDepsFromEnv } from "../functions/bot/wiring";
import type { Config } from "../functions/core/config";
import { type Clock, type PriceSource, systemClock } from "../functions/core/ports";
import { createFetcherHandler, type FetcherEvent, type FetcherResult } from "../functions/fetcher/handler";
import { fetcherDepsFromEnv } from "../functions/fetcher/wiring";
import {
  createNotifierHandler,
  createOutboxSweepHandler,
  type OutboxSweepEvent,
  type OutboxSweepResponse,
} from "../functions/notifier/handler";
import { notifierDepsFromEnv } from "../functions/notifier/wiring";

export interface LocalHandlers {
  fetcher: (event: FetcherEvent, context: Context) => Promise<FetcherResult>;
  analyst: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  notifier: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;
  /** The notifier invoked by the sweep schedule. */
  sweep: (event: OutboxSweepEvent, context: Context) => Promise<OutboxSweepResponse>;
  bot: ReturnType<typeof createBotHandler>;
  botDeps: BotDeps;
}

export interface LocalWiring {
  config: Config;
  clock: Clock;
  /** Replay sources; absent means the live provider chains. */
  sources?: (symbol: string) => PriceSource[];
}

/**
 * The real handlers, wired exactly as on Lambda (from env and config) except for what the local
 * runtime replaces: the price sources when replaying, and the clock, which follows the replay.
 */
export function wireLocalHandlers({ config, clock, sources }: LocalWiring): LocalHandlers {
  // The clock follows a replay; what people read is dated against the wall clock.
  const botDeps = botDepsFromEnv(config, { clock, readerClock: systemClock });
  const notifierDeps = notifierDepsFromEnv(config, { clock, readerClock: systemClock });
  return {
    fetcher: createFetcherHandler(fetcherDepsFromEnv(config, { clock, ...(sources ? { sources } : {}) })),
    analyst: createAnalystHandler(analystDepsFromEnv(config, { clock })),
    notifier: createNotifierHandler(notifierDeps),
    sweep: createOutboxSweepHandler(notifierDeps),
    bot: createBotHandler(botDeps),
    botDeps,
  };
}
