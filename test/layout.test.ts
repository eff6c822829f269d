// The layout view (calculus/layout.ts): undoing it on numbers is the inverse of applying it, and the
// view of an expression has the numbers of its natural form, laid out as the view says.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  fromNaturalEntries,
  LAYOUTS,
  type LayoutView,
  present,
  toNaturalEntries,
  transposes,
  transposesJacobian,
} from "../src/calculus/index.js";
import { derivationCount, differentiate, inLayout } from "../src/derive/index.js";
import { evaluateNodes } from "../src/numeric/index.js";
import { apply, variable } from "../src/ops/index.js";
import { randomValues } from "../src/verify/index.js";

describe("layout views", () => {
  it("transpose a gradient in the numerator layout and everything else in the denominator layout", () => {
    expect(LAYOUTS.map((l) => transposes(l, true))).toEqual([true, false, false]);
    expect(LAYOUTS.map((l) => transposes(l, false))).toEqual([false, true, false]);
    // A Jacobian is its natural form except a scalar's (a row, whose natural form is the gradient).
    expect(LAYOUTS.map((l) => transposesJacobian(l, true))).toEqual([false, true, true]);
    expect(LAYOUTS.map((l) => transposesJacobian(l, false))).toEqual([false, true, false]);
  });

  it("undo on numbers what they do", () => {
    const shapes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 5 });
    fc.assert(
      fc.property(shapes, fc.nat(), fc.boolean(), (shape, cut, transposed) => {
        const view: LayoutView = { layout: "denominator", transposed, frontAxes: cut % (shape.length + 1) };
        const size = shape.reduce((a, b) => a * b, 1);
        const natural = Float64Array.from({ length: size }, (_v, i) => i);
        const shown = fromNaturalEntries(view, shape, natural);
        expect([...toNaturalEntries(view, shape, shown)]).toEqual([...natural]);
      }),
    );
  });

  it("show a matrix's numbers as the view says", () => {
    const m = variable("M", [2, 3]);
    const values = new Map([["M", { shape: [2, 3], data: Float64Array.from([1, 2, 3, 4, 5, 6]) }]]);
    for (const layout of LAYOUTS)
      for (const gradient of [true, false]) {
        const { value, view } = present({ kind: "matrix", node: m }, 2, gradient, layout);
        if (value.kind !== "matrix") throw new Error("a matrix stays a matrix");
        const [shown] = evaluateNodes([value.node], { variables: values, sizes: new Map() });
        expect(view.transposed).toBe(transposes(layout, gradient));
        expect([...toNaturalEntries(view, value.shape as number[], shown!.data)]).toEqual([1, 2, 3, 4, 5, 6]);
        expect(value.node === m).toBe(!view.transposed);
        expect(value.node).toBe(view.transposed ? apply("transpose", m) : m);
      }
  });
});

describe("a derivative shown in another layout", () => {
  it("is the derivative in that layout, without deriving again", () => {
    const cases: ReadonlyArray<readonly [string, string, number]> = [
      ["x'*A*x", "x", 1],
      ["tr(A*X*B)", "X", 1],
      ["A*x", "x", 1],
      ["x'*A*x", "x", 2],
      ["A*X*B", "X", 1],
    ];
    for (const [problem, wrt, order] of cases)
      for (const from of LAYOUTS)
        for (const to of LAYOUTS) {
          const d = differentiate(problem, wrt, { order, layout: from });
          const before = derivationCount();
          const shown = inLayout(d, to);
          expect(derivationCount(), `${problem}: ${from} → ${to}`).toBe(before);
          const direct = differentiate(problem, wrt, { order, layout: to });
          expect(shown.layout).toBe(to);
          expect(shown.shape, `${problem}: ${from} → ${to}`).toEqual(direct.shape);
          expect(shown.text, `${problem}: ${from} → ${to}`).toBe(direct.text);
          const values = randomValues(d.problem, 5);
          expect(Array.from(shown.evaluate(values).data)).toEqual(Array.from(direct.evaluate(values).data));
        }
  });
});
