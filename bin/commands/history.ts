import type { Command } from "commander";

// Placeholder until the history command lands.
export function registerHistoryCommand(program: Command): void {
  program.command("history").description("not yet available");
}
