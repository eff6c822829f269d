// The shortest form, whatever the spelling: problems whose best-known derivative (the Matrix Cookbook's,
// SymPy's, tensorgrad's or matrixcalculus.org's) is shorter than a rule chain gave come out in that
// form, and equivalent spellings of one problem give one printed derivative.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkDerivative,
  type DifferentiateOptions,
  differentiate,
  isMatcalcError,
  shownOrWhy,
} from "../src/api/index.js";
import { DECLARATIONS, typedExpressions } from "./generators.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1);

/** [problem, variable, options, the form expected]: each also passes the numeric check. */
const FORMS: ReadonlyArray<readonly [string, string, DifferentiateOptions, string]> = [
  // tensorgrad's flagship: no division by the softmax (which underflows to 0).
  ["-t'*log(softmax(z))", "z", { order: 2 }, "sum(t)*(diag(softmax(z)) - softmax(z)*softmax(z)')"],
  ["-t'*log(softmax(z))", "z", {}, "(sum(t)*softmax(z) - t)'"],
  ["log(sum(exp(x)))", "x", { order: 2 }, "diag(softmax(x)) - softmax(x)*softmax(x)'"],
  ["exp(x)/sum(exp(x))", "x", {}, "diag(softmax(x)) - softmax(x)*softmax(x)'"],
  ["logdet(X'*X)", "X", { layout: "denominator" }, "2*X*inv(X'*X)"],
  ["c: vector(k)\nsum(relu(X*W + ones*c').^2)", "W", { layout: "denominator" }, "2*X'*relu(X*W + ones*c')"],
  ["log(abs(det(X)))", "X", { layout: "denominator" }, "inv(X)'"],
  ["x./norm2(x)", "x", {}, "I/norm2(x) - x*x'/norm2(x)^3"],
  ["x/norm2(x)", "x", {}, "I/norm2(x) - x*x'/norm2(x)^3"],
  // Found by the search: a transpose or a division taken out, powers of one matrix joined.
  ["B: matrix(n, n), tr(X^2*B)", "X", { layout: "denominator" }, "(B*X + X*B)'"],
  ["tr(inv(X))", "X", { layout: "denominator" }, "-inv(X)'^2"],
  ["det(X^3)", "X", { layout: "denominator" }, "3*det(X^3)*inv(X')"],
  ["a: vector(n), b: vector(n), sqrt(a'*X*b)", "X", { layout: "denominator" }, "a*b'/sqrt(a'*X*b)/2"],
  ["x: scalar, x^(1/3)", "x", {}, "x^(-2/3)/3"],
  [
    "sum(log(exp(-y.*(X*w)) + ones))",
    "w",
    { order: 2 },
    "X'*diag(y.^2 .* sigmoid(-y .* (X*w)) .* (1 - sigmoid(-y .* (X*w))))*X",
  ],
  ["norm2(T - U*V')^2", "U", { order: 2 }, "T[i,j,k,l] = 2 δ[i,k] (V'*V)[l,j]"],
  ["logdet(A'*diag(x)*A)", "x", { order: 2 }, "-(A*inv(A'*diag(x)*A)*A').^2"],
  ["sum(x.^4)", "x", { order: 3 }, "T[i,j,k] = 24 x[i] δ[i,k] δ[i,j]"],
  ["x'*A*x*x", "x", {}, "x*x'*(A + A') + x'*A*x*I"],
  // The Cookbook writes inv(S) - inv(S)*x*x'*inv(S): the same matrix, three characters longer.
  ["S: symmetric(n)\nlogdet(S) + x'*inv(S)*x", "S", {}, "(I - inv(S)*x*x')*inv(S)"],
  ["det(X)^(1/2)", "X", {}, "det(X)^0.5*inv(X)/2"],
  ["x: scalar\nasin(x) + atan(x) + acos(x)", "x", {}, "1/(x^2 + 1)"],
  ["tr(adj(X))", "X", {}, "inv(X)*(tr(adj(X))*I - adj(X))"],
];

