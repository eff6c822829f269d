import { describe, expect, it } from "vitest";
import { toText } from "../render/index.js";
import { parseProblem } from "../syntax/index.js";
import { checkProblem } from "./checker.js";

function check(source: string) {
  const parsed = parseProblem(source);
  expect(parsed.diagnostics).toEqual([]);
  const result = checkProblem(parsed.problem);
  if (!result.problem) throw new Error(result.diagnostics[0]?.message);
  return result.problem;
}

function types(source: string): Record<string, string> {
  const problem = check(source);
  const out: Record<string, string> = {};
  for (const v of problem.variables) out[v.name] = `${v.kind}(${v.shape.join(",")})`;
  out.result = `[${problem.expression.shape.join(",")}]`;
  return out;
}

function error(source: string): string {
  const result = checkProblem(parseProblem(source).problem);
  expect(result.problem).toBeNull();
  return result.diagnostics[0]!.message;
}

describe("default typing (matrixcalculus.org's convention)", () => {
  it("types by first letter and Greek names as scalars", () => {
    expect(types("a*x + alpha*B*y + theta")).toMatchObject({
      a: "scalar()",
      x: "vector(m)",
      alpha: "scalar()",
      B: "matrix(m,n)",
      y: "vector(n)",
      theta: "scalar()",
    });
  });

  it("makes a symmetric matrix square, from its one size or from none, whatever uses it", () => {
    expect(types("S: symmetric(n)\nS")).toMatchObject({ S: "symmetric(n,n)" });
    expect(types("S: symmetric(3)\n2*S")).toMatchObject({ S: "symmetric(3,3)", result: "[3,3]" });
    const free = check("S: symmetric\nS").variables[0]!;
    expect(free.shape[0]).toBe(free.shape[1]);
  });

  it("lets a declaration win over the first letter", () => {
    expect(types("c: vector(n), x: vector(n)\nc'*x")).toMatchObject({ c: "vector(n)", result: "[]" });
  });
});

describe("shape inference by unification", () => {
  it("A*x + y gives A: matrix(m, n), x: vector(n), y: vector(m)", () => {
    expect(types("A*x + y")).toEqual({ A: "matrix(m,n)", x: "vector(n)", y: "vector(m)", result: "[m]" });
  });

  it("x'*A*x forces a square A and names the lone size n", () => {
    expect(types("x'*A*x")).toEqual({ x: "vector(n)", A: "matrix(n,n)", result: "[]" });
  });

  it("propagates declared sizes through the whole problem", () => {
    expect(types("A: matrix(m, n)\nA*x + y")).toMatchObject({ x: "vector(n)", y: "vector(m)" });
  });

  it("takes the size of I and ones from context", () => {
    const problem = check("A: matrix(k, k)\nA + I");
    expect(problem.expression.args[1]!.shape).toEqual(["k", "k"]);
    expect(check("x: vector(3)\nones'*x").expression.args[0]!.args[0]!.shape).toEqual([3]);
    // x + ones is x + 1: one spelling of one sum.
    expect(check("x: vector(3)\nx + ones").expression.args[1]!.shape).toEqual([]);
  });

  it("applies scalar expansion", () => {
    expect(types("x + c")).toMatchObject({ result: "[n]" });
    expect(types("A .* b")).toMatchObject({ result: "[m,n]" });
  });

  it("makes x' a 1×n row and x'*y a scalar", () => {
    expect(check("x'").expression.shape).toEqual([1, "n"]);
    expect(check("x'*y").expression.shape).toEqual([]);
    expect(check("x'*A").expression.shape).toEqual([1, "n"]);
    expect(check("x*y'").expression.shape).toEqual(["m", "n"]);
    expect(check("(x')'").expression.shape).toEqual(["n"]);
  });

  it("gives stacks literal sizes", () => {
    expect(check("[a; b; c]").expression.shape).toEqual([3]);
    expect(check("[a, b]").expression.shape).toEqual([1, 2]);
    expect(check("[a, b; c, d]").expression.shape).toEqual([2, 2]);
  });

  it("keeps different declared sizes apart", () => {
    expect(error("A: matrix(n, m), y: vector(k)\nA * y")).toBe("cannot multiply A (n×m) by y (k)");
  });

  it("checks every operator's shape rule", () => {
    expect(error("tr(x)")).toBe("tr needs a square matrix, got x (n)");
    expect(error("x: vector(n)\nx^2")).toMatch(/write \.\^ for the power of each entry/);
    expect(error("x / y")).toMatch(/divisor must be a scalar/);
    expect(error("softmax(A)")).toMatch(/needs a vector/);
    expect(error("dot(x, A)")).toMatch(/dot needs two vectors/);
  });

  it("picks diag by the argument's rank", () => {
    expect(check("diag(x)").expression.op).toBe("diagMatrix");
    expect(check("diag(A)").expression.op).toBe("diagVector");
  });

  it("folds a negative literal into a constant and keeps pi by name", () => {
    expect(check("-3").expression.attrs.value).toBe(-3);
    expect(toText(check("2*pi*a").expression)).toBe("2*pi*a");
  });

  it("shares equal subexpressions (hash-consing)", () => {
    const e = check("sin(x)'*sin(x)").expression;
    expect(e.args[0]!.args[0]).toBe(e.args[1]);
  });
});
