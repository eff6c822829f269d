// Matrix Cookbook identities (Petersen & Pedersen, 2012 edition), keyed by equation number, in the
// Cookbook's layout (gradients in the shape of the variable: matcalc's denominator layout). For each:
// matcalc's printed form, its agreement with the Cookbook's formula at random values, and with finite
// differences. Where matcalc's form differs from the Cookbook's (a factored sum, a different order)
// both are listed, and the test checks they are equal.
import { describe, expect, it } from "vitest";
import {
  checkDerivative,
  differentiate,
  evaluateProblem,
  loadProblem,
  randomValues,
} from "../src/api/index.js";

const DECLARATIONS =
  "X: matrix(n, n), A: matrix(n, n), B: matrix(n, n), C: matrix(n, n), D: matrix(n, n), a: vector(n), b: vector(n), c: vector(n), d: vector(n), x: vector(n), t: scalar, s: scalar";

interface Identity {
  readonly eq: string;
  readonly expr: string;
  readonly wrt: string;
  /** matcalc's form. */
  readonly form: string;
  /** The Cookbook's form, when it is written differently. */
  readonly cookbook?: string;
}

const IDENTITIES: readonly Identity[] = [
  // 2.1 Basic: derivatives by a scalar parameter (X(t) = A + t*B, Y(t) = C + t*D).
  { eq: "33", expr: "A", wrt: "t", form: "0" },
  { eq: "34", expr: "s*(A + t*B)", wrt: "t", form: "s*B" },
  { eq: "35", expr: "(A + t*B) + (C + t*D)", wrt: "t", form: "B + D" },
  { eq: "36", expr: "tr(A + t*B)", wrt: "t", form: "tr(B)" },
  { eq: "37", expr: "(A + t*B)*(C + t*D)", wrt: "t", form: "B*(C + t*D) + (A + t*B)*D" },
  { eq: "38", expr: "(A + t*B) .* (C + t*D)", wrt: "t", form: "B .* (C + t*D) + D .* (A + t*B)" },
  { eq: "40", expr: "inv(A + t*B)", wrt: "t", form: "-inv(A + t*B)*B*inv(A + t*B)" },
  { eq: "42", expr: "det(A + t*B)", wrt: "t", form: "det(A + t*B)*tr(inv(A + t*B)*B)" },
  { eq: "43", expr: "log(det(A + t*B))", wrt: "t", form: "tr(inv(A + t*B)*B)" },
  { eq: "44", expr: "(A + t*B)'", wrt: "t", form: "B'" },
  // 2.2 Inverses.
  { eq: "61", expr: "a'*inv(X)*b", wrt: "X", form: "-inv(X)'*a*b'*inv(X)'" },
  {
    eq: "63",
    expr: "tr(A*inv(X)*B)",
    wrt: "X",
    form: "(-inv(X)*B*A*inv(X))'",
    cookbook: "-(inv(X)*B*A*inv(X))'",
  },
  {
    eq: "64",
    expr: "tr(inv(X + A))",
    wrt: "X",
    form: "-inv(X + A)'^2",
    cookbook: "-(inv(X + A)*inv(X + A))'",
  },
  // 2.4 Derivatives of matrices, vectors and scalar forms.
  { eq: "69", expr: "x'*a", wrt: "x", form: "a" },
  { eq: "69", expr: "a'*x", wrt: "x", form: "a" },
  { eq: "70", expr: "a'*X*b", wrt: "X", form: "a*b'" },
  { eq: "71", expr: "a'*X'*b", wrt: "X", form: "b*a'" },
  { eq: "72", expr: "a'*X*a", wrt: "X", form: "a*a'" },
  { eq: "72", expr: "a'*X'*a", wrt: "X", form: "a*a'" },
  { eq: "77", expr: "b'*X'*X*c", wrt: "X", form: "X*(b*c' + c*b')" },
  { eq: "78", expr: "(B*x + b)'*C*(D*x + d)", wrt: "x", form: "B'*C*(D*x + d) + D'*C'*(B*x + b)" },
  { eq: "81", expr: "x'*B*x", wrt: "x", form: "(B + B')*x" },
  { eq: "82", expr: "b'*X'*D*X*c", wrt: "X", form: "D*X*c*b' + D'*X*b*c'", cookbook: "D'*X*b*c' + D*X*c*b'" },
  { eq: "83", expr: "(X*b + c)'*D*(X*b + c)", wrt: "X", form: "(D + D')*(X*b + c)*b'" },
  // 2.5 Derivatives of traces.
  { eq: "99", expr: "tr(X)", wrt: "X", form: "I" },
  { eq: "100", expr: "tr(X*A)", wrt: "X", form: "A'" },
  { eq: "101", expr: "tr(A*X*B)", wrt: "X", form: "A'*B'" },
  { eq: "102", expr: "tr(A*X'*B)", wrt: "X", form: "B*A" },
  { eq: "103", expr: "tr(X'*A)", wrt: "X", form: "A" },
  { eq: "104", expr: "tr(A*X')", wrt: "X", form: "A" },
  { eq: "106", expr: "tr(X*X)", wrt: "X", form: "2*X'" },
  { eq: "107", expr: "tr(X*X*B)", wrt: "X", form: "(B*X + X*B)'", cookbook: "(X*B + B*X)'" },
  { eq: "108", expr: "tr(X'*B*X)", wrt: "X", form: "(B + B')*X", cookbook: "B*X + B'*X" },
  { eq: "109", expr: "tr(B*X*X')", wrt: "X", form: "(B + B')*X", cookbook: "B*X + B'*X" },
  { eq: "110", expr: "tr(X*X'*B)", wrt: "X", form: "(B + B')*X", cookbook: "B*X + B'*X" },
  { eq: "111", expr: "tr(X*B*X')", wrt: "X", form: "X*(B + B')", cookbook: "X*B' + X*B" },
  { eq: "112", expr: "tr(B*X'*X)", wrt: "X", form: "X*(B + B')", cookbook: "X*B' + X*B" },
  { eq: "113", expr: "tr(X'*X*B)", wrt: "X", form: "X*(B + B')", cookbook: "X*B' + X*B" },
  { eq: "114", expr: "tr(A*X*B*X)", wrt: "X", form: "(A*X*B + B*X*A)'", cookbook: "A'*X'*B' + B'*X'*A'" },
  { eq: "115", expr: "tr(X'*X)", wrt: "X", form: "2*X" },
  { eq: "115", expr: "tr(X*X')", wrt: "X", form: "2*X" },
  { eq: "116", expr: "tr(B'*X'*C*X*B)", wrt: "X", form: "(C + C')*X*B*B'", cookbook: "C'*X*B*B' + C*X*B*B'" },
  { eq: "117", expr: "tr(X'*B*X*C)", wrt: "X", form: "B*X*C + B'*X*C'" },
  {
    eq: "118",
    expr: "tr(A*X*B*X'*C)",
    wrt: "X",
    form: "C*A*X*B + A'*C'*X*B'",
    cookbook: "A'*C'*X*B' + C*A*X*B",
  },
  { eq: "119", expr: "tr((A*X*B + C)*(A*X*B + C)')", wrt: "X", form: "2*A'*(A*X*B + C)*B'" },
  {
    eq: "124",
    expr: "tr(A*inv(X)*B)",
    wrt: "X",
    form: "(-inv(X)*B*A*inv(X))'",
    cookbook: "-inv(X)'*A'*B'*inv(X)'",
  },
  // Determinants and norms (sections 2.1.2, 2.6, 2.7), stated by formula.
  { eq: "det", expr: "det(X)", wrt: "X", form: "det(X)*inv(X)'" },
  { eq: "logdet", expr: "log(det(X))", wrt: "X", form: "inv(X)'" },
  { eq: "logdet", expr: "logdet(X)", wrt: "X", form: "inv(X)'" },
  { eq: "det-inverse", expr: "det(inv(X))", wrt: "X", form: "-det(inv(X))*inv(X)'" },
  { eq: "two-norm", expr: "norm2(x - a)", wrt: "x", form: "(x - a)/norm2(x - a)" },
  { eq: "frobenius", expr: "norm2(X)^2", wrt: "X", form: "2*X" },
];

