// Kronecker forms of tensor derivatives: the printed form, and its numbers against the tensor itself
// (d vec(Y)/d vec(X) with column-major vec, built from the factors' values).
import { describe, expect, it } from "vitest";
import {
  differentiate,
  KRONECKER_CONVENTION,
  type Layout,
  leadingForm,
  loadProblem,
  randomValues,
} from "../src/api/index.js";
import { bindProblemValues } from "../src/derive/index.js";
import type { Node } from "../src/ir/index.js";
import { evaluateNodes } from "../src/numeric/index.js";
import { apply, constant } from "../src/ops/index.js";
import { toText } from "../src/render/index.js";

const DECLARATIONS = "A: matrix(m, n), B: matrix(p, q), X: matrix(n, p), x: vector(n), S: matrix(n, n)";

function kron(
  a: { shape: readonly number[]; data: Float64Array },
  b: { shape: readonly number[]; data: Float64Array },
) {
  const [ar, ac] = a.shape.length === 2 ? [a.shape[0]!, a.shape[1]!] : [a.shape[0] ?? 1, 1];
  const [br, bc] = b.shape.length === 2 ? [b.shape[0]!, b.shape[1]!] : [b.shape[0] ?? 1, 1];
  const out = new Float64Array(ar * br * ac * bc);
  for (let i = 0; i < ar; i++)
    for (let j = 0; j < ac; j++)
      for (let k = 0; k < br; k++)
        for (let l = 0; l < bc; l++)
          out[(i * br + k) * (ac * bc) + (j * bc + l)] = a.data[i * ac + j]! * b.data[k * bc + l]!;
  return { rows: ar * br, cols: ac * bc, data: out };
}

