// Block matrices and stacks of vectors ([x; y], [A, B; C, D], [x; 1]) and the Kronecker product
// kron(A, B): their sizes are sums and products of sizes, carried symbolically (n+m, m*p) and settled
// by the values; their derivatives are exact, in matrix form where one exists, and checked by numbers.
import { describe, expect, it } from "vitest";
import {
  analyze,
  checkDerivative,
  differentiate,
  evaluateProblem,
  formatError,
  loadProblem,
  shapeReport,
  toText,
} from "../src/api/index.js";
import { runCli } from "./cli-harness.js";

const shapeOf = (source: string) => shapeReport(loadProblem(source)).result;

describe("block matrices and stacks of vectors", () => {
  it("sizes a block matrix by the sums of its blocks' sizes", () => {
    expect(shapeOf("x: vector(n), y: vector(m); [x; y]")).toBe("vector(m+n)");
    expect(shapeOf("x: vector(n); [x; 1]")).toBe("vector(n+1)");
    expect(shapeOf("A: matrix(m, n), x: vector(m), y: vector(n), a: scalar; [A, x; y', a]")).toBe(
      "matrix(m+1, n+1)",
    );
    expect(shapeOf("x: vector(3), y: vector(2); [x; y]")).toBe("vector(5)");
    expect(shapeOf("x: vector(n), y: vector(n); [x, y]")).toBe("matrix(n, 2)");
  });

  it("evaluates to the blocks laid side by side and one under another", () => {
    const value = evaluateProblem("[A, x; y', a]", {
      A: [
        [1, 2],
        [3, 4],
      ],
      x: [5, 6],
      y: [7, 8],
      a: 9,
    });
    expect(value.shape).toEqual([3, 3]);
    expect(Array.from(value.data)).toEqual([1, 2, 5, 3, 4, 6, 7, 8, 9]);
  });

  it("differentiates through blocks in matrix form, each derivative checked", () => {
    const cases: ReadonlyArray<[string, string, string]> = [
      ["[x; y]", "x", "[I; 0]"],
      ["[x; y]", "y", "[0; I]"],
      ["w'*[x; 1]", "w", "[x', 1]"],
      ["sum([x; 1].^2)", "x", "2*x'"],
      ["[x; a*x]", "x", "[I; a*I]"],
      ["tr(C'*[A, B; D, E])", "B", "[0, I]*C'*[I; 0]"],
    ];
    for (const [problem, wrt, form] of cases) {
      expect(toText(differentiate(problem, wrt).node!), `${problem} by ${wrt}`).toBe(form);
      expect(checkDerivative(problem, wrt).passed, `${problem} by ${wrt}`).toBe(true);
    }
    const hessian = checkDerivative(
      "x: vector(n), C: matrix(n, m), z: vector(m); [softmax(C*z); a]'*[x; a]",
      "z",
      {
        order: 2,
      },
    );
    expect(hessian.passed).toBe(true);
  });

  it("settles a size made of sums from the values, and says when values disagree with it", () => {
    // A's columns are x's and y's sizes together: the values of x and y fix them.
    const value = evaluateProblem("A*[x; y]", { A: [[1, 1, 1]], x: [1, 2], y: [3] });
    expect(Array.from(value.data)).toEqual([6]);
    const problem = loadProblem("A*[x; y]");
    expect(problem.variables.find((v) => v.name === "A")!.shape).toEqual(["m", "k+n"]);
    expect(() => evaluateProblem("A*[x; y]", { A: [[1, 1, 1, 1]], x: [1, 2], y: [3] })).toThrow(
      /values disagree on the size k\+n = 3: A has 4 columns/,
    );
    // A's columns fix the size of y once x fixes its own: y's value is then checked against it.
    expect(() => evaluateProblem("A*[x; y]", { A: [[1, 1, 1, 1]], x: [1, 2], y: [3, 4] })).not.toThrow();
  });

  it("refuses a block matrix whose blocks do not fit, and a size equal to a part of itself", () => {
    const errors = [
      [
        "x: vector(3), A: matrix(2, 2); [A; x']",
        /the blocks of column 1 must have one width: A \(2×2\) and x' \(1×3\)/,
      ],
      ["x: vector(n), y: vector(m); [x; y] + x", /cannot add \[x; y\] \(m\+n\) and x \(n\)/],
    ] as const;
    for (const [source, message] of errors) {
      const analysis = analyze(source);
      expect(analysis.problem, source).toBeNull();
      expect(formatError(analysis.diagnostics[0]!, source)).toMatch(message);
    }
  });
});

describe("the Kronecker product", () => {
  it("sizes kron(A, B) by the products of the sizes", () => {
    expect(shapeOf("A: matrix(m, n), B: matrix(p, q); kron(A, B)")).toBe("matrix(m*p, n*q)");
    expect(shapeOf("x: vector(n), y: vector(m); kron(x, y)")).toBe("vector(m*n)");
    expect(shapeOf("A: matrix(2, 3), B: matrix(4, 5); kron(A, B)")).toBe("matrix(8, 15)");
    // A vector beside a matrix is a column.
    expect(shapeOf("x: vector(n), B: matrix(p, q); kron(x, B)")).toBe("matrix(n*p, q)");
  });

  it("evaluates to every product of an entry of A with B", () => {
    const value = evaluateProblem("kron(A, B)", {
      A: [
        [1, 2],
        [3, 4],
      ],
      B: [[1, -1]],
    });
    expect(value.shape).toEqual([2, 4]);
    expect(Array.from(value.data)).toEqual([1, -1, 2, -2, 3, -3, 4, -4]);
  });

  it("differentiates scalar functions of it by either factor, in matrix form, checked", () => {
    const cases: ReadonlyArray<[string, string, string]> = [
      ["tr(C'*kron(A, B))", "A", "kronT1(C, B)'"],
      ["tr(C'*kron(A, B))", "B", "kronT2(A, C)'"],
      ["kron(x, y)", "x", "kron(I, y')'"],
      ["kron(x, y)", "y", "kron(x', I)'"],
      ["x'*kron(A, B)*y", "B", "kronT2(A, x*y')'"],
    ];
    for (const [problem, wrt, form] of cases) {
      expect(toText(differentiate(problem, wrt).node!), `${problem} by ${wrt}`).toBe(form);
      expect(checkDerivative(problem, wrt).passed, `${problem} by ${wrt}`).toBe(true);
    }
    expect(checkDerivative("norm2(kron(x, y))^2", "x", { order: 2 }).passed).toBe(true);
    expect(checkDerivative("logdet(kron(A, B))", "A").passed).toBe(true);
  });

  it("says so, with the reason, where the derivative has neither a matrix form nor index notation", async () => {
    const run = await runCli(["diff", "kron(A, B)", "--wrt", "A"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: this derivative through kron has no index notation/);
  });

  it("runs in generated code as it evaluates", async () => {
    const run = await runCli(["emit", "tr(C'*kron(A, B))", "--wrt", "A", "--target", "numpy"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("np.kron(");
  });
});
