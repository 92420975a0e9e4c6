import type { Command } from "commander";

// Placeholder until the candles command lands.
export function registerCandlesCommand(program: Command): void {
  program.command("candles").description("not yet available");
}