describe("the shortest known form", () => {
  for (const [problem, wrt, options, form] of FORMS)
    it(`${problem.split("\n").at(-1)} by ${wrt}${options.order ? `, order ${options.order}` : ""}${options.layout ? `, ${options.layout}` : ""}: ${form}`, () => {
      const d = differentiate(problem, wrt, options);
      expect(d.text).toBe(form);
      expect(checkDerivative(problem, wrt, options).passed).toBe(true);
    });

  it("gives the Kronecker form of a matrix-by-matrix Hessian that is one", () => {
    expect(differentiate("norm2(T - U*V')^2", "U", { order: 2 }).kronecker?.text).toBe("2*(V'*V ⊗ I)");
  });

  it("collects like terms under a division: (c·a)/u and a/u, c ./ u and 1 ./ u", () => {
    const cosine = differentiate("x'*y/(norm2(x)*norm2(y))", "x", { order: 2 });
    expect(cosine.text).toBe("((3*x'*y*x/norm2(x)^2 - y)*x' - x'*y*I - x*y')/(norm2(x)^3*norm2(y))");
    expect(checkDerivative("x'*y/(norm2(x)*norm2(y))", "x", { order: 2 }).passed).toBe(true);
    const d = differentiate("x: vector(n)\nsum((x.^0.5 ./ x)/norm2(x))", "x");
    expect(d.text).toBe("(-0.5 ./ x.^1.5/norm2(x) - sum(1 ./ x.^0.5)*x/norm2(x)^3)'");
    expect(checkDerivative("x: vector(n)\nsum((x.^0.5 ./ x)/norm2(x))", "x").passed).toBe(true);
  });

  it("multiplies a product into a sum where its terms then meet: the Rayleigh quotient", () => {
    const problem = "x: vector(n), A: symmetric(n)\nx'*A*x/(x'*x)";
    expect(differentiate(problem, "x").text).toBe("2*x'*A*(I - x*x'/(x'*x))/(x'*x)");
    expect(checkDerivative(problem, "x").passed).toBe(true);
    // Any A: x'*(A*x*x') and x'*(x'*A*x*I) meet as 2*x'*A*x*x' once the divisions are taken out.
    const general = "x: vector(n), A: matrix(n, n)\nx'*A*x/(x'*x)";
    expect(differentiate(general, "x").text).toBe("x'/(x'*x)*(A + A' - 2*A*x*x'/(x'*x))");
    expect(checkDerivative(general, "x").passed).toBe(true);
  });

  it("indexes a transposed matrix by its swapped indices in index notation", () => {
    const d = differentiate("X: matrix(n, n), A: matrix(n, n)\ntr(X*A*X)", "X", { order: 2 });
    expect(d.text).toBe("T[i,j,k,l] = A[l,i] δ[j,k] + δ[i,l] A[j,k]");
    expect(d.latex).toBe("T_{ijkl} = \\mathbf{A}_{li} \\delta_{jk} + \\delta_{il} \\mathbf{A}_{jk}");
    expect(differentiate("X: matrix(n, n)\nlogdet(X)", "X", { order: 2 }).text).toBe(
      "T[i,j,k,l] = -inv(X)[j,k] inv(X)[l,i]",
    );
  });

  it("makes no search over a result too long to print, and still answers", () => {
    let e = "x";
    for (let i = 0; i < 14; i++) e = `(${e}/norm2(${e}))`;
    const d = differentiate(`x: vector(n)\nsum(${e})`, "x");
    expect(d.search).toBe("too-large");
    expect(shownOrWhy(() => d.text).why).toMatch(/too large to show/);
    expect(differentiate("x'*A*x", "x").search).toBe("searched");
  });

  it("gives the cosine similarity's Hessian in matrix form", () => {
    const d = differentiate("x'*y/(norm2(x)*norm2(y))", "x", { order: 2 });
    expect(d.kind).toBe("matrix");
    expect(checkDerivative("x'*y/(norm2(x)*norm2(y))", "x", { order: 2 }).passed).toBe(true);
  });
});

/** Pairs of spellings of one problem, around a random vector expression v and scalar s. */
const SPELLINGS: ReadonlyArray<(v: string, s: string) => readonly [string, string]> = [
  (v) => [`log(sum(exp(${v})))`, `logsumexp(${v})`],
  (v) => [`sum(exp(${v})/sum(exp(${v})))`, `sum(softmax(${v}))`],
  (v, s) => [`sum((${v}) ./ (${s}))`, `sum((${v}) / (${s}))`],
  (v, s) => [`sum((${s}) .* (${v}))`, `sum((${s}) * (${v}))`],
  (v) => [`sum(log(exp(${v}) + ones))`, `sum(log(exp(${v}) + 1))`],
  (v) => [`sum(log(exp(${v}) + vector(1)))`, `sum(log(1 + exp(${v})))`],
  (v) => [`y'*log(softmax(${v}))`, `y'*(${v} - logsumexp(${v}))`],
];

/** The printed derivative, or the message of the error it gives. */
function answer(problem: string, wrt: string): string {
  try {
    return differentiate(problem, wrt).text;
  } catch (error) {
    if (isMatcalcError(error)) return `error: ${error.message}`;
    throw error;
  }
}

describe("one problem, one answer, whatever the spelling", () => {
  it("gives equivalent spellings of random problems the same printed derivative", () => {
    // Without I: each I of free size is its own (tr(I) in two copies of v may be of two sizes).
    const free = (e: string) => !/\bI\b/.test(e);
    const { V, S } = typedExpressions(["exp", "sin", "tanh", "sigmoid"]);
    fc.assert(
      fc.property(
        V.filter(free),
        S.filter(free),
        fc.integer({ min: 0, max: SPELLINGS.length - 1 }),
        fc.constantFrom("x", "a", "A"),
        (v, s, k, wrt) => {
          const [one, other] = SPELLINGS[k]!(v, s);
          const [a, b] = [answer(`${DECLARATIONS}\n${one}`, wrt), answer(`${DECLARATIONS}\n${other}`, wrt)];
          expect(a, `${one}  vs  ${other}  by ${wrt}`).toBe(b);
        },
      ),
      { numRuns: Math.round(150 * RUNS) },
    );
  });
});
