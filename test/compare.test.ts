// Checking an answer written by hand: the verdicts on the lecture's own mistakes (a table), and for
// random problems, that the engine's derivative compares equal in its layout, its transpose equal in
// the other, and a perturbed one unequal.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareAnswer,
  compareWithDerivative,
  differentiate,
  isMatcalcError,
  type Verdict,
} from "../src/api/index.js";
import { runCli } from "./cli-harness.js";
import { moderateNumbers, problems } from "./generators.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1);

/** [problem, variable, answer, verdict, layout it is in (or closest to)]. */
const ANSWERS: ReadonlyArray<readonly [string, string, string, Verdict, string | null]> = [
  ["x'*A*x", "x", "x'*(A + A')", "equal", "numerator"],
  ["x'*A*x", "x", "(A + A')*x", "equal", "denominator"],
  ["x'*A*x", "x", "A*x + A'*x", "equal", "denominator"],
  ["x'*A*x", "x", "2*A*x", "symmetric-only", "denominator"],
  ["x'*A*x", "x", "2*x'*(A + A')", "factor", "numerator"],
  ["x'*A*x", "x", "0.5*(A + A')*x", "factor", "denominator"],
  ["x'*A*x", "x", "-(A + A')*x", "factor", "denominator"],
  ["x'*A*x", "x", "A*x", "missing-term", "denominator"],
  ["x'*A*x", "x", "(A + A')*x + x", "extra-term", "denominator"],
  ["x'*A*x", "x", "A", "shape", null],
  ["x'*A*x", "x", "2*x'", "different", "numerator"],
  ["x'*x", "x", "2*x", "equal", "denominator"],
  ["y'*A*x", "x", "y'*A", "equal", "numerator"],
  ["y'*A*x", "x", "A'*y", "equal", "denominator"],
  ["A: matrix(n, n), y'*A*x", "x", "A*y", "symmetric-only", "denominator"],
  ["A: matrix(n, n), y'*A*x", "x", "A'*x", "different", "denominator"],
  ["log(det(X))", "X", "inv(X)", "equal", "numerator"],
  ["log(det(X))", "X", "inv(X)'", "equal", "denominator"],
  ["tr(A*X*B)", "X", "A'*B'", "equal", "denominator"],
  ["tr(A*X*B)", "X", "B*A", "equal", "numerator"],
  ["mean(x)", "x", "ones'/n", "equal", "numerator"],
  // Sizes only the answer has (ones, I), which fit either layout: read in the one that makes it right.
  [
    "C: matrix(n, m), sum(C'*diag(softmax(I, 1)^2))",
    "C",
    "ones*diag(softmax(I, 1)^2)'",
    "equal",
    "numerator",
  ],
  [
    "C: matrix(n, m), sum(C'*diag(softmax(I, 1)^2))",
    "C",
    "diag(softmax(I, 1)^2)*ones'",
    "equal",
    "denominator",
  ],
  [
    "C: matrix(n, m), sum(C'*diag(softmax(I, 1)^2))",
    "C",
    "2*diag(softmax(I, 1)^2)*ones'",
    "factor",
    "denominator",
  ],
  [
    "mean((y - max(0, X'*w + b)).^2)",
    "w",
    "2*(step(X'*w + b) .* (X'*w + b - y))'/m*X'",
    "equal",
    "numerator",
  ],
];

