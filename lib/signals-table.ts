import { RemovalPolicy } from "aws-cdk-lib";
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import { SIGNALS_TABLE } from "../functions/shared/resource-definitions";

const stringKey = (name: string) => ({ name, type: AttributeType.STRING });

/**
 * The signals table (keys and indexes from SIGNALS_TABLE, shared with the local emulators). It is the
 * outbox: its NEW_IMAGE stream feeds the notifier. Kept when the stack is deleted: it is the history.
 */
export class SignalsTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, "Table", {
      partitionKey: stringKey(SIGNALS_TABLE.partitionKey),
      sortKey: stringKey(SIGNALS_TABLE.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: SIGNALS_TABLE.ttlAttribute,
      stream: StreamViewType.NEW_IMAGE,
      removalPolicy: RemovalPolicy.RETAIN,
      // The history outlives the stack, and a console click cannot delete it by mistake either.
      deletionProtection: true,
    });
    for (const index of Object.values(SIGNALS_TABLE.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        ...(index.projection === "ALL"
          ? { projectionType: ProjectionType.ALL }
          : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] }),
      });
    }
  }

  /**
   * Exactly the item actions `fn`'s code sends (DynamoStore's commands), on the table, plus Query on the
   * named indexes, each by its own ARN (no `index/*`). No Scan, batch, transaction or table-management
   * action: nothing calls them. Stream reads come only with the notifier's event source.
   */
  grantItemActions(fn: IFunction, grant: ItemGrant): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: grant.actions.map((action) => `dynamodb:${action}`),
        resources: [this.table.tableArn],
      }),
    );
    const indexes = grant.queriedIndexes ?? [];
    if (indexes.length === 0) return;
    if (!grant.actions.includes("Query")) throw new Error("an index can only be queried: add Query");
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["dynamodb:Query"],
        resources: indexes.map(
          (index) => `${this.table.tableArn}/index/${SIGNALS_TABLE.indexes[index].name}`,
        ),
      }),
    );
  }
}

/** The DynamoDB item commands DynamoStore sends (GetCommand → GetItem, and so on). */
export type ItemAction = "GetItem" | "PutItem" | "UpdateItem" | "DeleteItem" | "Query";
export type SignalsIndex = keyof typeof SIGNALS_TABLE.indexes;

export interface ItemGrant {
  actions: readonly ItemAction[];
  /** Indexes the function queries (DynamoStore's IndexName), each granted Query by its own ARN. */
  queriedIndexes?: readonly SignalsIndex[];
}

/** Every index of the table, by name: for a function whose reads follow each index added. */
export const ALL_SIGNALS_INDEXES = Object.keys(SIGNALS_TABLE.indexes) as SignalsIndex[];
