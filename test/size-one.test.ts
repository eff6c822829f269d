// Size-1 dimensions: random problems over every operator with their sizes written as literals 1, 2
// and 3 (a 1×1 matrix is a scalar, a matrix(1, m) a row, a vector(1) a 1-vector). Whatever checks must
// differentiate to numbers that agree with finite differences, or be refused with a MatcalcError —
// never an internal error. PROPERTY_RUNS scales the number of problems.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze, checkDerivative, differentiate, isMatcalcError, type Layout } from "../src/api/index.js";
import { derivativeError } from "./derivative-checks.js";
import { DECLARATIONS, moderateNumbers, typedExpressions } from "./generators.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1);
const SMOOTH = ["exp", "sin", "tanh", "sigmoid", "softplus", "log", "sqrt"];

/** The generators' declarations with the sizes n and m written as the given literals. */
function declarations(n: number, m: number): string {
  return DECLARATIONS.replace(/\(n, n\)/g, `(${n}, ${n})`)
    .replace(/\(n, m\)/g, `(${n}, ${m})`)
    .replace(/\(n\)/g, `(${n})`)
    .replace(/\(m\)/g, `(${m})`);
}

const expressions = typedExpressions(SMOOTH, moderateNumbers);
const sized = fc.record({
  n: fc.constantFrom(1, 1, 2),
  m: fc.constantFrom(1, 3),
  expression: fc.oneof(expressions.S, expressions.V, expressions.M, expressions.R, expressions.C),
  wrt: fc.constantFrom("a", "x", "z", "A", "C"),
  layout: fc.constantFrom<Layout>("numerator", "denominator", "mixed"),
  order: fc.constantFrom(1, 1, 2),
  seed: fc.integer({ min: 1, max: 1000 }),
});

describe("size-1 dimensions", () => {
  it("the declarations become what they are: a 1×1 matrix is a scalar", () => {
    expect(analyze("x: vector(1), A: matrix(1, 1), x'*A*x").problem!.expression.shape).toEqual([]);
    expect(differentiate("X: matrix(1, 1), tr(X*X)", "X").text).toBe("2*X");
    expect(differentiate("x: vector(1), A: matrix(1, 1), x'*A*x", "x").text).toBe("2*A*x");
    expect(analyze("C: matrix(n, 1), C").problem!.expression.shape).toEqual(["n"]);
    expect(analyze("B: matrix(1, n), B").problem!.expression.shape).toEqual([1, "n"]);
    // A 1×1 identity is the number 1 in index notation too (it once printed δ[,] and skipped its check).
    expect(differentiate("C: matrix(1, 3), I*C", "C").text).toBe("T[i,j] = δ[i,j]");
    expect(checkDerivative("C: matrix(1, 3), I*C", "C").passed).toBe(true);
    // An axis of size 1 carries no index: a delta between two of them is 1 (it once printed δ[,]).
    const unit = "x: vector(1), z: vector(3), C: matrix(1, 3), diag(x + ones + C*z)'*C";
    expect(differentiate(unit, "C").text).not.toMatch(/\[,?\]/);
    expect(checkDerivative(unit, "C").passed).toBe(true);
  });

  it("differentiates random problems with sizes of 1 to numbers that agree with finite differences", () => {
    let checked = 0;
    fc.assert(
      fc.property(sized, ({ n, m, expression, wrt, layout, order, seed }) => {
        const source = `${declarations(n, m)}\n${expression}`.slice(0, order === 1 ? 2000 : 500);
        const analysis = analyze(source);
        if (analysis.problem === null) {
          for (const d of analysis.diagnostics) expect(d.message.length).toBeGreaterThan(0);
          return;
        }
        if (!analysis.problem.variables.some((v) => v.name === wrt)) return;
        let verdict: ReturnType<typeof derivativeError>;
        try {
          verdict = derivativeError(source, wrt, { order, layout }, seed);
        } catch (error) {
          if (isMatcalcError(error)) return; // refused with a message (no matrix form at this order, say)
          throw error;
        }
        if (verdict.kind === "skip") return;
        checked++;
        expect(verdict.error, `d^${order}/d${wrt} (${layout}, n=${n}, m=${m}) of ${expression}`).toBeLessThan(
          1e-4,
        );
      }),
      { numRuns: Math.round(400 * RUNS) },
    );
    expect(checked).toBeGreaterThan(100 * RUNS);
  });
});
