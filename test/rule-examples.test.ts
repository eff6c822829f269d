// Every rewrite rule of the simplifier has an example in the language: a problem whose derivative
// fires it. A rule no example reaches is visible here (a rule added without one fails the first
// test), and a rule that stops firing on its example fails the second; each step it takes there is
// checked by numbers.
import { describe, expect, it } from "vitest";
import { differentiate, type Layout } from "../src/api/index.js";
import { DEFAULT_RULESETS, SEARCH_RULES } from "../src/simplify/index.js";
import { describeRewrite, rewriteError } from "./trace-values.js";

/** rule → [problem, variable, order, layout]. */
const EXAMPLES: Readonly<Record<string, readonly [string, string, number, Layout?]>> = {
  "fold-constants": ["x: scalar, y: scalar, [3*x^2*y; 2*x + 4*y^2]", "x", 1],
  "add-zero": ["w: vector(n), x: vector(n), b: scalar, max(0, w'*x + b)", "b", 1],
  "multiply-by-zero": ["[x; a*x]", "x", 1],
  "multiply-by-one": ["x: scalar, y: scalar, [3*x^2*y; 2*x + 4*y^2]", "x", 1],
  "multiply-by-identity": ["w: vector(n), x: vector(n), w .* x", "w", 1],
  "power-of-one-or-zero": ["x: scalar, y: scalar, [3*x^2*y; 2*x + 4*y^2]", "x", 1],
  "negate-negation": ["-t'*log(softmax(z))", "z", 2],
  "zero-passes-through": ["[x; y]", "x", 1],
  "sum-of-scalar": ["exp(sum(a))", "a", 1],
  "subtract-self": ["tr(X*inv(X))", "X", 1],
  "transpose-of-transpose": ["w: vector(n), x: vector(n), b: scalar, max(0, w'*x + b)", "w", 1],
  "transpose-of-scalar": ["(x'*y)'", "x", 1],
  "transpose-of-symmetric": ["x: vector(n), x", "x", 1],
  "transpose-of-product": ["B: matrix(m, n), x: vector(n), sin(B*x.^2)", "x", 1],
  "transpose-of-power": ["tr(X^2*X^3)", "X", 1],
  "transpose-of-sum": [
    "X: matrix(n, k), y: vector(k), w: vector(n), b: scalar, N: scalar, sum((y - max(0, X'*w + b)).^2)/N",
    "w",
    1,
  ],
  "transpose-of-stack": ["[a; b]'*[c; d]", "a", 1],
  "scalar-element-wise-is-ordinary": ["x: scalar, log(sin(x^3)^2)", "x", 1],
  monomial: ["x: scalar, y: scalar, [3*x^2*y; 2*x + 4*y^2]", "x", 1],
  "step-masks-relu": [
    "X: matrix(n, k), y: vector(k), w: vector(n), b: scalar, N: scalar, sum((y - max(0, X'*w + b)).^2)/N",
    "w",
    1,
  ],
  "scalar-factor-first": ["B: matrix(m, n), x: vector(n), sin(B*x.^2)", "x", 1],
  "scalar-leaves-sum": ["sum(2*a*ones)", "a", 1],
  "division-moves-left": ["(y'*x)/(norm2(x)*norm2(y))", "x", 1],
  "negative-scales-difference": [
    "X: matrix(n, k), y: vector(k), w: vector(n), b: scalar, N: scalar, sum((y - max(0, X'*w + b)).^2)/N",
    "w",
    1,
  ],
  "negation-moves-left": ["a: vector(n), b: vector(n), a'*inv(X)*b", "X", 1],
  "negation-enters-product": ["a: vector(n), b: vector(n), a'*inv(X)*b", "X", 1],
  "product-associates-left": ["B: matrix(m, n), x: vector(n), sin(B*x.^2)", "x", 1],
  "diag-times-vector": ["x'*diag(y)*diag(z)*x", "x", 1],
  "diag-times-diag": ["w: vector(n), x: vector(n), w ./ x", "x", 1],
  "sum-of-diags": ["x'*diag(y)*diag(z)*x", "x", 1],
  "diag-times-diag-in-chain": ["sum(log(1 + exp(-y .* (X*w))))", "w", 2],
  "inner-product-with-ones-is-sum": ["-t'*log(softmax(z))", "z", 2],
  "diag-of-ones": ["diag(a*ones)*x", "x", 1],
  "negation-enters-diag": ["exp(x) ./ (1 + exp(x))", "x", 1],
  "scalar-leaves-diag": ["diag(2*x)*y", "y", 1],
  "kron-adjoint-of-identity": ["tr(kron(A, B))", "A", 1],
  "trace-is-sum-of-diagonal": ["tr(adj(X))", "X", 1],
  "inverse-of-inverse": ["inv(inv(X))", "X", 1],
  "inverse-cancels": ["inv(inv(X))", "X", 1],
  "powers-of-one-matrix-multiply": ["tr(X^2*X^3)", "X", 1],
  "diagonal-of-diag": ["diag(diag(diag(x)))'*y", "x", 1],
  "diagonal-of-outer-product": ["sum(diag(x) + diag(y))", "x", 1],
  "hadamard-row-becomes-diag": ["y'*sin(A*x)", "x", 1],
  "scalar-enters-stack": ["2*[a; b]", "a", 1],
  "stacks-entry-wise": ["[a; b] .* [c; d]", "a", 1],
  "transpose-of-block": ["[x; y]", "x", 1],
  "blocks-multiply-by-blocks": ["[x; y]'*[x; y]", "x", 1],
  "blocks-entry-wise": ["[x; a*x]", "x", 1],
  "collect-like-terms": ["x'*A*x", "x", 1],
  "expand-to-collect": ["S: symmetric(n), logdet(S) + x'*inv(S)*x", "S", 1],
  "cancel-scalar-factors": ["x./norm2(x)", "x", 1],
  "factor-common": ["x'*A*x", "x", 1],
  "factor-hadamard": ["x.*y + x.*z", "x", 1],
  // The search's rewrites (src/simplify/search.ts): each is taken where the whole gets shorter.
  "transpose-out-of-product": ["A: matrix(n, n), B: matrix(n, n), tr(A*inv(X)*B)", "X", 1, "denominator"],
  "transpose-out-of-sum": ["B: matrix(n, n), tr(X^2*B)", "X", 1, "denominator"],
  "division-into-sum": ["(x.^0.5 ./ x)/norm2(x)", "x", 1],
  "division-out-of-product": ["a: vector(n), b: vector(n), sqrt(a'*X*b)", "X", 1, "denominator"],
  "negative-power-as-division": ["(x'*x)^0.5", "x", 1],
  "fraction-as-division": ["x: scalar, x^(1/3)", "x", 1],
  "product-into-sum": ["x: vector(n), A: symmetric(n)\nx'*A*x/(x'*x)", "x", 1],
  "coefficient-as-division": ["det(X)^(1/2)", "X", 1],
  "product-as-power": ["tr(inv(X))", "X", 1],
};

