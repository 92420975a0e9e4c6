import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import { type IStringParameter, StringParameter } from "aws-cdk-lib/aws-ssm";
import { Construct } from "constructs";
import type { Config } from "../functions/core/config";
import { ENV_NAMES } from "../functions/shared/resource-definitions";

/** A secret the user keeps in an SSM SecureString, and the env var that carries its *name*. */
export interface SecretParameter {
  parameter: IStringParameter;
  nameVariable: string;
}

/**
 * The SecureString parameters the user creates before deploying (the config names them). The stack
 * only references them: their values never enter the template, env or logs.
 *
 * KMS: the parameters are expected under the default `aws/ssm` key, whose key policy already lets
 * any principal of the account decrypt through SSM (kms:ViaService ssm), so no kms:Decrypt grant is
 * added. A parameter under a customer managed key would need that key granted as well.
 */
export class SecretParameters extends Construct {
  readonly openAiApiKey: SecretParameter;
  readonly telegramBotToken: SecretParameter;

  constructor(scope: Construct, id: string, props: { config: Config }) {
    super(scope, id);
    this.openAiApiKey = {
      parameter: StringParameter.fromSecureStringParameterAttributes(this, "OpenAiApiKey", {
        parameterName: props.config.openai.apiKeyParameter,
      }),
      nameVariable: ENV_NAMES.openaiKeyParameter,
    };
    this.telegramBotToken = {
      parameter: StringParameter.fromSecureStringParameterAttributes(this, "TelegramBotToken", {
        parameterName: props.config.telegram.botTokenParameter,
      }),
      nameVariable: ENV_NAMES.botTokenParameter,
    };
  }
}

/**
 * Lets `fn` read exactly this parameter, and tells it the parameter's name. Only ssm:GetParameter:
 * Powertools' SSM `getParameter` sends GetParameter (WithDecryption), never the DescribeParameters,
 * GetParameters or GetParameterHistory that `grantRead` would add.
 */
export function grantSecret(fn: LambdaFunction, secret: SecretParameter): void {
  fn.addToRolePolicy(
    new PolicyStatement({ actions: ["ssm:GetParameter"], resources: [secret.parameter.parameterArn] }),
  );
  fn.addEnvironment(secret.nameVariable, secret.parameter.parameterName);
}
