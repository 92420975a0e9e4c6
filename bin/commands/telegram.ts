import type { Command } from "commander";

// Placeholder until the telegram command lands.
export function registerTelegramCommand(program: Command): void {
  program.command("telegram").description("not yet available");
}
