// The evaluator: fixed values computed by hand, and identities between operators checked on random
// values and sizes (each side evaluated by matcalc through different kernels).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { differentiate, evaluateProblem, loadProblem } from "../src/api/index.js";
import { maxRelativeError } from "../src/tensor/index.js";

function value(problem: string, values: unknown): number[] {
  return Array.from(evaluateProblem(problem, values).data);
}

describe("fixed values", () => {
  it.each([
    [
      "x'*A*x",
      {
        A: [
          [1, 2],
          [3, 4],
        ],
        x: [1, -1],
      },
      [0],
    ],
    [
      "x'*A*x",
      {
        A: [
          [1, 2],
          [3, 4],
        ],
        x: [1, 2],
      },
      [27],
    ],
    [
      "A*x + y",
      {
        A: [
          [1, 2],
          [3, 4],
        ],
        x: [1, 1],
        y: [10, 20],
      },
      [13, 27],
    ],
    ["x: scalar, y: scalar\n[3*x^2*y; 2*x + 4*y^2]", { x: 2, y: 3 }, [36, 40]],
    [
      "det(A)",
      {
        A: [
          [1, 2],
          [3, 4],
        ],
      },
      [-2],
    ],
    [
      "inv(A)",
      {
        A: [
          [1, 2],
          [3, 4],
        ],
      },
      [-2, 1, 1.5, -0.5],
    ],
    [
      "logdet(A)",
      {
        A: [
          [2, 0],
          [0, 3],
        ],
      },
      [Math.log(6)],
    ],
    [
      "tr(A)",
      {
        A: [
          [1, 2],
          [3, 4],
        ],
      },
      [5],
    ],
    ["diag(x)", { x: [1, 2] }, [1, 0, 0, 2]],
    [
      "diag(A)",
      {
        A: [
          [1, 2],
          [3, 4],
        ],
      },
      [1, 4],
    ],
    ["softmax(x)", { x: [0, 0, 0, 0] }, [0.25, 0.25, 0.25, 0.25]],
    ["logsumexp(x)", { x: [1000, 1000] }, [1000 + Math.log(2)]],
    ["norm2(x)", { x: [3, 4] }, [5]],
    [
      "norm2(A)",
      {
        A: [
          [1, 1],
          [1, 1],
        ],
      },
      [2],
    ],
    ["norm1(x)", { x: [3, -4] }, [7]],
    ["max(0, w'*x + b)", { w: [1, 2], x: [1, 1], b: -4 }, [0]],
    ["max(0, w'*x + b)", { w: [1, 2], x: [1, 1], b: 1 }, [4]],
    ["x + c", { x: [1, 2], c: 10 }, [11, 12]],
    ["x*y'", { x: [1, 2], y: [3, 4, 5] }, [3, 4, 5, 6, 8, 10]],
    ["x' + y'", { x: [1, 2], y: [3, 4] }, [4, 6]],
    ["step(x)", { x: [-1, 0, 2] }, [0, 0, 1]],
    ["sign(x)", { x: [-3, 0, 2] }, [-1, 0, 1]],
    ["relu(x)", { x: [-3, 0, 2] }, [0, 0, 2]],
    ["x ./ y", { x: [1, 2], y: [4, 8] }, [0.25, 0.25]],
    ["2.^x", { x: [1, 2] }, [2, 4]],
    ["[a, b; c, d]*x", { a: 1, b: 2, c: 3, d: 4, x: [1, 1] }, [3, 7]],
    ["ones'*x", { x: [1, 2, 3] }, [6]],
    [
      "(A + I)*x",
      {
        A: [
          [1, 2],
          [3, 4],
        ],
        x: [1, 0],
      },
      [2, 3],
    ],
    ["2*pi", {}, [2 * Math.PI]],
    ["sigmoid(a) + softplus(b)", { a: 0, b: 0 }, [0.5 + Math.log(2)]],
  ])("%s", (problem, values, expected) => {
    const got = value(problem, values);
    expect(got).toHaveLength(expected.length);
    for (const [i, g] of got.entries()) expect(g).toBeCloseTo(expected[i]!, 12);
  });

  it("gives vectors, rows, matrices and scalars their shapes", () => {
    const at = {
      A: [
        [1, 2],
        [3, 4],
      ],
      x: [1, 2],
    };
    expect(evaluateProblem("A*x", at).shape).toEqual([2]);
    expect(evaluateProblem("x'*A", at).shape).toEqual([1, 2]);
    expect(evaluateProblem("x'*A*x", at).shape).toEqual([]);
    expect(evaluateProblem("A'", at).shape).toEqual([2, 2]);
  });
});

