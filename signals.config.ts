import { defineConfig } from "./functions/core/config";

/**
 * The one configuration file. It is validated when `cdk synth` and `npm start` run, and bundled into
 * each function. Secrets are not here: only the names of the SSM parameters that hold them.
 */
export default defineConfig({
  stackName: "SignalPipeline",
  // The SSM parameters are <parameterPrefix>/telegram-bot-token and <parameterPrefix>/openai-api-key.
  parameterPrefix: "/signal-pipeline",
  watchlist: ["BTC-USD", "ETH-USD"],
  timeframe: "1h",
  timezone: "UTC",
  analyst: {
    model: "gpt-4o-mini",
    dailyBudgetUsd: 0.5,
  },
  alerts: {
    minConfidence: 0.7,
    cooldownMinutes: 240,
    quietHours: null,
  },
  telegram: {
    // Your chat id: send /start to the bot after deploying, or run `npm start -- --serve`.
    chatIds: [],
  },
});
