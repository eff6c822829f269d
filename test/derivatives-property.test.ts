// Property tests: for random well-typed problems over every operator, with random sizes and values,
// the symbolic derivative agrees with central finite differences — gradients, Jacobians, Hessians and
// tensors (index notation), in every layout. PROPERTY_RUNS scales the number of problems.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Layout, SymmetricConvention } from "../src/api/index.js";
import { derivativeError } from "./derivative-checks.js";
import { moderateNumbers, problems } from "./generators.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1);
const SMOOTH = ["exp", "sin", "cos", "tanh", "sigmoid", "softplus", "abs", "relu", "sqrt", "log"];
const layouts = fc.constantFrom<Layout>("numerator", "denominator", "mixed");

/** Higher orders multiply the work: their problems are kept to a few hundred characters. */
const MAX_SOURCE = [0, 2000, 600, 300];

function property(
  kind: "S" | "V" | "M",
  wrts: readonly string[],
  order: number,
  runs: number,
  symmetric = false,
) {
  let checked = 0;
  // With `symmetric`, A is declared a symmetric matrix and the convention is drawn too.
  const sources = problems(kind, SMOOTH, moderateNumbers)
    .filter((s) => s.length < (MAX_SOURCE[order] ?? 300))
    .map((s) => (symmetric ? s.replace("A: matrix(n, n)", "A: symmetric(n)") : s));
  const conventions = fc.constantFrom<SymmetricConvention | undefined>(
    ...(symmetric ? (["projection", "cookbook"] as const) : [undefined]),
  );
  fc.assert(
    fc.property(
      sources,
      fc.constantFrom(...wrts),
      layouts,
      fc.integer({ min: 1, max: 1000 }),
      conventions,
      (source, wrt, layout, seed, convention) => {
        const options =
          convention === undefined ? { order, layout } : { order, layout, symmetric: convention };
        const verdict = derivativeError(source, wrt, options, seed);
        if (verdict.kind === "skip") return;
        checked++;
        expect(
          verdict.error,
          `d^${order}/d${wrt} (${layout}${convention ? `, ${convention}` : ""}) of ${source.split("\n")[1]}`,
        ).toBeLessThan(1e-4);
      },
    ),
    { numRuns: Math.round(runs * RUNS) },
  );
  // Most cases must be checkable, or the property says little.
  expect(checked).toBeGreaterThan(runs * RUNS * 0.3);
}

describe("symbolic derivatives agree with finite differences", () => {
  it("gradients of scalars by vectors, matrices and scalars", () => {
    property("S", ["x", "y", "A", "C", "a", "z"], 1, 1200);
  });

  it("Jacobians of vectors, by vectors and scalars", () => {
    property("V", ["x", "y", "a", "z"], 1, 800);
  });

  it("tensors: vectors by matrices, matrices by vectors and matrices (index notation)", () => {
    property("V", ["A", "C"], 1, 150);
    property("M", ["x", "a", "A"], 1, 150);
  });

  it("Hessians of scalars by vectors and scalars", () => {
    property("S", ["x", "a", "z"], 2, 400);
  });

  it("third derivatives and Hessians by matrices", () => {
    property("S", ["a", "x"], 3, 60);
    property("S", ["A"], 2, 60);
  });

  it("derivatives by a symmetric matrix, for every output shape and both conventions", () => {
    property("S", ["A"], 1, 100, true);
    property("V", ["A"], 1, 100, true);
    property("M", ["A"], 1, 100, true);
    property("S", ["A"], 2, 40, true);
  });
});

describe("the finite-difference check itself", () => {
  const declarations =
    "a: scalar, b: scalar, x: vector(n), y: vector(n), z: vector(m), A: matrix(n, n), B: matrix(n, n), C: matrix(n, m)";

  it("skips a logdet of a matrix singular by construction, and checks a regular one", () => {
    // (exp(I)*C)*(exp(I)*C)' has rank m < n at these values (C is 4×3): its determinant is a residue of
    // rounding, and the derivative, which multiplies in another order, evaluates another residue.
    const singular = `${declarations}\n(((y/logdet((((exp(I)*C)*(exp(I)*C)'))'))*z')*z)`;
    expect(derivativeError(singular, "y", { order: 1, layout: "numerator" }, 991)).toEqual({
      kind: "skip",
      reason: "a factored matrix is numerically singular",
    });
    const regular = `${declarations}\n(((y/logdet((((exp(I)*C)*(exp(I)*C)') + A*A' + I)'))*z')*z)`;
    const verdict = derivativeError(regular, "y", { order: 1, layout: "numerator" }, 991);
    expect(verdict.kind).toBe("checked");
    if (verdict.kind === "checked") expect(verdict.error).toBeLessThan(1e-6);
  });
});
