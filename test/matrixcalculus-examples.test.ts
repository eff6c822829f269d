// matrixcalculus.org's documented input examples, verbatim: each differentiates by every one of its
// variables (typed by first letter as the site types them), and the numeric check passes.
import { describe, expect, it } from "vitest";
import { checkDerivative, loadProblem } from "../src/api/index.js";

const DOCUMENTED = [
  "0.5*x'*A*x",
  "A*exp(x)",
  "sin(x)'*y",
  "(y.*v)'*x",
  "a^b",
  "norm1(A*x-y)",
  "norm2(A*x-y)^2",
  "sum(log(exp(-y.*(X*w)) + vector(1)))",
  "tr(A*X'*B*X*C)",
  "log(det(inv(X)))",
];

describe("matrixcalculus.org's documented examples", () => {
  for (const problem of DOCUMENTED)
    it(`runs ${problem} verbatim by every variable`, () => {
      const p = loadProblem(problem);
      expect(p.notes).toEqual([]);
      for (const v of p.variables) {
        const report = checkDerivative(p, v.name);
        expect(report.passed, `${problem} by ${v.name}: ${report.maxRelativeError}`).toBe(true);
      }
    });
});