/** Pairs of expressions that must agree for all values (well-conditioned ones for inverses). */
const IDENTITIES: Array<[string, string]> = [
  ["x'*A*x", "sum(A .* (x*x'))"],
  ["dot(x, y)", "x'*y"],
  ["norm2(x)^2", "x'*x"],
  ["norm1(x)", "sum(abs(x))"],
  ["tr(A*B)", "tr(B*A)"],
  ["(A*B)'", "B'*A'"],
  ["det(A*B)", "det(A)*det(B)"],
  ["inv(M)*M*x", "x"],
  ["det(inv(M))", "1/det(M)"],
  ["logdet(M*M')", "log(det(M)^2)"],
  ["sum(softmax(x))", "1"],
  ["logsumexp(x)", "log(sum(exp(x)))"],
  ["softmax(x)", "exp(x)/sum(exp(x))"],
  ["diag(diag(x))", "x"],
  ["sum(diag(A))", "tr(A)"],
  ["relu(x)", "max(0, x)"],
  ["sigmoid(x)", "1 ./ (1 + exp(-x))"],
  ["softplus(x)", "log(1 + exp(x))"],
  ["sign(x) .* abs(x)", "x"],
  ["sqrt(x.^2)", "abs(x)"],
  ["tan(x)", "sin(x) ./ cos(x)"],
  ["tanh(x)", "(exp(2*x) - 1) ./ (exp(2*x) + 1)"],
  ["x.^2", "x .* x"],
  ["min(x, y) + max(x, y)", "x + y"],
  ["step(x) .* x", "relu(x)"],
  ["(x + c)/c", "x/c + 1"],
  ["-(A - B)", "B - A"],
  ["norm2(A)^2", "tr(A'*A)"],
  ["x'*(A + A')", "(A*x + A'*x)'"],
  ["[x'*y; c]'*[c; a]", "c*(x'*y) + c*a"],
];

function randomValues(n: number, seed: number) {
  let s = seed >>> 0 || 1;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
  const vector = () => Array.from({ length: n }, rand);
  const matrix = () => Array.from({ length: n }, vector);
  const M = matrix().map((row, i) => row.map((v, j) => (i === j ? v + n + 1 : v)));
  return { x: vector(), y: vector(), A: matrix(), B: matrix(), M, a: rand(), c: rand() + 3 };
}

describe("identities between operators", () => {
  for (const [left, right] of IDENTITIES) {
    it(`${left} = ${right}`, () => {
      const lhs = loadProblem(left);
      const rhs = loadProblem(right);
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 6 }), fc.integer(), (n, seed) => {
          const values = randomValues(n, seed);
          const l = evaluateProblem(lhs, values);
          const r = evaluateProblem(rhs, values);
          if (r.data.length === 1 && l.data.length === 1)
            expect(Math.abs(l.data[0]! - r.data[0]!)).toBeLessThan(1e-8 * Math.max(1, Math.abs(r.data[0]!)));
          else expect(maxRelativeError(l, r)).toBeLessThan(1e-8);
        }),
        { numRuns: 40 },
      );
    });
  }
});

describe("index forms", () => {
  it("count the size of a summed index that no factor mentions", () => {
    // d/dx_j of sum([a; sum(sum(x)*I + A)])*x is n·x_i + s·δ[i,j]: the n comes from a summed index
    // that only the derivative of sum(x)*I brought in, and that no factor of its term mentions.
    const d = differentiate("x: vector(n), A: matrix(n, n), a: scalar\nsum([a; sum(sum(x)*I + A)])*x", "x");
    expect(d.kind).toBe("index");
    const x = [0.3, -1.2, 0.7];
    const A = [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 10],
    ];
    const s = 0.4 + (0.3 - 1.2 + 0.7) * 3 + 46;
    const expected = x.flatMap((xi, i) => x.map((_, j) => 3 * xi + (i === j ? s : 0)));
    const got = Array.from(d.evaluate({ x, a: 0.4, A }).data);
    for (let k = 0; k < got.length; k++) expect(got[k]).toBeCloseTo(expected[k]!, 10);
  });
});
