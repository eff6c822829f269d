// What people type: every other spelling the language accepts means exactly what its own spelling
// means (the same expression, node for node), and a spelling it cannot read gets a message that says
// what to write. No spelling is read silently as something else: a name retyped through ^ says so.
import { describe, expect, it } from "vitest";
import { analyze, differentiate, formatError, loadProblem, toText } from "../src/api/index.js";

const DECLARED = "x: vector(n), y: vector(n), A: matrix(n, n), X: matrix(n, n)";

/** [as typed, as the language spells it] — each pair must read to the same expression. */
const SAME: ReadonlyArray<readonly [string, string]> = [
  ["x^T*A*x", "x'*A*x"],
  ["x^{T}*A*x", "x'*A*x"],
  ["x^\\top*A*x", "x'*A*x"],
  ["x^⊤*A*x", "x'*A*x"],
  ["xᵀ*A*x", "x'*A*x"],
  ["x.T*A*x", "x'*A*x"],
  ["x.'*A*x", "x'*A*x"],
  ["A^T*x", "A'*x"],
  ["(A*X)^T", "(A*X)'"],
  ["transpose(A)*x", "A'*x"],
  ["X^-1", "inv(X)"],
  ["X^(-1)", "inv(X)"],
  ["X^{-1}", "inv(X)"],
  ["inverse(X)", "inv(X)"],
  ["X^1", "X"],
  ["trace(X)", "tr(X)"],
  ["ln(x)", "log(x)"],
  ["norm(x)", "norm2(x)"],
  ["‖x‖", "norm2(x)"],
  ["‖A*x - y‖^2", "norm2(A*x - y)^2"],
  ["x ⊙ y", "x .* y"],
  ["x ∘ y", "x .* y"],
  ["A @ x", "A*x"],
  ["x.T @ A @ x", "x'*A*x"],
  ["X**3", "X^3"],
  ["X²", "X^2"],
  ["X³", "X^3"],
  ["X^{2}", "X^2"],
  ["asin(x)", "arcsin(x)"],
  ["acos(x)", "arccos(x)"],
  ["atan(x)", "arctan(x)"],
  ["x'*eye*x", "x'*I*x"],
  ["vector(2)", "2*ones"],
  ["||A*x - y||^2", "norm2(A*x - y)^2"],
  ["norm(x, 1)", "norm1(x)"],
  ["norm(x, 2)", "norm2(x)"],
  ["|a - b|", "abs(a - b)"],
  ["A ⊗ X", "kron(A, X)"],
  ["x ⊗ y", "kron(x, y)"],
  ["matrix(a) .* X", "(a*(ones*ones')) .* X"],
];

const expressionOf = (text: string) => {
  const a = analyze(`${DECLARED}\n${text}`);
  if (a.problem === null) throw new Error(`${text}: ${a.diagnostics[0]?.message}`);
  return a.problem.expression;
};

describe("spellings people type", () => {
  for (const [typed, own] of SAME)
    it(`reads ${typed} as ${own}`, () => {
      expect(toText(expressionOf(typed))).toBe(toText(expressionOf(own)));
      expect(expressionOf(typed)).toBe(expressionOf(own));
    });

  it("reads X^k of a square matrix as its matrix power, whose derivative is the matrix power's", () => {
    expect(toText(differentiate("tr(X^3)", "X").node!)).toBe("3*X^2");
    expect(toText(differentiate("tr(X^3)", "X", { layout: "denominator" }).node!)).toBe("3*X'^2");
    expect(differentiate("X^2", "X").kronecker?.text).toBe("X' ⊗ I + I ⊗ X");
    expect(toText(differentiate("x^T*A*x", "x").node!)).toBe("x'*(A + A')");
  });

  const refused: ReadonlyArray<readonly [string, RegExp]> = [
    ["trce(X)", /unknown function 'trce' — did you mean tr\?/],
    ["sofmax(x)", /did you mean softmax\?/],
    ["tarnspose(A)", /did you mean transpose\?/],
    [`${DECLARED}\nx^2`, /write \.\^ for the power of each entry \(x\.\^2\), or x'\*x/],
    ["X^n", /the power of a matrix needs a whole number written as a number/],
    ["X^0.5", /the power of a matrix needs a whole number/],
    ["X^100000", /the power of a matrix is at most 64 here/],
    ["X^-100000", /the power of a matrix is at most 64 here/],
    ["A: matrix(m, n)\nA^2", /square matrix/],
    ["x $ y", /unexpected character '\$'/],
    ["(x')^2", /\^ is the power of a scalar or of a square matrix, got x' \(1×n\)/],
    ["(c'*a*x'*b)^(1/3)", /write \.\^ for the power of each entry/],
    ["[1 2; 3 4]*x", /separate the entries in brackets with ',' \(a row\) or ';' \(a column\)/],
    ["A\\b", /for A\\b, the solution of A\*x = b, write inv\(A\)\*b/],
    ["|x|", /\|x\| is the absolute value of a number, got x \(n\): write abs\(x\).*or norm2\(x\)/],
    ["norm(x, 3)", /norm\(x, p\) takes p = 1 or 2/],
  ];
  for (const [text, message] of refused)
    it(`refuses ${text.split("\n").at(-1)} with a message that says what to write`, () => {
      let error: unknown = null;
      try {
        loadProblem(text);
      } catch (e) {
        error = e;
      }
      expect(error, text).not.toBeNull();
      expect(formatError(error, text)).toMatch(message);
    });

  it("runs matrixcalculus.org's documented logistic regression verbatim", () => {
    const d = differentiate("sum(log(exp(-y.*(X*w)) + vector(1)))", "w");
    expect(d.kind).toBe("matrix");
  });

  it("says so where a name's ^ makes it a scalar, and never makes a capital name one", () => {
    const lecture = loadProblem("log(sin(x^3)^2)");
    expect(lecture.variables).toEqual([expect.objectContaining({ name: "x", kind: "scalar" })]);
    expect(lecture.notes.join(" ")).toMatch(/x is read as a scalar, because of its \^/);
    expect(differentiate(lecture, "x").notes.join(" ")).toMatch(/x is read as a scalar/);
    // A Greek name is a scalar, not what its first letter says: said too.
    expect(loadProblem("theta'*x").notes.join(" ")).toMatch(/theta is read as a scalar \(a Greek name/);
    expect(loadProblem("alpha*a").notes).toEqual([]);
    expect(loadProblem("theta: vector\ntheta'*x").notes).toEqual([]);
    // Declared or scalar by its first letter: nothing to say.
    expect(loadProblem("a^3").notes).toEqual([]);
    expect(loadProblem("e^x").notes.join(" ")).toMatch(
      /e is a variable here, not Euler's number: write exp\(x\)/,
    );
    expect(loadProblem("x: scalar\nx^3").notes).toEqual([]);
    // X is a matrix: its ^ is the matrix power (it once made X a scalar, silently).
    const power = loadProblem("X^3 - 1");
    expect(power.variables).toEqual([expect.objectContaining({ name: "X", kind: "matrix" })]);
    expect(power.notes).toEqual([]);
  });
});