describe("comparing an answer with the derivative", () => {
  for (const [problem, wrt, answer, verdict, layout] of ANSWERS)
    it(`${problem} by ${wrt}: ${answer} is ${verdict}${layout ? ` (${layout})` : ""}`, () => {
      const c = compareAnswer(problem, wrt, answer);
      expect(c.verdict, c.message).toBe(verdict);
      expect(c.layout).toBe(layout);
      expect(c.equal).toBe(verdict === "equal");
      if (!c.equal) expect(c.counterexample).toBeDefined();
    });

  it("says what is wrong and what would make it right", () => {
    const symmetric = compareAnswer("x'*A*x", "x", "2*A*x");
    expect(symmetric.assumption).toBe("A is symmetric");
    expect(symmetric.message).toMatch(
      /holds only when A is symmetric \(A = A'\): in general the derivative is \(A \+ A'\)\*x/,
    );
    expect(compareAnswer("x'*A*x", "x", "2*x'*(A + A')").factor).toBe(2);
    expect(compareAnswer("x'*A*x", "x", "A*x").term).toBe("A'*x");
    expect(compareAnswer("x'*A*x", "x", "A").message).toMatch(
      /wrong shape: the answer is n×n, the derivative 1×n/,
    );
  });

  it("compares a Hessian with --order 2, and a vector with the column a vector's derivative by a scalar is", () => {
    expect(compareAnswer("x'*A*x", "x", "A + A'", { order: 2 }).verdict).toBe("equal");
    expect(compareAnswer("x'*A*x", "x", "2*A", { order: 2 }).verdict).toBe("symmetric-only");
    expect(compareAnswer("x: vector(n), z: scalar, x + z", "z", "ones").verdict).toBe("equal");
    expect(compareAnswer("x: scalar, [log(x^2); sin(3*x)]", "x", "[2/x; 3*cos(3*x)]").verdict).toBe("equal");
    expect(compareAnswer("x: scalar, [log(x^2); sin(3*x)]", "x", "[1/x; 3*cos(3*x)]").equal).toBe(false);
  });

  it("compares with a derivative already computed, in whichever layout it was asked", () => {
    const d = differentiate("x'*A*x", "x", { layout: "denominator" });
    for (const answer of ["2*A*x", "x'*(A + A')", "(A + A')*x", "A*x"]) {
      const own = compareWithDerivative(d, answer);
      const fresh = compareAnswer("x'*A*x", "x", answer);
      expect([own.verdict, own.layout, own.message]).toEqual([fresh.verdict, fresh.layout, fresh.message]);
    }
  });

  it("refuses an answer in names the problem does not have, and one that does not read", () => {
    expect(() => compareAnswer("x'*A*x", "x", "B*x")).toThrow(
      /the answer uses B, which is not in the problem/,
    );
    expect(() => compareAnswer("x'*A*x", "x", "2*A*")).toThrow(/^the answer: /);
  });

  it("answers on the command line: exit 0 equal, 1 different, 2 bad usage, and JSON", async () => {
    const wrong = await runCli(["compare", "x'*A*x", "--wrt", "x", "--answer", "2*A*x"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/^holds only when A is symmetric[\s\S]*counterexample:\n {2}x = \[/);
    const right = await runCli(["compare", "x'*A*x", "--wrt", "x", "--answer", "x'*(A + A')"]);
    expect(right.code).toBe(0);
    expect(right.stdout).toMatch(/^equal: the answer is the derivative in numerator layout/);
    const denominator = await runCli(["compare", "x'*A*x", "--wrt", "x", "--answer", "(A + A')*x"]);
    expect(denominator.stdout).toMatch(/in denominator layout/);
    expect((await runCli(["compare", "x'*A*x", "--wrt", "x"])).code).toBe(2);
    const json = await runCli(["compare", "x'*A*x", "--wrt", "x", "--answer", "2*A*x", "--json"]);
    const parsed = JSON.parse(json.stdout) as {
      verdict: string;
      counterexample: { answer: { shape: number[] } };
    };
    expect(parsed.verdict).toBe("symmetric-only");
    expect(parsed.counterexample.answer.shape.length).toBe(1);
  });

  it("finds the engine's own derivative equal, its transpose equal in the other layout, and a changed one unequal", () => {
    let compared = 0;
    fc.assert(
      fc.property(problems("S", ["exp", "sin", "tanh", "sigmoid"], moderateNumbers), (source) => {
        if (source.length > 300) return;
        const problem = source.split("\n")[1]!;
        // The first of the variables the expression uses, a vector or a matrix where it has one.
        const wrt = ["x", "A", "z", "C", "y", "B"].find((v) => new RegExp(`\\b${v}\\b`).test(problem));
        if (wrt === undefined) return;
        let text: string;
        try {
          const d = differentiate(source, wrt);
          if (d.kind !== "matrix" || /\b0\b/.test(d.text)) return;
          text = d.text;
        } catch (error) {
          if (isMatcalcError(error)) return;
          throw error;
        }
        let same: ReturnType<typeof compareAnswer>;
        try {
          same = compareAnswer(source, wrt, text);
        } catch (error) {
          // No point where the problem and the answer are both defined (a log of a negative, say).
          if (isMatcalcError(error) && /no random point/.test(error.message)) return;
          throw error;
        }
        expect(same.equal, `${problem} by ${wrt}: ${text} — ${same.message}`).toBe(true);
        expect(same.layout).toBe("numerator");
        const transposed = compareAnswer(source, wrt, `(${text})'`);
        expect(transposed.equal, `${problem} by ${wrt}: (${text})' — ${transposed.message}`).toBe(true);
        // Every entry t moved by (1 + t²)/4, at least half of |t| and at least 1/4: a shift alone is
        // lost in rounding where the entries are 1e10 (an exp of an exp), and an affine change has a
        // value it leaves alone.
        const wrong = `${text} + 0.25*(1 + (${text}).^2)`;
        const changed = compareAnswer(source, wrt, wrong);
        expect(changed.equal, `${problem} by ${wrt}: ${wrong}`).toBe(false);
        compared++;
      }),
      { numRuns: Math.round(200 * RUNS) },
    );
    expect(compared).toBeGreaterThan(20);
  });
});
