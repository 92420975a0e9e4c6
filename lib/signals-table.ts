import { RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import {
  AttributeType,
  BillingMode,
  type CfnTable,
  ProjectionType,
  StreamViewType,
  Table,
} from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import { SIGNALS_TABLE } from "../functions/adapters/resource-definitions";

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

  /** Item read/write on the table and its indexes, nothing else (no table management, no streams). */
  grantReadWriteData(fn: IFunction): void {
    this.table.grantReadWriteData(fn);
    if (!fn.role) return;
    const tableId = Stack.of(this).getLogicalId(this.table.node.defaultChild as CfnTable);
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
      reason:
        "Queries use the table's own GSIs (alerts, alertsBySymbol); index ARNs share the table's prefix.",
    });
  }

  /** Query on the table's own keys only (no index, no write): the fetcher's read of each symbol's last signal. */
  grantSignalQuery(fn: IFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ["dynamodb:Query"], resources: [this.table.tableArn] }),
    );
  }
}