/** The chain's rules and the search's. */
const RULES = [
  ...DEFAULT_RULESETS.flatMap((set) => set.rules.map((r) => r.name)),
  ...SEARCH_RULES.map((r) => r.name),
];

describe("every rewrite rule has an example in the language", () => {
  it("names an example for every rule, and no rule that is not there", () => {
    expect(RULES.filter((r) => !(r in EXAMPLES))).toEqual([]);
    expect(Object.keys(EXAMPLES).filter((r) => !RULES.includes(r))).toEqual([]);
  });

  for (const [rule, [problem, wrt, order, layout]] of Object.entries(EXAMPLES))
    it(`${rule}: fires on ${problem} by ${wrt}${order > 1 ? `, order ${order}` : ""}${layout ? `, ${layout}` : ""}`, () => {
      const trace = differentiate(problem, wrt, layout ? { order, layout } : { order }).trace;
      expect(
        trace.map((step) => step.rule),
        `${rule} on ${problem}`,
      ).toContain(rule);
      // Each of its steps there keeps the value.
      for (const step of trace.filter((s) => s.rule === rule))
        for (const seed of [1, 2]) {
          const error = rewriteError(step.before, step.after, seed);
          if (error !== null) expect(error, describeRewrite(step.before, step.after)).toBeLessThan(1e-8);
        }
    });
});
