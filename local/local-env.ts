import { ENV_NAMES } from "../functions/shared/resource-definitions";

export interface LocalResources {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  tableName: string;
  queueUrl: string;
  dlqUrl: string;
}

/**
 * Points the real handlers at the emulators through the same variables a deployed function reads:
 * the SDK's standard endpoint overrides and the stack's resource names. Secrets stay as the user set
 * them (OPENAI_API_KEY, TELEGRAM_BOT_TOKEN): locally, plain env vars serve.
 */
export function applyLocalEnv(resources: LocalResources): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: resources.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SQS: resources.sqsEndpoint,
    AWS_REGION: process.env.AWS_REGION ?? "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    [ENV_NAMES.tableName]: resources.tableName,
    [ENV_NAMES.queueUrl]: resources.queueUrl,
    [ENV_NAMES.dlqUrl]: resources.dlqUrl,
  });
  // Credentials from a profile would be sent to the emulators: make sure none are picked up.
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}
