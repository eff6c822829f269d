// Exact constants: fractions stay fractions — through arithmetic on constants, in text (read back to
// the same number), in LaTeX (\frac) and in generated code.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { differentiate, emit, loadProblem, toLatex, toText } from "../src/api/index.js";
import { asFraction, exactly, fractionText } from "../src/ops/index.js";

describe("exact constants", () => {
  it("prints a fraction as one in text, LaTeX and code", () => {
    const d = differentiate("x: scalar, x^(1/3)", "x");
    // (1/3)*x^(-2/3) is printed as the shorter x^(-2/3)/3.
    expect(d.text).toBe("x^(-2/3)/3");
    expect(d.latex).toBe("\\frac{x^{-\\frac{2}{3}}}{3}");
    expect(toText(loadProblem("x: scalar, (1/3)*x").expression)).toBe("(1/3)*x");
    expect(emit("x: scalar, x^(1/3)", "x", { target: "numpy" }).code).toMatch(/x \*\* \(-2\/3\) \/ 3/);
    expect(emit("x: scalar, x^(1/3)", "x", { target: "js" }).code).toMatch(/-2\/3/);
    const issue = differentiate("c: vector, a: vector, b: vector, (c'*a*x'*b)^(1/3)", "x");
    expect(issue.text).toMatch(/\/3\*/);
    expect(issue.text).not.toMatch(/0\.333/);
  });

  it("reads a printed fraction back as the same constant", () => {
    const printed = toText(loadProblem("x: scalar, 2/3*x").expression);
    expect(printed).toBe("(2/3)*x");
    expect(loadProblem(`x: scalar, ${printed}`).expression).toBe(loadProblem("x: scalar, 2/3*x").expression);
    expect(toLatex(loadProblem("x: scalar, x^(-5/12)").expression)).toBe("x^{-\\frac{5}{12}}");
  });

  it("keeps decimals that are short, and numbers that are no small fraction, as they are", () => {
    expect(fractionText(0.5)).toBeNull();
    expect(fractionText(0.25)).toBeNull();
    expect(fractionText(Math.PI)).toBeNull();
    expect(fractionText(1 / 3)).toBe("1/3");
    expect(fractionText(-2 / 3)).toBe("-2/3");
  });

  it("computes with fractions exactly: the result is the double nearest the exact fraction", () => {
    const fraction = fc.tuple(fc.integer({ min: -30, max: 30 }), fc.integer({ min: 1, max: 30 }));
    fc.assert(
      fc.property(
        fraction,
        fraction,
        fc.constantFrom("+", "-", "*", "/") as fc.Arbitrary<"+" | "-" | "*" | "/">,
        ([p, q], [r, s], op) => {
          if (op === "/" && r === 0) return;
          const [num, den] =
            op === "+"
              ? [p * s + r * q, q * s]
              : op === "-"
                ? [p * s - r * q, q * s]
                : op === "*"
                  ? [p * r, q * s]
                  : [p * s * Math.sign(r), q * Math.abs(r)];
          const got = exactly(op, p / q, r / s);
          expect(got).toBe(num / den);
          if (den <= 1000) expect(asFraction(got)).not.toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });
});
