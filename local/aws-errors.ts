/**
 * The SDK's own text for a missing region or credentials helps nobody new to AWS; these are the
 * sentences a person can act on. Anything else keeps its message.
 */
export function awsErrorMessage(error: unknown): string {
  const { name = "", message = String(error) } = error as { name?: string; message?: string };
  if (/region is missing|region="" is not a valid/i.test(message))
    return "no AWS region: set AWS_REGION (or run `aws configure`)";
  if (name === "CredentialsProviderError" || /could not load credentials/i.test(message))
    return "no AWS credentials: run `aws configure` (or set AWS_PROFILE)";
  if (/ExpiredToken|token.*expired/i.test(`${name} ${message}`))
    return "your AWS credentials have expired: sign in again (e.g. `aws sso login`)";
  if (/AccessDenied|not authorized/i.test(`${name} ${message}`))
    return `access denied: your AWS identity may not read this (${message.slice(0, 160)})`;
  if (name === "ValidationError" && /does not exist/i.test(message))
    return "the stack is not deployed in this account and region: run `npx cdk deploy` (or check AWS_REGION)";
  return message;
}
