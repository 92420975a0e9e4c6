import { Logger } from "@aws-lambda-powertools/logger";

/**
 * One structured logger per container. Handlers add the Lambda context to it, and pass the symbol
 * being worked on as a child's keys or a line's fields; POWERTOOLS_LOG_LEVEL sets the level.
 */
export const logger = new Logger({ serviceName: "signal-pipeline" });
