import { Logger } from "@aws-lambda-powertools/logger";

/**
 * One structured logger per container. Handlers append request ids and the symbol being worked on
 * (appendKeys / with `resetKeys` per record); POWERTOOLS_LOG_LEVEL sets the level.
 */
export const logger = new Logger({ serviceName: "signal-pipeline" });
