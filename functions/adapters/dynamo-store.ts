import { type AttributeValue, ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { type BilledVerdict, BilledVerdictSchema } from "../core/billed-verdict";
import {
  type DeadLetterQueueName,
  FAILURE_RETENTION_DAYS,
  type FailureRecord,
  FailureRecordSchema,
} from "../core/dead-letters";
import type {
  AnalysisClaims,
  DailySpend,
  Deliveries,
  FailureRecords,
  HistoryRange,
  LatestSignals,
  Mutes,
  Outbox,
  OutcomeWriter,
  ScoredSide,
  SignalReader,
  SignalWriter,
  SpendLedger,
  VerdictStore,
} from "../core/ports";
import { type Outcome, type Signal, type SignalKey, SignalSchema } from "../core/signal";
import type { Timeframe } from "../core/timeframes";
import { parseOrThrow } from "../core/validation";
import { ANALYSIS_QUEUE, SIGNALS_TABLE } from "../shared/resource-definitions";
import { dynamoDocumentClient } from "./dynamo-client";

/**
 * The signals table. One table, string keys (docs/ARCHITECTURE.md, "The signals table: keys and access
 * patterns"):
 *   signal        pk SIGNAL#<symbol>#<tf>   sk <candleTime>        (+ gsi1/gsi2 keys when alert,
 *                                                                   gsi3 keys when BUY or SELL)
 *   claim         pk CLAIM#<symbol>#<tf>    sk <candleTime>        (LLM lease, TTL)
 *   verdict       pk VERDICT#<symbol>#<tf>  sk <candleTime>        (billed LLM verdict, TTL)
 *   daily spend   pk SPEND                  sk <day>               (atomic counters)
 *   mute          pk MUTE                   sk <symbol>
 *   chat state    pk CHAT                   sk <chatId>
 *   failure       pk FAILURE#<queue>        sk <messageId>         (why it last failed, TTL)
 */
const INDEXES = SIGNALS_TABLE.indexes;
const INTERNAL_ATTRIBUTES = [
  "pk",
  "sk",
  "gsi1pk",
  "gsi1sk",
  "gsi2pk",
  "gsi2sk",
  "gsi3pk",
  "gsi3sk",
  "expiresAt",
  "deliveredTo",
];

const sidePk = (symbol: string, timeframe: string) => `SIDE#${symbol}#${timeframe}`;

/**
 * The `sides` index keys a signal row carries: a BUY or SELL only (the index is sparse), written with
 * the row itself. Exported for the local store's rebuild of a table created before the index.
 */
export const sideKeysOf = (signal: Pick<Signal, "symbol" | "timeframe" | "candleTime" | "action">) =>
  signal.action === "BUY" || signal.action === "SELL"
    ? { gsi3pk: sidePk(signal.symbol, signal.timeframe), gsi3sk: signal.candleTime }
    : {};

const SIGNAL_PK_PREFIX = "SIGNAL#";
const signalPk = (symbol: string, timeframe: string) => `${SIGNAL_PK_PREFIX}${symbol}#${timeframe}`;
const keyOf = (key: SignalKey) => ({ pk: signalPk(key.symbol, key.timeframe), sk: key.candleTime });

const verdictKeyOf = (key: SignalKey) => ({
  pk: `VERDICT#${key.symbol}#${key.timeframe}`,
  sk: key.candleTime,
});

/** A billed verdict must outlive every redelivery of its message: the queue's retention, and a day. */
const VERDICT_TTL_SECONDS = (ANALYSIS_QUEUE.retentionDays + 1) * 86_400;

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error as { name?: string } | undefined)?.name === "ConditionalCheckFailedException";

const spendOf = (day: string, item: Record<string, unknown> | undefined): DailySpend => ({
  day,
  costUsd: Math.max(0, Number(item?.costUsd ?? 0)),
  calls: Number(item?.calls ?? 0),
  promptTokens: Number(item?.promptTokens ?? 0),
  completionTokens: Number(item?.completionTokens ?? 0),
});

