import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Runtime } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { FUNCTION_TIMEOUT_SECONDS, METRICS } from "../functions/shared/resource-definitions";

export type PipelineFunctionName = keyof typeof FUNCTION_TIMEOUT_SECONDS;

export interface PipelineFunctionProps
  extends Omit<NodejsFunctionProps, "entry" | "handler" | "runtime" | "architecture" | "timeout"> {
  /** Which of functions/<name>/handler.ts this is; it also picks the timeout. */
  name: PipelineFunctionName;
  /** Files the code reads at runtime beside its bundle (absolute paths), copied in after bundling. */
  filesBesideBundle?: string[];
  /** More shell commands run after bundling, given the asset folder (the bot builds its dashboard there). */
  afterBundling?: (outputDir: string) => string[];
}

/** The repository root: entries, package-lock.json and signals.config.ts are resolved from here. */
export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Relative to PROJECT_ROOT, where esbuild runs and resolves aliases. */
const NODE_FETCH_SHIM = "./functions/runtime/node-fetch-shim.ts";

/**
 * The SDK's credential sources that Lambda never reaches: the runtime hands every function its role's
 * credentials in env, which the default chain tries first, and the chain imports these only on demand
 * (`await import(...)`). Left out, they would come from the runtime's own SDK, which Node 18+ Lambda
 * runtimes resolve for ES modules through NODE_PATH. Measured with bench/bundles.ts: ~130 KB less per
 * function (nested STS/SSO clients included), and a faster cold import.
 */
export const CREDENTIAL_SOURCES_LEFT_TO_RUNTIME = [
  "@aws-sdk/credential-provider-ini",
  "@aws-sdk/credential-provider-sso",
  "@aws-sdk/credential-provider-process",
  "@aws-sdk/credential-provider-web-identity",
  "@aws-sdk/credential-provider-http",
  "@smithy/credential-provider-imds",
];

/** Lets bundled CommonJS dependencies call `require` inside the ESM bundle. */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * One pipeline Lambda with the project's defaults (the pattern of Powertools' examples/app):
 * Node 24 on ARM64, a minified ESM bundle with source maps, its own log group with a retention,
 * Powertools settings in env, and a role that holds only what the stack grants it.
 */
export class PipelineFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    const { name, environment, bundling, memorySize, filesBesideBundle = [], afterBundling, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole, whose log permissions are on `*`:
    // the only log grant below is write access to this function's own log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `Signal Pipeline ${name} function`,
    });
    super(scope, id, {
      ...rest,
      role,
      entry: join(PROJECT_ROOT, "functions", name, "handler.ts"),
      handler: "handler",
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, "package-lock.json"),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: memorySize ?? 256,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS[name]),
      logGroup,
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: METRICS.service,
        POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
        POWERTOOLS_LOG_LEVEL: "INFO",
        ...environment,
      },
      bundling: {
        // The SDK bundled and tree-shaken, not the runtime's copy: measured with bench/bundles.ts (Node 20,
        // 9 paired cold imports), the external SDK made a cold import 3.6–4.6× a bare module's and the
        // bundled one 2.0–2.3×. Loading dozens of the runtime's CommonJS packages file by file costs more
        // than parsing one larger minified file. The price is size: the fetcher is 407 KB, 175 KB without.
        bundleAwsSDK: true,
        externalModules: CREDENTIAL_SOURCES_LEFT_TO_RUNTIME,
        format: OutputFormat.ESM,
        mainFields: ["module", "main"],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // grammY's Node build imports node-fetch (with whatwg-url and tr46, ~300 KB) as its default;
        // telegramApi() passes Node's own fetch, so the bundle gets a one-line stand-in instead.
        esbuildArgs: { "--alias:node-fetch": NODE_FETCH_SHIM },
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => [
            ...filesBesideBundle.map((file) => `cp "${file}" "${join(outputDir, basename(file))}"`),
            ...(afterBundling?.(outputDir) ?? []),
          ],
        },
        ...bundling,
      },
    });
    logGroup.grantWrite(this);

    Validations.of(this).acknowledge({
      id: "Serverless-LambdaTracing",
      reason:
        "No X-Ray: the functions carry no tracing SDK, so active tracing would add only Lambda's own " +
        "segments and an IAM grant on `*`; Powertools logs (with request ids) and EMF metrics serve instead.",
    });
  }
}
