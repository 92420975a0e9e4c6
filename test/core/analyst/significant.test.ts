import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../functions/core/seeded-random";
import { roundSignificant } from "../../../functions/core/significant";

const viaString = (value: number, digits: number) => Number(value.toPrecision(digits));

describe("roundSignificant", () => {
  it("gives toPrecision's double for random values across every magnitude a feature takes", () => {
    const random = seededRandom(7);
    const differing: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      const value = (random() < 0.5 ? -1 : 1) * random() * 10 ** Math.floor(random() * 50 - 25);
      if (!Object.is(roundSignificant(value, 7), viaString(value, 7))) differing.push(value);
    }
    expect(differing).toEqual([]);
  });

  it("gives toPrecision's double at ties, near ties, powers of ten and their neighbours", () => {
    const values: number[] = [0, -0, 1, -1, 5e-324, Number.MAX_VALUE, Number.MIN_VALUE];
    for (let exponent = -30; exponent <= 30; exponent++) {
      const power = 10 ** exponent;
      for (const mantissa of [
        1, 9.9999995, 9.99999949, 9.99999951, 1.0000005, 1.23456785, 4.5000005, 9.9999999,
      ])
        values.push(mantissa * power);
      values.push(power, power * (1 + Number.EPSILON), power * (1 - Number.EPSILON));
    }
    for (const value of [...values, ...values.map((v) => -v)])
      for (const digits of [1, 3, 7, 12])
        expect(
          Object.is(roundSignificant(value, digits), viaString(value, digits)),
          `${value} to ${digits}`,
        ).toBe(true);
  });

  it("passes NaN and infinities through as toPrecision does", () => {
    expect(roundSignificant(Number.NaN, 7)).toBeNaN();
    expect(roundSignificant(Number.POSITIVE_INFINITY, 7)).toBe(Number.POSITIVE_INFINITY);
    expect(roundSignificant(Number.NEGATIVE_INFINITY, 7)).toBe(Number.NEGATIVE_INFINITY);
  });
});
