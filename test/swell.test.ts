// No expression swell: derivatives of growing inputs grow linearly, measured as the number of distinct
// nodes (a derivative is a DAG that shares subexpressions), for a sum of K quadratic forms and for
// compositions K deep. Printed text unfolds the sharing, so for a K-deep composition it grows like the
// sum of its K nested prefixes; that is checked to stay within K times the input's length.
import { describe, expect, it } from "vitest";
import { differentiate } from "../src/api/index.js";
import { dagSize } from "../src/ir/index.js";

function quadraticSum(k: number): string {
  const declarations = Array.from({ length: k }, (_, i) => `A${i + 1}: matrix(n, n)`).join(", ");
  const terms = Array.from({ length: k }, (_, i) => `x'*A${i + 1}*x`).join(" + ");
  return `x: vector(n), ${declarations}\n${terms}`;
}

function composition(k: number): string {
  let expr = "x";
  for (let i = 0; i < k; i++) expr = `tanh(W*${expr})`;
  return `W: matrix(n, n), x: vector(n)\n${expr}`;
}

function scalarComposition(k: number): string {
  let expr = "x";
  for (let i = 0; i < k; i++) expr = i % 2 === 0 ? `sin(${expr})` : `exp(${expr})`;
  return `x: scalar\n${expr}`;
}

function growth(make: (k: number) => string, wrt: string, ks: readonly number[]) {
  return ks.map((k) => {
    const d = differentiate(make(k), wrt);
    return { k, nodes: dagSize(d.node!), text: d.text.length };
  });
}

function expectLinear(
  sizes: ReadonlyArray<{ k: number; nodes: number; text: number }>,
  make: (k: number) => string,
) {
  const first = sizes[0]!;
  for (const s of sizes.slice(1)) {
    const scale = s.k / first.k;
    // Linear growth with a fixed overhead: at most proportional, with slack for the constant part.
    expect(s.nodes, `nodes at k = ${s.k}`).toBeLessThanOrEqual(first.nodes * scale * 1.3 + 10);
    expect(s.text, `text at k = ${s.k}`).toBeLessThanOrEqual(make(s.k).length * s.k * 2);
  }
}

describe("derivative size grows linearly with the input", () => {
  it("for the gradient of a sum of quadratic forms", () => {
    const sizes = growth(quadraticSum, "x", [10, 50, 200]);
    expectLinear(sizes, quadraticSum);
    // Here the text is linear too: one x' and each A_i twice.
    expect(sizes[2]!.text).toBeLessThan(20 * 200);
    const text = differentiate(quadraticSum(3), "x").text;
    expect(text).toMatch(/^x'\*\(.*\)$/);
    for (const name of ["A1", "A1'", "A2", "A2'", "A3", "A3'"]) expect(text.split(/[ (+)]/)).toContain(name);
  });

  it("for the Jacobian of a deep tanh network layer chain", () => {
    expectLinear(growth(composition, "x", [5, 10, 30]), composition);
    expect(differentiate(composition(2), "x").text).toBe(
      "diag(1 - tanh(W*tanh(W*x)).^2)*W*diag(1 - tanh(W*x).^2)*W",
    );
  });

  it("for a deep scalar composition", () => {
    expectLinear(growth(scalarComposition, "x", [6, 12, 30]), scalarComposition);
  });
});
