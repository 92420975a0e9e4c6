import rawConfig from "../../signals.config";
import { type Config, parseConfig } from "../core/config";

let config: Config | undefined;

/** The bundled signals.config.ts, validated once per container. */
export function loadConfig(): Config {
  config ??= parseConfig(rawConfig);
  return config;
}
