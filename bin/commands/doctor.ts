import type { Command } from "commander";
import { hasFailure, renderChecks } from "../../functions/core/doctor";
import { doctorChecks } from "../../local/doctor-checks";
import rawConfig from "../../signals.config";
import { DEFAULT_DATA_DIR } from "./arguments";

interface DoctorOptions {
  aws?: boolean;
  dataDir: string;
}

export function registerDoctorCommand(program: Command, config: unknown = rawConfig): void {
  program
    .command("doctor")
    .description("check the config, secrets, bot, schedule, queues, spend and alarms; exit 1 on any FAIL")
    .option("--aws", "check the deployed stack (otherwise the local store and env)")
    .option("--data-dir <dir>", "where the local store lives", DEFAULT_DATA_DIR)
    .action(async (options: DoctorOptions) => {
      const checks = await doctorChecks({
        rawConfig: config,
        aws: options.aws === true,
        dataDir: options.dataDir,
        now: Date.now(),
      });
      console.log(renderChecks(checks));
      if (hasFailure(checks)) process.exitCode = 1;
    });
}