describe("Matrix Cookbook identities", () => {
  it("has at least 40 keyed identities", () => {
    expect(IDENTITIES.filter((i) => /^\d+$/.test(i.eq)).length).toBeGreaterThanOrEqual(40);
  });

  for (const identity of IDENTITIES) {
    const source = `${DECLARATIONS}\n${identity.expr}`;
    it(`(${identity.eq}) d/d${identity.wrt} ${identity.expr} = ${identity.cookbook ?? identity.form}`, () => {
      // By a scalar parameter the Cookbook keeps X's shape (numerator); gradients are denominator.
      const layout = identity.wrt === "t" ? "numerator" : "denominator";
      const d = differentiate(source, identity.wrt, { layout });
      expect(d.text).toBe(identity.form);
      const problem = loadProblem(source);
      for (const seed of [1, 2]) {
        const values = randomValues(problem, seed);
        for (const formula of [identity.form, identity.cookbook].filter(
          (f): f is string => f !== undefined,
        )) {
          if (formula === "0") continue;
          const reference = loadProblem(`${DECLARATIONS}\n${formula}`);
          // A formula such as I alone leaves its size open: it is n.
          const open = Object.fromEntries(
            reference.expression.shape
              .filter((dim) => dim !== "n")
              .map((dim) => [dim, (values.x as number[]).length]),
          );
          const expected = evaluateProblem(reference, { ...open, ...values });
          const got = d.evaluate(values);
          expect(got.data.length).toBe(expected.data.length);
          for (const [k, v] of got.data.entries()) expect(v).toBeCloseTo(expected.data[k]!, 8);
        }
      }
      expect(checkDerivative(source, identity.wrt, { layout, seed: 3 }).maxRelativeError).toBeLessThan(1e-6);
    });
  }
});

