import { describe, expect, it } from "vitest";
import {
  directionalReturn,
  formatRate,
  isHit,
  judgedRate,
  MIN_SCORED,
  median,
  wilsonInterval,
} from "../../../functions/core/track-record/rates";

describe("track-record rates", () => {
  it("scores a BUY on a rise and a SELL on a fall; flat is a miss", () => {
    expect(isHit("BUY", { return: 0.01 })).toBe(true);
    expect(isHit("BUY", { return: -0.01 })).toBe(false);
    expect(isHit("SELL", { return: -0.01 })).toBe(true);
    expect(isHit("SELL", { return: 0 })).toBe(false);
    expect(directionalReturn("SELL", -0.02)).toBe(0.02);
  });

  it("gives the Wilson interval of the textbook example (81 of 263: 25.5%–36.7%)", () => {
    const interval = wilsonInterval(81, 263);
    expect(interval?.rate).toBeCloseTo(0.308, 3);
    expect(interval?.low).toBeCloseTo(0.2553, 3);
    expect(interval?.high).toBeCloseTo(0.3662, 3);
    expect(wilsonInterval(0, 0)).toBeUndefined();
  });

  it("refuses a rate below the minimum and says so", () => {
    expect(judgedRate(10, MIN_SCORED - 1)).toBeUndefined();
    expect(formatRate(10, 12)).toBe("too few to judge (n=12)");
    expect(formatRate(20, 40)).toMatch(/^50% \(\d+%–\d+%, n=40\)$/);
  });

  it("takes the median of odd and even counts", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});
