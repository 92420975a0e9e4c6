import { describe, expect, it } from "vitest";
import { onceUntilFailure } from "../../functions/runtime/once";

describe("onceUntilFailure", () => {
  it("shares the first load with every later call, and loads again after a failed one (#13 item 4)", async () => {
    let loads = 0;
    const load = onceUntilFailure(async () => {
      loads += 1;
      if (loads === 1) throw new Error("SSM throttled");
      return `client ${loads}`;
    });
    await expect(load()).rejects.toThrow("SSM throttled");
    const [a, b] = await Promise.all([load(), load()]);
    expect([a, b, await load()]).toEqual(["client 2", "client 2", "client 2"]);
    expect(loads).toBe(2);
  });
});
