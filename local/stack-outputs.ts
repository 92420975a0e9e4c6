import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";

/** The deployed stack's outputs by key (see STACK_OUTPUTS), read with the caller's AWS credentials. */
export async function readStackOutputs(stackName: string): Promise<Record<string, string>> {
  const { Stacks = [] } = await new CloudFormationClient({}).send(
    new DescribeStacksCommand({ StackName: stackName }),
  );
  const stack = Stacks[0];
  if (!stack) throw new Error(`stack ${stackName} not found: deploy it with \`npx cdk deploy\``);
  return Object.fromEntries(
    (stack.Outputs ?? []).map((output) => [output.OutputKey ?? "", output.OutputValue ?? ""]),
  );
}

export async function requireStackOutput(stackName: string, key: string): Promise<string> {
  const value = (await readStackOutputs(stackName))[key];
  if (!value) throw new Error(`stack ${stackName} has no output ${key}: redeploy with \`npx cdk deploy\``);
  return value;
}
