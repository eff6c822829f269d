// Every worked example of the lecture: the derivative's numbers equal the lecture's, it agrees with
// finite differences, and it prints in the lecture's form — exactly where the lecture's form is the
// canonical one, and otherwise no longer than the lecture's closed form written in matcalc syntax.
import { describe, expect, it } from "vitest";
import { checkDerivative, differentiate, evaluateProblem, loadProblem } from "../src/api/index.js";
import { LECTURE_CASES, problemText } from "./lecture-cases.js";

/** The lecture's forms, exactly as matcalc must print them. */
const EXACT: Record<string, string> = {
  "lecture-jacobian-fg-wrt-x": "[6*x*y; 2]",
  "lecture-jacobian-fg-wrt-y": "[3*x^2; 8*y]",
  "lecture-identity": "I",
  "lecture-elementwise-add-wrt-w": "I",
  "lecture-elementwise-add-wrt-x": "I",
  "lecture-elementwise-sub-wrt-w": "I",
  "lecture-elementwise-sub-wrt-x": "-I",
  "lecture-elementwise-mul-wrt-w": "diag(x)",
  "lecture-elementwise-mul-wrt-x": "diag(w)",
  "lecture-elementwise-div-wrt-w": "diag(1 ./ x)",
  "lecture-elementwise-div-wrt-x": "diag(-w ./ x.^2)",
  "lecture-scalar-expansion-add-wrt-x": "I",
  "lecture-scalar-expansion-add-wrt-z": "ones",
  "lecture-scalar-expansion-mul-wrt-x": "z*I",
  "lecture-scalar-expansion-mul-wrt-z": "x",
  "lecture-chain-ln-sin-cube": "6*x^2*cos(x^3)/sin(x^3)",
  "lecture-vector-chain-ln-sin": "[2/x; 3*cos(3*x)]",
  "lecture-neuron-relu-wrt-w-active": "step(w'*x + b)*x'",
  "lecture-neuron-relu-wrt-w-inactive": "step(w'*x + b)*x'",
  "lecture-neuron-relu-wrt-b-active": "step(dot(w, x) + b)",
  "lecture-relu-at-kink": "step(z)",
  "lecture-affine-wrt-w": "x'",
  "lecture-affine-wrt-b": "1",
  "lecture-Ax-wrt-x": "A",
  "lecture-yAx-wrt-x": "y'*A",
  "lecture-yAx-wrt-y": "x'*A'",
  "lecture-xAx-wrt-x": "x'*(A + A')",
  "lecture-xSx-symmetric-wrt-x": "2*x'*S",
  "lecture-xx-wrt-x": "2*x'",
  "lecture-chain-A-times-g": "A*diag(exp(x))",
  "lecture-cosine-similarity": "y'/(norm2(x)*norm2(y))*(I - x*x'/norm2(x)^2)",
};

/** The lecture's closed forms in matcalc syntax where matcalc's canonical form differs. */
const LECTURE_FORM: Record<string, string> = {
  "lecture-product-rule-yx": "sin(B*z)'*A + (A*z)'*diag(cos(B*z))*B",
  "lecture-product-rule-xx": "2*exp(B*z)'*diag(exp(B*z))*B",
  "lecture-product-rule-yAx": "tanh(D*z)'*A'*C + (C*z)'*A*diag(1 - tanh(D*z).^2)*D",
  "lecture-product-rule-xAx": "sin(B*z)'*(A' + A)*diag(cos(B*z))*B",
  "lecture-product-rule-xSx-symmetric": "2*(B*z + c)'*S*B",
  "lecture-vector-chain-rule": "diag(cos(B*x.^2))*B*diag(2*x)",
  "lecture-mse-relu-neuron-wrt-w": "(2/5)*((X'*w + b - y) .* step(X'*w + b))'*X'",
  "lecture-mse-relu-neuron-wrt-b": "(2/5)*sum((X'*w + b - y) .* step(X'*w + b))",
};

describe("the lecture's worked examples", () => {
  it("covers every case with a form to compare against", () => {
    for (const c of LECTURE_CASES) {
      const known = c.id in EXACT || c.id in LECTURE_FORM || c.id === "lecture-neuron-relu-wrt-b-inactive";
      expect(known, c.id).toBe(true);
    }
  });

  for (const c of LECTURE_CASES) {
    describe(`${c.id}: d/d${c.wrt} ${c.expr}`, () => {
      const source = problemText(c);

      it("gives the lecture's numbers", () => {
        const d = differentiate(source, c.wrt);
        const value = d.evaluate(c.values);
        expect(value.shape).toEqual(c.expected_numerator.shape);
        c.expected_numerator.data.forEach((x, k) => {
          expect(Math.abs(value.data[k]! - x)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x)));
        });
      });

      it("prints in the lecture's form", () => {
        const d = differentiate(source, c.wrt);
        if (c.id in EXACT) {
          expect(d.text).toBe(EXACT[c.id]);
          return;
        }
        const reference = LECTURE_FORM[c.id];
        if (reference === undefined) return;
        const declarations = c.decls;
        const lectureValue = evaluateProblem(loadProblem(`${declarations}\n${reference}`), c.values);
        const ours = d.evaluate(c.values).data;
        for (const [k, x] of lectureValue.data.entries()) expect(ours[k]).toBeCloseTo(x, 9);
        expect(d.text.length, `${d.text} is longer than ${reference}`).toBeLessThanOrEqual(reference.length);
      });

      it("reads back as the same derivative", () => {
        const d = differentiate(source, c.wrt);
        const reread = loadProblem(`${c.decls}\n${d.text}`);
        // Sizes the text leaves open (I alone) are those of the derivative's value.
        const value = d.evaluate(c.values);
        const sizes: Record<string, number> = {};
        const axes = reread.expression.shape;
        const valueAxes =
          value.shape.length === axes.length ? value.shape : value.shape.filter((s) => s !== 1);
        axes.forEach((dim, k) => {
          if (typeof dim === "string" && !(dim in c.values)) sizes[dim] = valueAxes[k]!;
        });
        const again = evaluateProblem(reread, { ...sizes, ...c.values });
        expect(Array.from(again.data)).toEqual(Array.from(value.data));
      });

      it("agrees with finite differences (except at the kink, where the lecture sets it to 0)", () => {
        const report = checkDerivative(source, c.wrt, { values: c.values as Record<string, unknown> });
        if (c.id === "lecture-relu-at-kink") {
          expect(report.symbolic.data[0]).toBe(0);
          expect(report.passed).toBe(false); // the one-sided slopes are 0 and 1: finite differences give 1/2
        } else {
          expect(report.maxRelativeError).toBeLessThan(1e-6);
        }
      });
    });
  }
});
