// The dot-product test for every transpose rule: for a linear operator J and random t, c,
// ⟨Jᵀc, t⟩ = ⟨c, J t⟩. J t is the operator applied to the tangent argument; Jᵀc is what its
// transpose rule builds from the cotangent c.
import { describe, expect, it } from "vitest";
import { loadProblem } from "../src/api/index.js";
import type { Node } from "../src/ir/index.js";
import { evaluateNodes } from "../src/numeric/index.js";
import {
  constant,
  OPERATORS,
  type OperatorName,
  operands,
  rebuild,
  variable,
  zeros,
} from "../src/ops/index.js";
import { dotEntries } from "../src/tensor/index.js";
import { randomBindingsFor } from "./trace-values.js";

/** Linear uses of every operator that has a transpose rule: the problem, and which argument is linear. */
const CASES: Array<[string, number]> = [
  ["A: matrix(n, m), B: matrix(n, m)\nA + B", 0],
  ["c: scalar, x: vector(n)\nc + x", 0],
  ["c: scalar, x: vector(n)\nx - c", 1],
  ["x: vector(n), y: vector(n)\nx - y", 1],
  ["A: matrix(n, m)\n-A", 0],
  ["A: matrix(n, m), x: vector(m)\nA*x", 0],
  ["A: matrix(n, m), x: vector(m)\nA*x", 1],
  ["A: matrix(n, m), B: matrix(m, k)\nA*B", 0],
  ["A: matrix(n, m), B: matrix(m, k)\nA*B", 1],
  ["c: scalar, x: vector(n)\nc*x", 0],
  ["c: scalar, x: vector(n)\nx*c", 1],
  ["c: scalar, A: matrix(n, m)\nc*A", 0],
  ["x: vector(n), y: vector(n)\nx'*y", 0],
  ["x: vector(n), y: vector(m)\nx*y'", 0],
  ["x: vector(n), y: vector(m)\nx*y'", 1],
  ["x: vector(n), A: matrix(n, m)\nx'*A", 0],
  ["c: scalar, x: vector(n)\nc*x'", 0],
  ["c: scalar, A: matrix(n, m)\nA/c", 0],
  ["x: vector(n), y: vector(n)\nx .* y", 0],
  ["c: scalar, y: vector(n)\nc .* y", 0],
  ["x: vector(n), y: vector(n)\nx ./ y", 0],
  ["c: scalar, y: vector(n)\nc ./ y", 0],
  ["x: vector(n)\nx'", 0],
  ["A: matrix(n, m)\nA'", 0],
  ["x: vector(n)\nsum(x)", 0],
  ["A: matrix(n, m)\nsum(A)", 0],
  ["x: vector(n)\nmean(x)", 0],
  ["A: matrix(n, m)\nmean(A)", 0],
  ["A: matrix(n, m)\nsum(A, 1)", 0],
  ["A: matrix(n, m)\nsum(A, 2)", 0],
  ["A: matrix(n, m)\nmean(A, 1)", 0],
  ["A: matrix(n, m)\nmean(A, 2)", 0],
  ["c: scalar\nmean(c)", 0],
  ["x: vector(n), y: vector(n)\ndot(x, y)", 1],
  ["A: matrix(n, n)\ntr(A)", 0],
  ["x: vector(n)\ndiag(x)", 0],
  ["A: matrix(n, n)\ndiag(A)", 0],
  ["a: scalar, b: scalar, c: scalar\n[a; b; c]", 1],
  ["a: scalar, b: scalar, c: scalar, d: scalar\n[a, b; c, d]", 2],
  ["x: vector(n), y: vector(m)\n[x; y]", 0],
  ["x: vector(n), y: vector(m)\n[x; y]", 1],
  ["x: vector(n), a: scalar\n[x; a]", 1],
  ["A: matrix(n, m), x: vector(n), y: matrix(1, m), a: scalar\n[A, x; y, a]", 0],
  ["A: matrix(n, m), x: vector(n), y: matrix(1, m), a: scalar\n[A, x; y, a]", 1],
  ["A: matrix(n, m), x: vector(n), y: matrix(1, m), a: scalar\n[A, x; y, a]", 2],
  ["A: matrix(n, m), x: vector(n), y: matrix(1, m), a: scalar\n[A, x; y, a]", 3],
  ["A: matrix(n, m), B: matrix(p, q)\nkron(A, B)", 0],
  ["A: matrix(n, m), B: matrix(p, q)\nkron(A, B)", 1],
  ["x: vector(n), B: matrix(p, q)\nkron(x, B)", 0],
  ["A: matrix(n, m), y: vector(p)\nkron(A, y)", 1],
  ["G: matrix(6, 4), B: matrix(3, 2)\nkronT1(G, B)", 0],
  ["G: matrix(6, 4), B: matrix(3, 2)\nkronT1(G, B)", 1],
  ["A: matrix(3, 2), G: matrix(6, 4)\nkronT2(A, G)", 0],
  ["A: matrix(3, 2), G: matrix(6, 4)\nkronT2(A, G)", 1],
];

describe("transpose rules pass the dot-product test", () => {
  const covered = new Set<string>();
  for (const [source, linear] of CASES) {
    it(`${source.split("\n")[1]} (linear in argument ${linear + 1})`, () => {
      const node = loadProblem(source).expression;
      covered.add(node.op);
      const rule = OPERATORS[node.op as OperatorName].transpose!;
      const t = node.args[linear]!;
      const c = variable("c̄", node.shape);
      const flags = node.args.map((_a, k) => k === linear);
      const back = rule(c, operands(node.args), operands(flags), node)[linear] as Node;
      // In a sum or a stack the other arguments are tangents too: J t has them at zero. In a
      // product they are the coefficients of the linear map and stay.
      const applied = ["add", "sub", "stack", "block"].includes(node.op)
        ? rebuild(
            node,
            node.args.map((a, k) => (k === linear ? a : a.shape.length === 0 ? constant(0) : zeros(a.shape))),
          )
        : node;
      for (const seed of [1, 2, 3, 4]) {
        const bindings = randomBindingsFor([node, back, c], seed);
        const [jt, jtc, cv, tv] = evaluateNodes([applied, back, c, t], bindings);
        // ⟨c, J t⟩ with J t = node (linear in t, the other arguments fixed) and ⟨Jᵀc, t⟩.
        const left = dotEntries(cv!, jt!);
        const right = dotEntries(jtc!, tv!);
        expect(Math.abs(left - right)).toBeLessThan(1e-9 * Math.max(1, Math.abs(left)));
      }
    });
  }

  it("covers every operator that has a transpose rule", () => {
    const withRules = Object.entries(OPERATORS)
      .filter(([, d]) => d.transpose)
      .map(([name]) => name);
    const used = new Set(CASES.map(([source]) => loadProblem(source).expression.op));
    for (const op of withRules) expect(used, op).toContain(op);
  });
});
