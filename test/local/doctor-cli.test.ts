import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { registerDoctorCommand } from "../../bin/commands/doctor";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import { localDay } from "../../functions/core/calendar";
import { createSignalsTable, dynamoClientFor, startDynalite } from "../../local/emulators";
import { LOCAL_TABLE_NAME } from "../../local/runtime";
import rawConfig from "../../signals.config";
import { type FakeBotApi, startFakeBotApi } from "../support/fake-bot-api";
import { sampleSignal } from "../support/telegram-fixtures";

const dir = mkdtempSync(join(tmpdir(), "signals-doctor-"));
let fake: FakeBotApi;
let output: string[];

beforeAll(async () => {
  fake = await startFakeBotApi();
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  output = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => {
    output.push(line);
  });
  vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
  vi.stubEnv("OPENAI_API_KEY", "");
  process.exitCode = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

/** `signals doctor …` in process, with the given config; returns the printed lines and the exit code. */
async function doctor(args: string[], config: unknown = rawConfig) {
  const program = new Command().exitOverride();
  registerDoctorCommand(program, config);
  await program.parseAsync(["node", "signals", "doctor", ...args]);
  const code = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { code, lines: output.join("\n").split("\n") };
}
const line = (lines: string[], name: string) => lines.find((l) => l.slice(5).startsWith(name)) ?? "";

describe("signals doctor, locally", () => {
  it("FAILs a bad config, naming the field and value, and stops there", async () => {
    const { code, lines } = await doctor(["--data-dir", join(dir, "none")], {
      ...rawConfig,
      timeframe: "7m",
    });
    expect(code).toBe(1);
    expect(line(lines, "config")).toMatch(/^FAIL config +invalid config: timeframe = "7m"/);
    expect(lines).toContain("1 failed, 0 warnings");
  });

  it("FAILs a bot token Telegram refuses, and WARNs of a missing store and LLM key", async () => {
    vi.stubEnv("TELEGRAM_BOT_TOKEN", "999:not-the-token");
    const { code, lines } = await doctor(["--data-dir", join(dir, "none")]);
    expect(code).toBe(1);
    expect(line(lines, "bot token")).toMatch(/^FAIL bot token +Telegram refused it \(401 Unauthorized\)/);
    expect(lines.join("\n")).toMatch(/fix: get a new token from @BotFather/);
    expect(line(lines, "local store")).toMatch(/^WARN local store +no local signals in/);
    expect(line(lines, "LLM")).toMatch(/^WARN LLM +OPENAI_API_KEY not set/);
  });

  describe("over a local store", () => {
    const dataDir = join(dir, "store");
    let dynalite: Awaited<ReturnType<typeof startDynalite>>;
    let store: DynamoStore;

    beforeAll(async () => {
      dynalite = await startDynalite({ path: join(dataDir, "dynamodb") });
      const client = dynamoClientFor(dynalite.endpoint);
      await createSignalsTable(client, LOCAL_TABLE_NAME);
      store = new DynamoStore(LOCAL_TABLE_NAME, client);
      await store.putSignal(sampleSignal({ symbol: "BTC-USD", candleTime: "2024-03-05T13:00:00.000Z" }));
    }, 60_000);
    afterAll(() => dynalite.close());

    it("passes with a working token, and names each symbol's last close", async () => {
      vi.stubEnv("TELEGRAM_BOT_TOKEN", fake.token);
      await dynalite.close();
      const { code, lines } = await doctor(["--data-dir", dataDir]);
      expect(line(lines, "bot token")).toMatch(/^OK +bot token +works: @signals_test_bot/);
      expect(line(lines, "last tick BTC-USD")).toMatch(/^OK .*last close 2024-03-05T13:00:00.000Z/);
      expect(line(lines, "last tick ETH-USD")).toMatch(/^OK .*none stored/);
      expect(line(lines, "LLM spend today")).toMatch(/^OK /);
      expect(code).toBe(0);
      dynalite = await startDynalite({ path: join(dataDir, "dynamodb") });
      store = new DynamoStore(LOCAL_TABLE_NAME, dynamoClientFor(dynalite.endpoint));
    }, 60_000);

    it("FAILs today's spend at the budget", async () => {
      const day = localDay(Date.now(), "UTC");
      expect(await store.reserve(day, 0.5, 0.5)).toBe(true);
      await dynalite.close();
      const { code, lines } = await doctor(["--data-dir", dataDir]);
      expect(code).toBe(1);
      expect(line(lines, "LLM spend today")).toMatch(/^FAIL LLM spend today +\$0\.5000 of \$0\.50/);
      dynalite = await startDynalite({ path: join(dataDir, "dynamodb") });
    }, 60_000);
  });
});

describe("signals doctor --aws", () => {
  it.each([
    ["unset", undefined],
    ["empty", ""],
  ])("says what to set when the region is %s, not the SDK's text", async (_, region) => {
    vi.stubEnv("AWS_REGION", region);
    vi.stubEnv("AWS_DEFAULT_REGION", region);
    vi.stubEnv("AWS_PROFILE", "");
    vi.stubEnv("AWS_CONFIG_FILE", join(dir, "no-config"));
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "no-credentials"));
    const { code, lines } = await doctor(["--aws"]);
    expect(code).toBe(1);
    expect(line(lines, "AWS")).toBe("FAIL AWS     no AWS region: set AWS_REGION (or run `aws configure`)");
  });

  it("says to run aws configure when there are no credentials", async () => {
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "");
    vi.stubEnv("AWS_PROFILE", "");
    vi.stubEnv("AWS_CONFIG_FILE", join(dir, "no-config"));
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "no-credentials"));
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "");
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "");
    const { code, lines } = await doctor(["--aws"]);
    expect(code).toBe(1);
    expect(line(lines, "AWS")).toMatch(/^FAIL AWS +no AWS credentials: run `aws configure`/);
  }, 30_000);
});
