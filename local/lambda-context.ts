import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import { FUNCTION_TIMEOUT_SECONDS } from "../functions/shared/resource-definitions";

export type LocalFunctionName = keyof typeof FUNCTION_TIMEOUT_SECONDS;

/**
 * A Lambda Context for handlers driven by the local runtime, with the function's own timeout from
 * the stack's definitions, so a handler that budgets its remaining time sees what it would on AWS.
 */
export function localContext(functionName: LocalFunctionName): Context {
  const deadline = Date.now() + FUNCTION_TIMEOUT_SECONDS[functionName] * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
