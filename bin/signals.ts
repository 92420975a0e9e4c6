#!/usr/bin/env -S npx tsx
import { Command, CommanderError } from "commander";
import { registerCandlesCommand } from "./commands/candles";
import { registerHistoryCommand } from "./commands/history";
import { registerStartCommand } from "./commands/start";
import { registerTelegramCommand } from "./commands/telegram";

// The SDK's notice about future Node versions is not the user's problem on this CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

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
