// Layouts (SPEC §2) present one tensor: numerator as in the lecture, denominator transposing every
// 2-D result (gradients in the variable's shape), mixed as matrixcalculus.org (Jacobians numerator,
// gradients in the variable's shape). Tensors list output axes first, or the variable's first in the
// denominator layout. Symmetric variables follow the chosen convention.
import { describe, expect, it } from "vitest";
import { checkDerivative, differentiate, type Layout } from "../src/api/index.js";

const values = {
  A: [
    [1, 2, 0.5],
    [3, 4, -1],
  ],
  x: [0.3, -0.7, 1.1],
  y: [0.2, 0.9],
  c: 0.4,
};
const DECLARATIONS = "A: matrix(m, n), x: vector(n), y: vector(m), c: scalar";

function shapes(expr: string, wrt: string): Record<Layout, unknown> {
  const out: Partial<Record<Layout, unknown>> = {};
  for (const layout of ["numerator", "denominator", "mixed"] as const) {
    out[layout] = differentiate(`${DECLARATIONS}\n${expr}`, wrt, { layout }).shape;
  }
  return out as Record<Layout, unknown>;
}

function transposed(data: Float64Array, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) out.push(data[i * cols + j]!);
  return out;
}

describe("layouts", () => {
  it.each([
    ["scalar by vector", "y'*A*x", "x", { numerator: [1, "n"], denominator: ["n"], mixed: ["n"] }],
    [
      "scalar by matrix",
      "y'*A*x",
      "A",
      { numerator: ["n", "m"], denominator: ["m", "n"], mixed: ["m", "n"] },
    ],
    ["vector by vector", "A*x", "x", { numerator: ["m", "n"], denominator: ["n", "m"], mixed: ["m", "n"] }],
    ["vector by scalar", "c*x", "c", { numerator: ["n", 1], denominator: [1, "n"], mixed: ["n", 1] }],
    ["scalar by scalar", "c^2", "c", { numerator: [], denominator: [], mixed: [] }],
    [
      "vector by matrix (a tensor)",
      "A*x",
      "A",
      { numerator: ["m", "m", "n"], denominator: ["m", "n", "m"], mixed: ["m", "m", "n"] },
    ],
  ])("%s: %s by %s", (_what, expr, wrt, expected) => {
    expect(shapes(expr, wrt)).toEqual(expected);
  });

  it("transposes the numbers between numerator and denominator", () => {
    const source = `${DECLARATIONS}\nsin(A*x)`;
    const numerator = differentiate(source, "x").evaluate(values);
    const denominator = differentiate(source, "x", { layout: "denominator" }).evaluate(values);
    expect(Array.from(denominator.data)).toEqual(transposed(numerator.data, 2, 3));
  });

  it("agrees with finite differences in every layout", () => {
    for (const layout of ["numerator", "denominator", "mixed"] as const) {
      for (const [expr, wrt] of [
        ["y'*A*x", "A"],
        ["sin(A*x)", "x"],
        ["A*x", "A"],
        ["x*c^2", "c"],
      ]) {
        expect(
          checkDerivative(`${DECLARATIONS}\n${expr}`, wrt!, { layout, seed: 2 }).maxRelativeError,
          `${expr} ${layout}`,
        ).toBeLessThan(1e-6);
      }
    }
  });
});

describe("symmetric matrix variables", () => {
  it.each([
    ["S: symmetric(n), A: matrix(n, n)\ntr(A*S)", "0.5*(A + A')", "A + A' - I .* A'"],
    ["S: symmetric(n), x: vector(n)\nx'*S*x", "x*x'", "2*x*x' - I .* (x*x')"],
    ["S: symmetric(n)\nlogdet(S)", "inv(S)", "2*inv(S) - I .* inv(S)"],
  ])("%s", (source, projection, cookbook) => {
    const p = differentiate(source, "S", { layout: "denominator" });
    expect(p.text).toBe(projection);
    expect(p.notes.join(" ")).toMatch(/sym\(G\)/);
    const c = differentiate(source, "S", { layout: "denominator", symmetric: "cookbook" });
    expect(c.text).toBe(cookbook);
    expect(c.notes.join(" ")).toMatch(/Cookbook/);
    for (const symmetric of ["projection", "cookbook"] as const) {
      expect(
        checkDerivative(source, "S", { layout: "denominator", symmetric, seed: 3 }).maxRelativeError,
      ).toBeLessThan(1e-6);
    }
  });

  it("symmetrizes derivatives of vectors and matrices, and of higher orders, in both conventions", () => {
    const expected: Record<string, [string, string]> = {
      "inv(S)": [
        "T[i,j,k,l] = -0.5 inv(S)[i,k] inv(S)[l,j] - 0.5 inv(S)[i,l] inv(S)[k,j]",
        "T[i,j,k,l] = -inv(S)[i,k] inv(S)[l,j] - inv(S)[i,l] inv(S)[k,j] + inv(S)[i,k] inv(S)[l,j] δ[k,l]",
      ],
      S: [
        "T[i,j,k,l] = 0.5 δ[i,k] δ[j,l] + 0.5 δ[i,l] δ[j,k]",
        "T[i,j,k,l] = δ[i,k] δ[j,l] + δ[i,l] δ[j,k] - δ[i,k] δ[j,l] δ[k,l]",
      ],
      "S*x": [
        "T[i,j,k] = 0.5 δ[i,j] x[k] + 0.5 δ[i,k] x[j]",
        "T[i,j,k] = δ[i,j] x[k] + δ[i,k] x[j] - δ[i,j] x[k] δ[j,k]",
      ],
    };
    for (const [expr, [projection, cookbook]] of Object.entries(expected)) {
      const source = `S: symmetric(n), x: vector(n)\n${expr}`;
      expect(differentiate(source, "S").text, expr).toBe(projection);
      expect(differentiate(source, "S", { symmetric: "cookbook" }).text, expr).toBe(cookbook);
    }
    for (const expr of ["inv(S)", "S", "S*x", "S*S", "S.*S", "S*x*x'*S", "logdet(S)", "x'*inv(S)*x"]) {
      for (const symmetric of ["projection", "cookbook"] as const) {
        for (const order of expr.includes("x'") || expr.startsWith("logdet") ? [1, 2] : [1]) {
          const report = checkDerivative(`S: symmetric(n), x: vector(n)\n${expr}`, "S", {
            symmetric,
            order,
            seed: 5,
          });
          expect(report.maxRelativeError, `${expr} ${symmetric} order ${order}`).toBeLessThan(1e-6);
          expect(report.passed, `${expr} ${symmetric} order ${order}`).toBe(true);
        }
      }
    }
  });
});

describe("a check report", () => {
  it("gives the finite differences in the symbolic result's shape and layout", () => {
    const cases: Array<[string, string]> = [
      ["A*x", "x"],
      ["A*x", "A"],
      ["y'*A*x", "A"],
      ["x*c", "c"],
    ];
    for (const [expr, wrt] of cases) {
      for (const layout of ["numerator", "denominator", "mixed"] as const) {
        const report = checkDerivative(`${DECLARATIONS}\n${expr}`, wrt, { layout, values });
        expect(report.finiteDifferences!.shape).toEqual(report.symbolic.shape);
        report.symbolic.data.forEach((v, i) => {
          expect(report.finiteDifferences!.data[i]).toBeCloseTo(v, 6);
        });
      }
    }
  });
});
