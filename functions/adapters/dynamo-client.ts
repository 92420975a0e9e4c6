import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * One document client per container, created on first use. The SDK resolves its endpoint itself, so
 * AWS_ENDPOINT_URL_DYNAMODB points it at an emulator without a code path. A module of its own (as is
 * sqs-client.ts), so a function loads only the SDK clients it uses.
 */
let documentClient: DynamoDBDocumentClient | undefined;

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}
