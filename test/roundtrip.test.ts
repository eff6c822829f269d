// Printers: parse(print(e)) is e for random well-typed expressions over every operator, and the
// LaTeX printer's output renders in KaTeX.
import fc from "fast-check";
import katex from "katex";
import { describe, expect, it } from "vitest";
import { loadProblem, toLatex, toText } from "../src/api/index.js";
import { anyTypedProblem, DECLARATIONS } from "./generators.js";

describe("text printer", () => {
  it("round-trips: checking the printed text gives the same node", () => {
    fc.assert(
      fc.property(anyTypedProblem, (source) => {
        const original = loadProblem(source).expression;
        const printed = toText(original);
        const again = loadProblem(`${DECLARATIONS}\n${printed}`).expression;
        expect(toText(again)).toBe(printed);
        expect(again).toBe(original);
      }),
      { numRuns: 1500 },
    );
  });

  it("names sizes nobody named in order of appearance, past the generated names too", () => {
    // Found by the property above: with more free sizes than generated names, the spare names were
    // numbered by internal handles, so `ones` and `1` (one handle more or less) named them apart.
    const source =
      "((x*x'*x + ones + ones))'*A + tr(kron(x*(x + (tr(kron(A, inv(softmax((a*I), 1)))) + tr(kron(I, I)))*ones)'*(A*(tr(kron(I, I))*A*C))*(x*(x + (tr(kron(A, inv(softmax(a*I, 1)))) + tr(kron(I, I)))*ones)'*(A*(tr(kron(I, I))*A*C)))', A))*x'";
    const original = loadProblem(`${DECLARATIONS}\n${source}`).expression;
    const again = loadProblem(`${DECLARATIONS}\n${toText(original)}`).expression;
    expect(again).toBe(original);
  });

  it.each([
    ["x' * A * x", "x'*A*x"],
    ["(A*x)'", "(A*x)'"],
    ["-(-x)", "-(-x)"],
    ["a - (b - c)", "a - (b - c)"],
    ["(a - b) - c", "a - b - c"],
    ["a*(-b)", "a*(-b)"],
    ["(-2)^a", "(-2)^a"],
    ["2^(-1)", "2^(-1)"],
    ["-a^2", "-a^2"],
    ["(-a)^2", "(-a)^2"],
    ["x.^2 ./ (1 + x)", "x.^2 ./ (1 + x)"],
    ["[a; b; c]", "[a; b; c]"],
    ["[a, b; c, d]", "[a, b; c, d]"],
    ["1e-3 * a", "0.001*a"],
  ])("prints %s as %s", (source, expected) => {
    expect(toText(loadProblem(source).expression)).toBe(expected);
  });
});

describe("LaTeX printer", () => {
  it("renders every generated expression in KaTeX", () => {
    fc.assert(
      fc.property(anyTypedProblem, (source) => {
        const latex = toLatex(loadProblem(source).expression);
        expect(() => katex.renderToString(latex, { throwOnError: true, displayMode: true })).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ["x'*A*x", "\\mathbf{x}^\\top \\mathbf{A} \\mathbf{x}"],
    ["tr(A)", "\\operatorname{tr}\\left(\\mathbf{A}\\right)"],
    ["x .* y", "\\mathbf{x} \\odot \\mathbf{y}"],
    ["x ./ y", "\\mathbf{x} \\oslash \\mathbf{y}"],
    ["[a; b]", "\\begin{bmatrix} a \\\\ b \\end{bmatrix}"],
    ["x + ones", "\\mathbf{x} + 1"],
    ["ones'*x", "\\mathbf{1}^\\top \\mathbf{x}"],
    ["A + I", "\\mathbf{A} + I"],
    ["alpha*x1", "\\alpha \\mathbf{x}_{1}"],
    ["(A*x)'", "\\left(\\mathbf{A} \\mathbf{x}\\right)^\\top"],
    ["inv(A)", "\\mathbf{A}^{-1}"],
    ["a/b", "\\frac{a}{b}"],
  ])("writes %s as %s", (source, expected) => {
    expect(toLatex(loadProblem(source).expression)).toBe(expected);
  });
});
