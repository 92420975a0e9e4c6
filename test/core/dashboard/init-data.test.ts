import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkInitData,
  initDataFromAuthorization,
  signInitData,
} from "../../../functions/core/dashboard/init-data";

const TOKEN = "123456:ABC-test_token";
const NOW = Date.parse("2026-03-05T12:00:00Z");
const nowSeconds = NOW / 1000;
const policy = { botToken: TOKEN, maxAgeSeconds: 3600, now: NOW, allowlist: new Set(["1111111"]) };
const user = JSON.stringify({ id: 1111111, first_name: "Ada", username: "ada" });

/** initData as a Telegram client builds it, query_id and signature included. */
const telegramInitData = (overrides: Record<string, string> = {}, token = TOKEN) =>
  signInitData(
    {
      query_id: "AAHdF6IQAAAAAN0XohDhrOrc",
      user,
      auth_date: String(nowSeconds - 60),
      signature: "6fbdaab833d39f54518bd5c3eb3f511d035e68cb",
      ...overrides,
    },
    token,
  );

describe("checkInitData", () => {
  it("accepts initData signed with the bot token, fresh, from an allowed user", () => {
    expect(checkInitData(telegramInitData(), policy)).toEqual({
      ok: true,
      user: { id: "1111111", name: "Ada" },
      authDate: nowSeconds - 60,
    });
  });

  it("computes the hash exactly as Telegram documents it (secret from 'WebAppData', sorted lines, only hash left out)", () => {
    const fields = { user, auth_date: String(nowSeconds), signature: "sig", query_id: "q1" };
    const secret = createHmac("sha256", "WebAppData").update(TOKEN).digest();
    const checkString = `auth_date=${nowSeconds}\nquery_id=q1\nsignature=sig\nuser=${user}`;
    const expected = createHmac("sha256", secret).update(checkString).digest("hex");
    expect(new URLSearchParams(signInitData(fields, TOKEN)).get("hash")).toBe(expected);
  });

  it("refuses a tampered field, a hash from another bot's token, and a missing or repeated hash", () => {
    const good = telegramInitData();
    const otherUser = good.replace(encodeURIComponent('"id":1111111'), encodeURIComponent('"id":2222222'));
    expect(otherUser).not.toBe(good);
    expect(checkInitData(otherUser, policy)).toMatchObject({ ok: false, reason: "bad-hash" });
    expect(checkInitData(telegramInitData({}, "999:OTHER"), policy)).toMatchObject({ reason: "bad-hash" });
    const noHash = new URLSearchParams(good);
    noHash.delete("hash");
    expect(checkInitData(noHash.toString(), policy)).toMatchObject({ reason: "malformed" });
    expect(checkInitData(`${good}&hash=${"0".repeat(64)}`, policy)).toMatchObject({ reason: "malformed" });
    expect(checkInitData(undefined, policy)).toMatchObject({ reason: "missing" });
  });

  it("refuses initData older than the allowed age, or dated in the future", () => {
    const old = telegramInitData({ auth_date: String(nowSeconds - 3601) });
    expect(checkInitData(old, policy)).toMatchObject({ ok: false, reason: "expired" });
    expect(checkInitData(old, { ...policy, maxAgeSeconds: 7200 }).ok).toBe(true);
    const future = telegramInitData({ auth_date: String(nowSeconds + 3600) });
    expect(checkInitData(future, policy)).toMatchObject({ reason: "expired" });
  });

  it("refuses a user who is not on the allowlist, even with a good signature", () => {
    const stranger = telegramInitData({ user: JSON.stringify({ id: 4242, first_name: "Eve" }) });
    expect(checkInitData(stranger, policy)).toEqual({
      ok: false,
      reason: "stranger",
      detail: "user 4242 is not on the allowlist",
    });
  });

  it("refuses signed data without a user id or a numeric auth_date", () => {
    expect(checkInitData(telegramInitData({ user: "{}" }), policy)).toMatchObject({ reason: "malformed" });
    expect(checkInitData(telegramInitData({ user: "not json" }), policy)).toMatchObject({
      reason: "malformed",
    });
    expect(checkInitData(telegramInitData({ auth_date: "yesterday" }), policy)).toMatchObject({
      reason: "malformed",
    });
  });
});

describe("initDataFromAuthorization", () => {
  it("reads `tma <initData>` and nothing else", () => {
    expect(initDataFromAuthorization("tma auth_date=1&hash=ab")).toBe("auth_date=1&hash=ab");
    expect(initDataFromAuthorization("Bearer x")).toBeUndefined();
    expect(initDataFromAuthorization(undefined)).toBeUndefined();
  });
});
