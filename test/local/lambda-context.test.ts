import { describe, expect, it } from "vitest";
import { FUNCTION_TIMEOUT_SECONDS } from "../../functions/shared/resource-definitions";
import { type LocalFunctionName, localContext } from "../../local/lambda-context";

describe("the local Lambda context", () => {
  it("gives each function the timeout the stack gives it, not one for all (#13 item 8)", () => {
    const names = Object.keys(FUNCTION_TIMEOUT_SECONDS) as LocalFunctionName[];
    const remaining = Object.fromEntries(
      names.map((name) => [name, Math.round(localContext(name).getRemainingTimeInMillis() / 1000)]),
    );
    expect(remaining).toEqual(FUNCTION_TIMEOUT_SECONDS);
    expect(remaining.bot).toBe(15);
    expect(localContext("notifier").functionName).toBe("notifier");
  });
});
