import { Command, CommanderError } from "commander";
import { errorMessage } from "../functions/core/errors";

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when it runs: `npm start` need not evaluate the backtest, the
 * chart renderer or CloudFormation's client first. Help and an unknown command load them all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  start: async () => (await import("./commands/start")).registerStartCommand,
  history: async () => (await import("./commands/history")).registerHistoryCommand,
  candles: async () => (await import("./commands/candles")).registerCandlesCommand,
  telegram: async () => (await import("./commands/telegram")).registerTelegramCommand,
  "test-alert": async () => (await import("./commands/test-alert")).registerTestAlertCommand,
  backtest: async () => (await import("./commands/backtest")).registerBacktestCommand,
  doctor: async () => (await import("./commands/doctor")).registerDoctorCommand,
  stats: async () => (await import("./commands/stats")).registerStatsCommand,
  dlq: async () => (await import("./commands/dlq")).registerDlqCommand,
  chart: async () => (await import("./commands/chart")).registerChartCommand,
};

/**
 * The `signals` CLI's commands, without the process around them: bin/signals.ts runs it for a user,
 * and the tests run the same program in process (test/support/signals-cli.ts).
 */
export async function buildProgram(command?: string): Promise<Command> {
  const program = new Command()
    .name("signals")
    .description("Signal Pipeline: AI trading signals, run locally or against your deployed stack")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();

  const names = command !== undefined && command in COMMANDS ? [command] : Object.keys(COMMANDS);
  for (const register of await Promise.all(
    names.map((name) => (COMMANDS[name] as () => Promise<Register>)()),
  ))
    register(program);
  return program;
}

/** Runs the CLI on `argv` (node, script, args…); resolves with the exit code the process should end with. */
export async function main(argv: string[]): Promise<number> {
  let inAction = false;
  // Commander prints the errors it finds while parsing; one thrown inside an action it does not.
  const program = (await buildProgram(argv[2])).hook("preAction", () => {
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