describe("Kronecker forms", () => {
  it.each([
    ["A*X*B", "X", "B' ⊗ A"],
    ["A*X", "X", "I ⊗ A"],
    ["X*B", "X", "B' ⊗ I"],
    ["A*x", "A", "x' ⊗ I"],
    ["inv(S)", "S", "-inv(S)' ⊗ inv(S)"],
    ["S + S*S", "S", "I ⊗ I + S' ⊗ I + I ⊗ S"],
    ["x*x'", "x", "x ⊗ I + I ⊗ x"],
  ])("d vec(%s)/d vec(%s) = %s", (expr, wrt, expected) => {
    const d = differentiate(`${DECLARATIONS}\n${expr}`, wrt);
    expect(d.kind).toBe("index");
    expect(d.kronecker?.text).toBe(expected);
    // It leads, with the convention said and the index form beside it; no note calls it index notation.
    const lead = leadingForm(d);
    expect(lead.heading).toBe(KRONECKER_CONVENTION);
    expect(lead.text()).toBe(expected);
    expect(lead.beside?.text()).toBe(d.text);
    expect(d.notes.join("\n")).not.toContain("index notation");
  });

  it.each([
    ["T: matrix(m, n), U: matrix(m, k), V: matrix(n, k)\nnorm2(T - U*V')^2", "U", 2, "2*(V'*V ⊗ I)"],
    ["X: matrix(n, n)\nX*X", "X", 1, "X' ⊗ I + I ⊗ X"],
    [
      "A: matrix(m, n), B: matrix(n, n), X: matrix(n, p), C: matrix(p, q), D: matrix(q, q)\nA*B*X*C*D",
      "X",
      1,
      null,
    ],
    ["X: matrix(n, n)\ninv(X)", "X", 1, "-inv(X)' ⊗ inv(X)"],
    ["a: scalar, X: matrix(n, n)\n-2*a*X*X", "X", 1, "-2*a*(X' ⊗ I) + I ⊗ (-2*a*X)"],
    ["A: matrix(m, n), X: matrix(n, p), C: matrix(p, q)\n(A .* A)*X*(C*C')", "X", 1, null],
  ] as const)("prints a text that reads back as its terms: %s by %s", (problem, wrt, order, expected) => {
    const d = differentiate(problem, wrt, { order });
    const k = d.kronecker!;
    if (expected !== null) expect(k.text).toBe(expected);
    // Σ coefficient · Π scalars · kron(left, right) as a tree, against the text read back in the
    // problem's declarations (⊗ reads as kron): the same tree prints the same in kron(…) notation.
    // A leading minus is read as part of the first factor: -A ⊗ B is kron(-A, B), -2*… is (-2)*….
    let built: Node | null = null;
    for (const t of k.terms) {
      const magnitude = Math.abs(t.coefficient);
      const lead: boolean = built === null && t.coefficient < 0;
      const factors: Node[] = [...(magnitude === 1 ? [] : [constant(magnitude)]), ...t.scalars];
      if (lead && factors.length > 0)
        factors[0] = magnitude === 1 ? apply("neg", factors[0]!) : constant(-magnitude);
      const left: Node = lead && factors.length === 0 ? apply("neg", t.left) : t.left;
      const term: Node = [...factors, apply("kron", left, t.right)].reduce((a, b) => apply("mul", a, b));
      if (built === null) built = term;
      else built = apply(t.coefficient < 0 ? "sub" : "add", built, term);
    }
    const read = loadProblem(`${problem.split("\n")[0]}\n${k.text}`).expression;
    expect(toText(read)).toBe(toText(built!));
  });

  it("matches the numbers for a vector variable: d vec(x*x')/dx", () => {
    const d = differentiate(`${DECLARATIONS}\nx*x'`, "x");
    const values = randomValues(d.problem, 5);
    const t = d.evaluate(values);
    const n = t.shape[0]!;
    const bindings = bindProblemValues(d.problem, values);
    const total = new Float64Array(n * n * n);
    for (const term of d.kronecker!.terms) {
      const [left, right] = evaluateNodes([term.left, term.right], bindings);
      const k = kron(left!, right!);
      for (let i = 0; i < k.data.length; i++) total[i]! += term.coefficient * k.data[i]!;
    }
    // Row (q, p) of d vec(Y)/dx is entry T[p, q, ·].
    for (let p = 0; p < n; p++)
      for (let q = 0; q < n; q++)
        for (let r = 0; r < n; r++)
          expect(total[(q * n + p) * n + r]).toBeCloseTo(t.data[(p * n + q) * n + r]!, 10);
  });

  it("has none where the derivative mixes axes (the transpose)", () => {
    expect(differentiate(`${DECLARATIONS}\nX'`, "X").kronecker).toBeNull();
  });

  it.each(["numerator", "denominator"] as const)(
    "matches the tensor's numbers (%s layout)",
    (layout: Layout) => {
      for (const [expr, wrt] of [
        ["A*X*B", "X"],
        ["inv(S)", "S"],
        ["A*x", "A"],
        ["S + S*S", "S"],
      ]) {
        const d = differentiate(`${DECLARATIONS}\n${expr}`, wrt!, { layout });
        const values = randomValues(d.problem, 4);
        const tensor = d.evaluate(values);
        const bindings = bindProblemValues(d.problem, values);
        // Σ c · Π scalars · (left ⊗ right)
        let total: Float64Array | null = null;
        let rows = 0;
        for (const term of d.kronecker!.terms) {
          const [left, right, ...scalars] = evaluateNodes([term.left, term.right, ...term.scalars], bindings);
          const k = kron(left!, right!);
          const scale = term.coefficient * scalars.reduce((s, v) => s * v!.data[0]!, 1);
          total ??= new Float64Array(k.data.length);
          rows = k.rows;
          for (let i = 0; i < k.data.length; i++) total[i]! += scale * k.data[i]!;
        }
        // The tensor T[output…, variable…] (numerator) as d vec(Y)/d vec(X): vec stacks columns.
        const shape = tensor.shape;
        const axes = layout === "denominator" ? shape.length - (expr === "A*x" ? 1 : 2) : 0;
        const natural =
          layout === "denominator" ? [...shape.slice(axes), ...shape.slice(0, axes)] : [...shape];
        const outputAxes = expr === "A*x" ? 1 : 2;
        const [p, q] = outputAxes === 1 ? [natural[0]!, 1] : [natural[0]!, natural[1]!];
        const [r, s] = [natural[outputAxes]!, natural[outputAxes + 1] ?? 1];
        const at = (i: number, j: number, k: number, l: number) => {
          const naturalIndex = outputAxes === 1 ? [i, k, l] : [i, j, k, l];
          const order =
            layout === "denominator"
              ? [...naturalIndex.slice(outputAxes), ...naturalIndex.slice(0, outputAxes)]
              : naturalIndex;
          let offset = 0;
          order.forEach((value, axis) => {
            offset = offset * shape[axis]! + value;
          });
          return tensor.data[offset]!;
        };
        for (let i = 0; i < p; i++)
          for (let j = 0; j < q; j++)
            for (let k = 0; k < r; k++)
              for (let l = 0; l < s; l++) {
                const [row, col] = layout === "denominator" ? [l * r + k, j * p + i] : [j * p + i, l * r + k];
                expect(total![row * (total!.length / rows) + col]).toBeCloseTo(at(i, j, k, l), 10);
              }
      }
    },
  );
});
