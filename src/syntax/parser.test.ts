import { describe, expect, it } from "vitest";
import type { SyntaxExpr } from "./ast.js";
import { tokenize } from "./lexer.js";
import { parseProblem } from "./parser.js";

/** A compact s-expression of the tree, to state precedence and associativity plainly. */
function sexp(expr: SyntaxExpr | null): string {
  if (!expr) return "null";
  switch (expr.kind) {
    case "number":
      return String(expr.value);
    case "name":
      return expr.name;
    case "negate":
      return `(neg ${sexp(expr.operand)})`;
    case "binary":
      return `(${expr.operator} ${sexp(expr.left)} ${sexp(expr.right)})`;
    case "transpose":
      return `(' ${sexp(expr.operand)})`;
    case "call":
      return `(${expr.callee} ${expr.args.map(sexp).join(" ")})`;
    case "matrix":
      return `[${expr.rows.map((r) => r.map(sexp).join(" ")).join("; ")}]`;
    case "error":
      return "ERROR";
  }
}

function tree(source: string): string {
  const { problem, diagnostics } = parseProblem(source);
  expect(diagnostics).toEqual([]);
  return sexp(problem.expression);
}

describe("lexer", () => {
  it("reads numbers in every form of SPEC §1", () => {
    const values = tokenize("1e-3 .5 2. 3 1E+2 0.25")
      .filter((t) => t.kind === "number")
      .map((t) => t.value);
    expect(values).toEqual([0.001, 0.5, 2, 3, 100, 0.25]);
  });

  it("reads 2.*x as 2 .* x, as Matlab does", () => {
    expect(tokenize("2.*x").map((t) => t.text)).toEqual(["2", ".*", "x", ""]);
  });

  it("marks characters outside the language as invalid", () => {
    expect(tokenize("x $ y").map((t) => t.kind)).toEqual(["name", "invalid", "name", "end"]);
  });
});

describe("parser precedence (SPEC §1)", () => {
  it.each([
    ["x' * A * x", "(* (* (' x) A) x)"],
    ["a + b * c", "(+ a (* b c))"],
    ["a - b - c", "(- (- a b) c)"],
    ["-c^2", "(neg (^ c 2))"],
    ["-a * b", "(* (neg a) b)"],
    ["a^b^c", "(^ (^ a b) c)"],
    ["2^-1", "(^ 2 (neg 1))"],
    ["x'^2", "(^ (' x) 2)"],
    ["A''", "(' (' A))"],
    ["x .* y ./ z", "(./ (.* x y) z)"],
    ["x .^ 2 + 1", "(+ (.^ x 2) 1)"],
    ["max(0, w'*x + b)", "(max 0 (+ (* (' w) x) b))"],
    ["[3*x^2*y; 2*x + 4*y^2]", "[(* (* 3 (^ x 2)) y); (+ (* 2 x) (* 4 (^ y 2)))]"],
    ["[a, b; c, d]", "[a b; c d]"],
    ["(a + b) * c", "(* (+ a b) c)"],
    ["+x", "x"],
  ])("%s", (source, expected) => {
    expect(tree(source)).toBe(expected);
  });
});

describe("problems", () => {
  it("reads declarations on lines before the expression", () => {
    const { problem, diagnostics } = parseProblem("A: matrix(n, n)\nx: vector(n)\nx' * A * x");
    expect(diagnostics).toEqual([]);
    expect(
      problem.declarations.map(
        (d) => `${d.name}:${d.type}(${d.dims.map((x) => (x.kind === "symbol" ? x.name : x.value))})`,
      ),
    ).toEqual(["A:matrix(n,n)", "x:vector(n)"]);
    expect(sexp(problem.expression)).toBe("(* (* (' x) A) x)");
  });

  it("reads declarations separated by commas on one line", () => {
    const { problem, diagnostics } = parseProblem("S: symmetric(n), c: vector(3), alpha: scalar, alpha*c'*S");
    expect(diagnostics).toEqual([]);
    expect(problem.declarations.map((d) => d.name)).toEqual(["S", "c", "alpha"]);
  });

  it("lets a matrix literal span lines", () => {
    expect(tree("[a, b\n c, d]")).toBe("[a b; c d]");
  });

  it("ignores comments", () => {
    expect(tree("# the quadratic form\nx'*x % done")).toBe("(* (' x) x)");
  });

  it("never throws, and reports spans", () => {
    const { problem, diagnostics } = parseProblem("x: vector(n)\nx + * y");
    expect(problem.declarations).toHaveLength(1);
    expect(problem.expression?.kind).toBe("error");
    expect(diagnostics[0]?.span).toEqual({ start: 17, end: 18 });
  });

  it("refuses nesting beyond its limit with a message, not a crash", () => {
    const deep = `${"(".repeat(3000)}x${")".repeat(3000)}`;
    const { diagnostics } = parseProblem(deep);
    expect(diagnostics[0]?.message).toMatch(/nested too deeply/);
    const deepCalls = `${"exp(".repeat(3000)}x${")".repeat(3000)}`;
    expect(parseProblem(deepCalls).diagnostics[0]?.message).toMatch(/nested too deeply/);
    const deepMinus = `${"-".repeat(3000)}x`;
    expect(parseProblem(deepMinus).diagnostics[0]?.message).toMatch(/nested too deeply/);
  });

  it("parses long flat chains without recursion limits", () => {
    const long = Array.from({ length: 5000 }, () => "x").join(" + ");
    expect(parseProblem(long).diagnostics).toEqual([]);
  });
});
