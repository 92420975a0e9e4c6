import type { Command } from "commander";

// Placeholder until the start command lands.
export function registerStartCommand(program: Command): void {
  program.command("start").description("not yet available");
}
