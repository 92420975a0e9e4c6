import { ValidationError } from "../functions/core/validation";
import { buildApp } from "../lib/app";
import rawConfig from "../signals.config";

try {
  buildApp(rawConfig);
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  // The message names each bad field and its value; a stack trace would only bury it.
  console.error(`signals.config.ts: ${error.message}`);
  process.exit(1);
}
