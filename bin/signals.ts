#!/usr/bin/env -S npx tsx
import "./cli-env";
import { Command, CommanderError } from "commander";
import { registerCandlesCommand } from "./commands/candles";
import { registerHistoryCommand } from "./commands/history";
import { registerStartCommand } from "./commands/start";
import { registerTelegramCommand } from "./commands/telegram";

const program = new Command()
  .name("signals")
  .description("Signal Pipeline: AI trading signals, run locally or against your deployed stack")
  .showHelpAfterError("(add --help for usage)")
  .exitOverride();

registerStartCommand(program);
registerHistoryCommand(program);
registerCandlesCommand(program);
registerTelegramCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
