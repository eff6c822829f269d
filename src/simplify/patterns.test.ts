// Folding numbers: a product of powers never overflows or underflows on the way to a result that is a
// normal number, and a result that is not one (infinite, subnormal, a division by zero) is refused.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScaledProduct, safeNumber } from "./patterns.js";

function folded(factors: ReadonlyArray<readonly [number, number]>): number | undefined {
  const p = new ScaledProduct();
  for (const [value, power] of factors) p.times(value, power);
  return p.value();
}

describe("ScaledProduct", () => {
  it("folds what step-by-step multiplication overflows or underflows", () => {
    expect(
      folded([
        [1e-320, 1],
        [1e-320, -1],
      ]),
    ).toBe(1);
    expect(
      folded([
        [1e300, 1],
        [1e300, 1],
        [1e300, -1],
      ]),
    ).toBe(1e300);
    expect(
      folded([
        [2, 2000],
        [2, -1999],
      ]),
    ).toBe(2);
    expect(
      folded([
        [-2, 3],
        [4, -1],
      ]),
    ).toBe(-2);
  });

  it("folds huge integer powers in a few steps, not one per unit of the power", () => {
    expect(
      folded([
        [1.5, 300_000_000],
        [1.5, -299_999_999],
      ]),
    ).toBeCloseTo(1.5, 12);
    expect(folded([[2, 1e300]])).toBeUndefined();
    // (A loop over the power would never end here.)
    expect(folded([[1, 1e300]])).toBe(1);
  });

  it("refuses results that are not normal numbers, and division by zero", () => {
    expect(folded([[1e300, 2]])).toBeUndefined();
    expect(folded([[1e-200, 2]])).toBeUndefined();
    expect(folded([[0, -1]])).toBeUndefined();
    expect(
      folded([
        [0, 1],
        [5, 1],
      ]),
    ).toBe(0);
    expect(safeNumber(5e-324)).toBe(false);
  });

  it("agrees with plain multiplication wherever that stays in range", () => {
    const normal = fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((v) => Math.abs(v) > 1e-6);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(normal, fc.integer({ min: -3, max: 3 })), { maxLength: 6 }),
        (factors) => {
          let plain = 1;
          for (const [v, p] of factors) plain *= v ** p;
          const value = folded(factors);
          if (!safeNumber(plain)) return;
          expect(value).toBeDefined();
          expect(Math.abs(value! - plain)).toBeLessThanOrEqual(1e-12 * Math.abs(plain));
        },
      ),
    );
  });
});