/** Strips storage keys and validates, so readers get exactly the public Signal record. */
export function signalFromItem(item: Record<string, unknown>): Signal {
  const record = Object.fromEntries(
    Object.entries(item).filter(([name]) => !INTERNAL_ATTRIBUTES.includes(name)),
  );
  return parseOrThrow(SignalSchema, record, `stored signal ${String(item.pk)} ${String(item.sk)}`);
}

/**
 * The signal a table stream record carries (its NEW_IMAGE), or undefined for any other row (a claim,
 * a verdict, a spend counter...): the key scheme stays in this file, not in the notifier.
 */
export function signalFromStreamRecord(record: DynamoDBRecord): Signal | undefined {
  const image = record.dynamodb?.NewImage;
  if (!image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (typeof item.pk !== "string" || !item.pk.startsWith(SIGNAL_PK_PREFIX)) return undefined;
  return signalFromItem(item);
}

const ScoredSideSchema = SignalSchema.pick({
  symbol: true,
  timeframe: true,
  candleTime: true,
  action: true,
  price: true,
  outcomes: true,
});
const scoredSideFromItem = (item: Record<string, unknown>): ScoredSide =>
  parseOrThrow(ScoredSideSchema, item, `stored signal ${String(item.symbol)} ${String(item.candleTime)}`);

export class DynamoStore
  implements
    SignalWriter,
    OutcomeWriter,
    SignalReader,
    AnalysisClaims,
    VerdictStore,
    SpendLedger,
    Deliveries,
    Mutes,
    FailureRecords,
    Outbox,
    LatestSignals
{
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = dynamoDocumentClient(),
  ) {}

  /** Sends a conditional write: true when it was made, false when its condition refused it. */
  private async conditionally(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      // Two overloads of send: TypeScript cannot pick one for a union, so each is sent as itself.
      if (command instanceof PutCommand) await this.client.send(command);
      else await this.client.send(command);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async getSignal(key: SignalKey): Promise<Signal | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(key), ConsistentRead: true }),
    );
    return Item ? signalFromItem(Item) : undefined;
  }

  async putSignal(signal: Signal, options: { expiresAt?: number } = {}): Promise<"stored" | "duplicate"> {
    const alertKeys = signal.alert
      ? {
          gsi1pk: "ALERT",
          gsi1sk: `${signal.candleTime}#${signal.symbol}#${signal.timeframe}`,
          gsi2pk: `ALERT#${signal.symbol}#${signal.timeframe}`,
          gsi2sk: signal.candleTime,
        }
      : {};
    const stored = await this.conditionally(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keyOf(signal),
          ...alertKeys,
          ...sideKeysOf(signal),
          ...signal,
          expiresAt: signal.alert ? undefined : options.expiresAt,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return stored ? "stored" : "duplicate";
  }

  claim(key: SignalKey, owner: string, leaseUntil: number, now: number): Promise<boolean> {
    return this.conditionally(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `CLAIM#${key.symbol}#${key.timeframe}`,
          sk: key.candleTime,
          owner,
          leaseUntil,
          expiresAt: Math.ceil(leaseUntil / 1000) + 86_400,
        },
        ConditionExpression: "attribute_not_exists(pk) OR leaseUntil < :now OR #owner = :owner",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: { ":now": now, ":owner": owner },
      }),
    );
  }

  async getVerdict(key: SignalKey): Promise<BilledVerdict | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: verdictKeyOf(key), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk, sk, expiresAt: _, ...verdict } = Item;
    return parseOrThrow(BilledVerdictSchema, verdict, `stored verdict ${String(pk)} ${String(sk)}`);
  }

  async putVerdict(key: SignalKey, verdict: BilledVerdict): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...verdictKeyOf(key),
          ...verdict,
          expiresAt: Math.floor(Date.now() / 1000) + VERDICT_TTL_SECONDS,
        },
      }),
    );
  }

  async history(symbol: string, timeframe: Timeframe, range: HistoryRange = {}): Promise<Signal[]> {
    const since = range.since === undefined ? "0" : new Date(range.since).toISOString();
    const until = range.until === undefined ? "9" : new Date(range.until).toISOString();
    return this.queryAll(
      {
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :since AND :until",
        ExpressionAttributeValues: { ":pk": signalPk(symbol, timeframe), ":since": since, ":until": until },
      },
      range.limit,
    );
  }

  latestAlerts(limit: number): Promise<Signal[]> {
    return this.queryAll(
      {
        IndexName: INDEXES.alerts.name,
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": "ALERT" },
      },
      limit,
    );
  }

  async lastAlert(symbol: string, timeframe: Timeframe): Promise<Signal | undefined> {
    const [latest] = await this.queryAll(
      {
        IndexName: INDEXES.alertsBySymbol.name,
        KeyConditionExpression: "gsi2pk = :pk",
        ExpressionAttributeValues: { ":pk": `ALERT#${symbol}#${timeframe}` },
      },
      1,
    );
    return latest;
  }

  async sidesBetween(
    symbol: string,
    timeframe: Timeframe,
    since: number,
    until: number,
  ): Promise<ScoredSide[]> {
    // The sparse `sides` index holds only BUY and SELL rows, projected to what scoring reads: the
    // query is billed for those few small rows, not for every signal of the window. Eventually
    // consistent (GSIs are), which is fine: the newest signal read is a candle old.
    return this.queryAll(
      {
        IndexName: INDEXES.sides.name,
        KeyConditionExpression: "gsi3pk = :pk AND gsi3sk BETWEEN :since AND :until",
        ExpressionAttributeValues: {
          ":pk": sidePk(symbol, timeframe),
          ":since": new Date(since).toISOString(),
          ":until": new Date(until).toISOString(),
        },
      },
      undefined,
      scoredSideFromItem,
    );
  }

  async recordOutcomes(key: SignalKey, outcomes: Record<string, Outcome>): Promise<void> {
    const horizons = Object.keys(outcomes);
    if (horizons.length === 0) return;
    const names = Object.fromEntries(horizons.map((h, i) => [`#h${i}`, h]));
    const values = Object.fromEntries(horizons.map((h, i) => [`:h${i}`, outcomes[h]]));
    const setMissing = new UpdateCommand({
      TableName: this.tableName,
      Key: keyOf(key),
      UpdateExpression: `SET ${horizons.map((_, i) => `outcomes.#h${i} = if_not_exists(outcomes.#h${i}, :h${i})`).join(", ")}`,
      // A nested SET needs the map; the first outcomes of a signal create it below.
      ConditionExpression: "attribute_exists(outcomes)",
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
    const createMap = new UpdateCommand({
      TableName: this.tableName,
      Key: keyOf(key),
      UpdateExpression: "SET outcomes = :outcomes",
      ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(outcomes)",
      ExpressionAttributeValues: { ":outcomes": outcomes },
    });
    for (const command of [setMissing, createMap, setMissing]) if (await this.conditionally(command)) return;
    // Still no map after creating it: the signal itself is gone (or never stored).
    throw new Error(`no stored signal ${key.symbol} ${key.timeframe} ${key.candleTime} to score`);
  }

  /** Reads only the window's rows of the sparse alerts index; notified ones are filtered out there. */
  unnotifiedAlerts(since: number): Promise<Signal[]> {
    return this.queryAll({
      IndexName: INDEXES.alerts.name,
      KeyConditionExpression: "gsi1pk = :pk AND gsi1sk >= :since",
      FilterExpression: "attribute_not_exists(notifiedAt)",
      ExpressionAttributeValues: { ":pk": "ALERT", ":since": new Date(since).toISOString() },
    });
  }

  /** One key-only row: the newest sort key of the symbol's partition. */
  async latestCandleTime(symbol: string, timeframe: Timeframe): Promise<string | undefined> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": signalPk(symbol, timeframe) },
        ProjectionExpression: "sk",
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const sk = Items[0]?.sk;
    return typeof sk === "string" ? sk : undefined;
  }

  /** Newest first, following pages until `limit` rows (or the end). */
  private async queryAll<Row = Signal>(
    input: Omit<QueryCommandInput, "TableName">,
    limit?: number,
    parse: (item: Record<string, unknown>) => Row = signalFromItem as never,
  ): Promise<Row[]> {
    const rows: Row[] = [];
    const pages = paginateQuery(
      { client: this.client, pageSize: limit === undefined ? undefined : Math.min(1000, limit) },
      { ...input, TableName: this.tableName, ScanIndexForward: false },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        rows.push(parse(item));
        if (rows.length === limit) return rows;
      }
    }
    return rows;
  }

  async reserve(day: string, usd: number, budgetUsd: number): Promise<boolean> {
    if (usd > budgetUsd) return false;
    return this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: "SPEND", sk: day },
        UpdateExpression: "ADD costUsd :usd, calls :one",
        // DynamoDB conditions cannot add, so compare against the budget less this reservation.
        ConditionExpression: "attribute_not_exists(costUsd) OR costUsd <= :limit",
        ExpressionAttributeValues: { ":usd": usd, ":one": 1, ":limit": budgetUsd - usd },
      }),
    );
  }

  async settle(day: string, deltaUsd: number, usage: { prompt: number; completion: number }): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: "SPEND", sk: day },
        UpdateExpression: "ADD costUsd :delta, promptTokens :prompt, completionTokens :completion",
        ExpressionAttributeValues: {
          ":delta": deltaUsd,
          ":prompt": usage.prompt,
          ":completion": usage.completion,
        },
      }),
    );
  }

  async spend(day: string): Promise<DailySpend> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: "SPEND", sk: day }, ConsistentRead: true }),
    );
    return spendOf(day, Item);
  }

  /** Every day's spend, oldest first: what the LLM calls cost, as the budget counted them. */
  async spendByDay(): Promise<DailySpend[]> {
    const items = await this.queryItems({
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": "SPEND" },
      ConsistentRead: true,
    });
    return items.map((item) => spendOf(String(item.sk), item));
  }

  /** Every item of a query, following pages. */
  private async queryItems(input: Omit<QueryCommandInput, "TableName">): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateQuery({ client: this.client }, { ...input, TableName: this.tableName }))
      items.push(...(page.Items ?? []));
    return items;
  }

  async deliveredTo(key: SignalKey): Promise<Set<string>> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keyOf(key),
        ConsistentRead: true,
        ProjectionExpression: "deliveredTo",
      }),
    );
    return new Set((Item?.deliveredTo as Set<string> | undefined) ?? []);
  }

  async markDelivered(key: SignalKey, chatId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(key),
        UpdateExpression: "ADD deliveredTo :chat",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":chat": new Set([chatId]) },
      }),
    );
  }

  markNotified(key: SignalKey, at: string): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(key),
        UpdateExpression: "SET notifiedAt = :at",
        ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(notifiedAt)",
        ExpressionAttributeValues: { ":at": at },
      }),
    );
  }

  async markChatUndeliverable(chatId: string, reason: string, at: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: "CHAT", sk: chatId, undeliverable: reason, at },
      }),
    );
  }

  async undeliverableChats(): Promise<Map<string, string>> {
    const chats = new Map<string, string>();
    const items = await this.queryItems({
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": "CHAT" },
    });
    for (const item of items) {
      if (typeof item.undeliverable === "string") chats.set(String(item.sk), item.undeliverable);
    }
    return chats;
  }

  async mute(symbol: string, until: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: "MUTE", sk: symbol, mutedUntil: until, expiresAt: Math.ceil(until / 1000) },
      }),
    );
  }

  async unmute(symbol: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: "MUTE", sk: symbol } }));
  }

  async mutes(now: number): Promise<Map<string, number>> {
    const items = await this.queryItems({
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": "MUTE" },
    });
    return new Map(
      items
        .filter((item) => Number(item.mutedUntil) > now)
        .map((item) => [String(item.sk), Number(item.mutedUntil)]),
    );
  }

  async recordFailure(failure: FailureRecord): Promise<void> {
    const expiresAt = Math.ceil(Date.parse(failure.at) / 1000) + FAILURE_RETENTION_DAYS * 86_400;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `FAILURE#${failure.queue}`, sk: failure.messageId, ...failure, expiresAt },
      }),
    );
  }

  async failuresOf(queue: DeadLetterQueueName): Promise<FailureRecord[]> {
    const items = await this.queryItems({
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": `FAILURE#${queue}` },
    });
    return items.map(({ pk, sk, expiresAt: _, ...item }) =>
      parseOrThrow(FailureRecordSchema, item, `failure record ${String(pk)} ${String(sk)}`),
    );
  }
}
