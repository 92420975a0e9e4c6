#!/usr/bin/env -S npx tsx
import "./cli-env";
import { Command, CommanderError } from "commander";
import { registerBacktestCommand } from "./commands/backtest";
import { registerCandlesCommand } from "./commands/candles";
import { registerChartCommand } from "./commands/chart";
import { registerDlqCommand } from "./commands/dlq";
import { registerDoctorCommand } from "./commands/doctor";
import { registerHistoryCommand } from "./commands/history";
import { registerStartCommand } from "./commands/start";
import { registerStatsCommand } from "./commands/stats";
import { registerTelegramCommand } from "./commands/telegram";
import { registerTestAlertCommand } from "./commands/test-alert";

let inAction = false;
const program = new Command()
  .name("signals")
  .description("Signal Pipeline: AI trading signals, run locally or against your deployed stack")
  .showHelpAfterError("(add --help for usage)")
  .exitOverride()
  // Commander prints the errors it finds while parsing; one thrown inside an action it does not.
  .hook("preAction", () => {
    inAction = true;
  });

registerStartCommand(program);
registerHistoryCommand(program);
registerCandlesCommand(program);
registerTelegramCommand(program);
registerTestAlertCommand(program);
registerBacktestCommand(program);
registerDoctorCommand(program);
registerStatsCommand(program);
registerDlqCommand(program);
registerChartCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError && !inAction) process.exit(error.exitCode);
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
