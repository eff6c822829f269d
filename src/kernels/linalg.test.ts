import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { luDeterminant, luLogAbsDeterminant, transposeRaw } from "../tensor/index.js";
import { inverseRaw, luFactor, luSolve, matmulRaw } from "./linalg.js";

/** The determinant by cofactor expansion: slow, obviously right, independent of LU. */
function cofactorDeterminant(a: number[], n: number): number {
  if (n === 1) return a[0]!;
  let det = 0;
  for (let j = 0; j < n; j++) {
    const minor: number[] = [];
    for (let i = 1; i < n; i++) for (let k = 0; k < n; k++) if (k !== j) minor.push(a[i * n + k]!);
    det += (j % 2 === 0 ? 1 : -1) * a[j]! * cofactorDeterminant(minor, n - 1);
  }
  return det;
}

const square = fc
  .integer({ min: 1, max: 6 })
  .chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: n * n, maxLength: n * n }),
    ),
  );

describe("matmul and transpose", () => {
  it("agree with the textbook triple loop", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer(),
        (m, k, n, seed) => {
          let s = seed;
          const rand = () => {
            s = (s * 1103515245 + 12345) & 0x7fffffff;
            return (s / 0x7fffffff) * 2 - 1;
          };
          const a = Float64Array.from({ length: m * k }, rand);
          const b = Float64Array.from({ length: k * n }, rand);
          const c = matmulRaw(a, b, m, k, n);
          for (let i = 0; i < m; i++)
            for (let j = 0; j < n; j++) {
              let sum = 0;
              for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
              expect(c[i * n + j]).toBeCloseTo(sum, 12);
            }
          const t = transposeRaw(a, m, k);
          for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) expect(t[p * m + i]).toBe(a[i * k + p]);
        },
      ),
    );
  });
});

describe("LU", () => {
  it("gives the cofactor determinant", () => {
    fc.assert(
      fc.property(square, ([n, a]) => {
        const det = luDeterminant(luFactor(Float64Array.from(a), n));
        const expected = cofactorDeterminant(a, n);
        expect(Math.abs(det - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
      }),
    );
  });

  it("inverts and solves well-conditioned matrices", () => {
    fc.assert(
      fc.property(square, ([n, a]) => {
        const m = Float64Array.from(a);
        for (let i = 0; i < n; i++) m[i * n + i]! += 10; // diagonally dominant
        const f = luFactor(m, n);
        expect(f.singular).toBe(false);
        const product = matmulRaw(inverseRaw(f), m, n, n, n);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) expect(product[i * n + j]).toBeCloseTo(i === j ? 1 : 0, 10);
        const b = Float64Array.from({ length: n }, (_, i) => i + 1);
        const x = luSolve(f, b, 1);
        const back = matmulRaw(m, x, n, n, 1);
        for (let i = 0; i < n; i++) expect(back[i]).toBeCloseTo(b[i]!, 10);
        const { logAbs, sign } = luLogAbsDeterminant(f);
        const det = luDeterminant(f);
        expect(sign * Math.exp(logAbs)).toBeCloseTo(det, 6);
      }),
    );
  });

  it("reports singular matrices, with determinant zero", () => {
    const f = luFactor(Float64Array.of(1, 2, 2, 4), 2);
    expect(f.singular).toBe(true);
    expect(luDeterminant(f)).toBe(0);
    expect(luFactor(new Float64Array(9), 3).singular).toBe(true);
    expect(luDeterminant(luFactor(Float64Array.of(1, 2, 3, 4), 2))).toBeCloseTo(-2, 14);
  });
});
