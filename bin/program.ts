import { Command, CommanderError } from "commander";
import { errorMessage } from "../functions/core/errors";
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

/**
 * The `signals` CLI's commands, without the process around them: bin/signals.ts runs it for a user,
 * and the tests run the same program in process (test/support/signals-cli.ts).
 */
export function buildProgram(): Command {
  const program = new Command()
    .name("signals")
    .description("Signal Pipeline: AI trading signals, run locally or against your deployed stack")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();

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
  return program;
}

/** Runs the CLI on `argv` (node, script, args…); resolves with the exit code the process should end with. */
export async function main(argv: string[]): Promise<number> {
  let inAction = false;
  // Commander prints the errors it finds while parsing; one thrown inside an action it does not.
  const program = buildProgram().hook("preAction", () => {
    inAction = true;
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError && !inAction) return error.exitCode;
    console.error(`error: ${errorMessage(error)}`);
    return 1;
  }
  // A command may set process.exitCode (doctor, on a failed check) and end normally.
  return Number(process.exitCode ?? 0);
}
