// Numeric forward- and reverse-mode AD over the IR, the check's two cross-checks: on random problems
// over every operator they agree with each other (two different sweeps of the same rules) and with
// central finite differences; on the lecture's cases they agree with the symbolic result.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkDerivative, isMatcalcError, loadProblem } from "../src/api/index.js";
import { forwardModeDerivative, reverseModeDerivative } from "../src/verify/index.js";
import { usableValues } from "./derivative-checks.js";
import { moderateNumbers, problems } from "./generators.js";
import { LECTURE_CASES, problemText } from "./lecture-cases.js";

const SMOOTH = ["exp", "sin", "cos", "tanh", "sigmoid", "softplus", "sqrt", "log"];

function maxDifference(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

describe("numeric AD over the IR", () => {
  it("forward and reverse mode agree on random problems", () => {
    let compared = 0;
    fc.assert(
      fc.property(
        fc.constantFrom("S", "V", "M", "R") as fc.Arbitrary<"S" | "V" | "M" | "R">,
        fc.constantFrom("x", "A", "a"),
        fc.integer({ min: 1, max: 1000 }),
        (kind, wrt, seed) => {
          const source = fc.sample(problems(kind, SMOOTH, moderateNumbers), { numRuns: 1, seed })[0]!;
          if (source.length > 400) return;
          const problem = loadProblem(source);
          const values = usableValues(problem, seed);
          if (!values) return;
          let forward: Float64Array;
          let reverse: Float64Array;
          try {
            forward = forwardModeDerivative(problem, problem.expression, [wrt], values)!;
            reverse = reverseModeDerivative(problem, problem.expression, [wrt], values)!;
          } catch (error) {
            // A matrix that is singular to rounding (inv of a rank-one product) may pass the value's
            // evaluation and fail in a sweep's: no numbers to compare.
            if (isMatcalcError(error)) return;
            throw error;
          }
          expect(forward.length).toBe(reverse.length);
          expect(maxDifference(forward, reverse), source).toBeLessThan(1e-9);
          compared++;
        },
      ),
      { numRuns: 150 },
    );
    expect(compared).toBeGreaterThan(50);
  });

  it("both agree with the symbolic derivative on every lecture case", () => {
    for (const c of LECTURE_CASES) {
      const report = checkDerivative(problemText(c), c.wrt, { order: c.order, values: c.values });
      if (report.forwardModeError !== null) expect(report.forwardModeError, c.id).toBeLessThan(1e-9);
      if (report.reverseModeError !== null) expect(report.reverseModeError, c.id).toBeLessThan(1e-9);
    }
    const hessian = checkDerivative("x'*A*x", "x", { order: 2 });
    expect(hessian.forwardModeError).not.toBeNull();
    expect(hessian.passed).toBe(true);
  });
});
