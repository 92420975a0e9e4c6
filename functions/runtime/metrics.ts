import { Metrics } from "@aws-lambda-powertools/metrics";
import { METRICS } from "../shared/resource-definitions";

/**
 * One EMF metrics buffer per container; handlers add metrics and call publishStoredMetrics() before
 * returning. POWERTOOLS_METRICS_DISABLED=true (set by the local runtime and tests) keeps stdout clean.
 */
export const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service });