describe("the silent-zero family (SymPy returns 0 for these) and log(det(X))", () => {
  it.each([
    ["E: matrix(n, n)\ntr(E) + 1", "E", "I"],
    ["A: matrix(n, n), B: matrix(n, n)\ntr(A'*A) + tr(B'*B)", "A", "2*A"],
    ["A: matrix(m, n), B: matrix(m, n)\nnorm2(A)^2 + norm2(B)^2", "A", "2*A"],
    ["F: matrix(n, n)\ntr(F'*F) - 3", "F", "2*F"],
    ["X: matrix(n, n)\nlog(det(X))", "X", "inv(X)'"],
  ])("%s by %s is %s, not zero", (source, wrt, form) => {
    const d = differentiate(source, wrt, { layout: "denominator" });
    expect(d.text).toBe(form);
    const report = checkDerivative(source, wrt, { layout: "denominator", seed: 5 });
    expect(report.maxRelativeError).toBeLessThan(1e-6);
    expect(Array.from(report.symbolic.data).some((v) => v !== 0)).toBe(true);
  });
});

describe("Hessians and higher orders", () => {
  it.each([
    ["A: matrix(n, n), x: vector(n)\nx'*A*x", "x", "A + A'"],
    ["x: vector(n)\nlogsumexp(x)", "x", "diag(softmax(x)) - softmax(x)*softmax(x)'"],
    [
      "X: matrix(m, n), y: vector(m), w: vector(n)\nsum(log(1 + exp(-y .* (X*w))))",
      "w",
      "X'*diag(y.^2 .* sigmoid(-y .* (X*w)) .* (1 - sigmoid(-y .* (X*w))))*X",
    ],
    ["x: vector(n)\nx'*x", "x", "2*I"],
    ["x: scalar\nsin(x^2)", "x", "2*cos(x^2) - 4*x^2*sin(x^2)"],
  ])("the Hessian of %s by %s is %s", (source, wrt, form) => {
    const d = differentiate(source, wrt, { order: 2 });
    expect(d.text).toBe(form);
    expect(checkDerivative(source, wrt, { order: 2, seed: 4 }).maxRelativeError).toBeLessThan(1e-6);
  });

  it("computes third derivatives, as tensors in index notation when they are", () => {
    const scalar = differentiate("x: scalar\nx^4", "x", { order: 3 });
    expect(scalar.text).toBe("24*x");
    const tensor = differentiate("x: vector(n)\nsum(x.^4)", "x", { order: 3 });
    expect(tensor.kind).toBe("index");
    expect(tensor.shape).toEqual(["n", "n", "n"]);
    expect(
      checkDerivative("x: vector(n)\nsum(x.^4)", "x", { order: 3, seed: 2 }).maxRelativeError,
    ).toBeLessThan(1e-5);
    expect(
      checkDerivative("A: matrix(n, n), x: vector(n)\nexp(x'*A*x)", "x", { order: 3, seed: 2 })
        .maxRelativeError,
    ).toBeLessThan(1e-5);
  });

  it("gives a vector's Hessian as the order-3 tensor T[i,j,k] = d²y_i/dx_j dx_k", () => {
    const d = differentiate("x: vector(n)\nexp(x)", "x", { order: 2 });
    expect(d.shape).toEqual(["n", "n", "n"]);
    const values = { x: [0.1, -0.2, 0.3] };
    const t = d.evaluate(values);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 3; k++) {
          const expected = i === j && j === k ? Math.exp(values.x[i]!) : 0;
          expect(t.data[i * 9 + j * 3 + k]).toBeCloseTo(expected, 12);
        }
  });
});
