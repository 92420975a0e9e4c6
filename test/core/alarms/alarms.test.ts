import { describe, expect, it } from "vitest";
import { ALARMS, alarmMessage, alarmName, parseAlarmStateChange } from "../../../functions/core/alarms";

const change = (fields: Record<string, unknown>) =>
  JSON.stringify({
    AlarmName: "S-noTicks",
    NewStateValue: "ALARM",
    StateChangeTime: "2024-03-05T14:05:12.345+0000",
    ...fields,
  });

describe("alarm state changes", () => {
  it("names the field and value of a message that is not one", () => {
    expect(() => parseAlarmStateChange(change({ NewStateValue: "BROKEN" }))).toThrow(
      /NewStateValue = "BROKEN"/,
    );
    expect(() => parseAlarmStateChange("not json")).toThrow(/SNS message is not JSON: "not json"/);
  });

  it("finds the catalog entry from the alarm name, whatever the stack is called", () => {
    for (const id of Object.keys(ALARMS) as Array<keyof typeof ALARMS>) {
      const text = alarmMessage(parseAlarmStateChange(change({ AlarmName: alarmName("Team-Signals", id) })));
      expect(text).toContain(ALARMS[id].title);
      expect(text).toContain(ALARMS[id].check.replace(/&/g, "&amp;").replace(/</g, "&lt;"));
    }
  });

  it("escapes what CloudWatch sends before it goes out as HTML", () => {
    const text = alarmMessage(
      parseAlarmStateChange(change({ AlarmName: "<b>mine</b>", AlarmDescription: "a & b" })),
    );
    expect(text).toContain("&lt;b&gt;mine&lt;/b&gt;");
    expect(text).toContain("a &amp; b");
  });
});
