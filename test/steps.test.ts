// Step-by-step derivations: the lecture's tables and results, both modes, the cost comparison, the
// Markdown rendering in KaTeX, and — for random problems — agreement with matcalc diff's numbers.
import fc from "fast-check";
import katex from "katex";
import { describe, expect, it } from "vitest";
import {
  explain,
  explanationJson,
  explanationMarkdown,
  explanationText,
  isMatcalcError,
  toText,
} from "../src/api/index.js";
import { evaluatePolynomial } from "../src/explain/index.js";
import { moderateNumbers, problems } from "./generators.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1);

describe("the lecture's derivations", () => {
  it("log(sin(x^3)^2): the table, the chain, the substitution and the result", () => {
    for (const mode of ["forward", "backward"] as const) {
      const e = explain("log(sin(x^3)^2)", "x", { mode });
      expect(e.intermediates.map((u) => `${u.name} = ${toText(u.definition)}`)).toEqual([
        "u1 = x^3",
        "u2 = sin(u1)",
        "u3 = u2^2",
        "u4 = log(u3)",
      ]);
      expect(e.locals.map((l) => `∂${l.of}/∂${l.by} = ${toText(l.derivative!)}`)).toEqual([
        "∂u1/∂x = 3*x^2",
        "∂u2/∂u1 = cos(u1)",
        "∂u3/∂u2 = 2*u2",
        "∂u4/∂u3 = 1/u3",
      ]);
      expect(toText(e.applied!)).toBe("6*u2*x^2*cos(u1)/u3");
      expect(toText(e.final!)).toBe("6*x^2*cos(x^3)/sin(x^3)");
      expect(e.result.text).toBe("6*x^2*cos(x^3)/sin(x^3)");
      expect(e.agrees).toBe(true);
    }
    const text = explanationText(explain("log(sin(x^3)^2)", "x"));
    expect(text).toMatch(/y = u4 = log\(u3\)/);
    expect(text).toMatch(/Substitute: {2}du4\/dx = 6\*sin\(x\^3\)\*x\^2\*cos\(x\^3\)\/sin\(x\^3\)\^2/);
    expect(text).toMatch(/Result: {6}6\*x\^2\*cos\(x\^3\)\/sin\(x\^3\)/);
  });

  it("the vector chain rule [log(x^2); sin(3*x)], with the diagonal Jacobian", () => {
    for (const mode of ["forward", "backward"] as const) {
      const e = explain("[log(x^2); sin(3*x)]", "x", { mode });
      expect(e.intermediates.map((u) => toText(u.definition))).toEqual([
        "[x^2; 3*x]",
        "[log(u1[1]); sin(u1[2])]",
      ]);
      expect(e.locals.map((l) => toText(l.derivative!))).toEqual(["[2*x; 3]", "diag([1/u1[1]; cos(u1[2])])"]);
      expect(e.locals[1]!.shape).toEqual(["2", "2"]);
      expect(toText(e.substituted!)).toBe("[2*x/x^2; 3*cos(3*x)]");
      expect(toText(e.final!)).toBe("[2/x; 3*cos(3*x)]");
      expect(e.agrees).toBe(true);
    }
  });

  it("the total derivative sums over every path (the product rule)", () => {
    const e = explain("x: scalar\nsin(x)*exp(x)", "x");
    expect(e.chain.at(-1)!.terms).toHaveLength(2);
    expect(e.agrees).toBe(true);
  });

  it("the neuron max(0, w'*x + b) by w and by b", () => {
    const byW = explain("w: vector(n), x: vector(n), b: scalar\nmax(0, w'*x + b)", "w", { mode: "backward" });
    expect(byW.intermediates.map((u) => toText(u.definition))).toEqual(["w'*x", "u1 + b", "max(0, u2)"]);
    expect(byW.locals.map((l) => toText(l.derivative!))).toEqual(["x'", "1", "step(u2)"]);
    expect(byW.locals[0]!.shape).toEqual(["1", "n"]);
    expect(toText(byW.final!)).toBe("step(w'*x + b)*x'");
    const byB = explain("w: vector(n), x: vector(n), b: scalar\nmax(0, w'*x + b)", "b");
    expect(toText(byB.final!)).toBe("step(w'*x + b)");
  });

  it.each([
    ["X: matrix(n, k), y: vector(k), w: vector(n), b: scalar\n(1/5)*sum((y - max(0, X'*w + b)).^2)", "w"],
    ["X: matrix(n, k), y: vector(k), w: vector(n), b: scalar\n(1/5)*sum((y - max(0, X'*w + b)).^2)", "b"],
    ["y: vector(m), A: matrix(m, n), x: vector(n)\ny'*A*x", "x"],
    ["A: matrix(n, n), x: vector(n)\nx'*A*x", "x"],
    ["x: vector(n), y: vector(n)\n(y'*x)/(norm2(x)*norm2(y))", "x"],
  ])("%s by %s ends at diff's answer in both modes", (source, wrt) => {
    for (const mode of ["forward", "backward"] as const) {
      const e = explain(source, wrt, { mode });
      expect(e.final).not.toBeNull();
      expect(e.agrees).toBe(true);
    }
  });

  it("x'*A*x: the product rule as a sum over both paths, then x'*(A + A')", () => {
    const e = explain("A: matrix(n, n), x: vector(n)\nx'*A*x", "x");
    expect(toText(e.substituted!)).toBe("x'*A + x'*A'");
    expect(toText(e.final!)).toBe("x'*(A + A')");
  });
});

describe("cost of the chain", () => {
  it("shows why backpropagation runs backward for a scalar loss", () => {
    const e = explain("W: matrix(n, n), x: vector(n)\nsum(tanh(W*tanh(W*x)))", "x");
    const at100 = (p: typeof e.costs.forward) => evaluatePolynomial(p, () => 100);
    expect(at100(e.costs.backward)).toBeLessThan(at100(e.costs.forward) / 10);
    expect(explanationText(e)).toMatch(
      /Cost of the chain \(scalar multiplications\): forward .*n³.*, backward/,
    );
  });
});

describe("formats", () => {
  it("writes Markdown whose math renders in KaTeX", () => {
    for (const [source, wrt] of [
      ["log(sin(x^3)^2)", "x"],
      ["[log(x^2); sin(3*x)]", "x"],
      ["w: vector(n), x: vector(n), b: scalar\nmax(0, w'*x + b)", "w"],
      ["x: vector(n), y: vector(n)\n(y'*x)/(norm2(x)*norm2(y))", "x"],
    ] as const) {
      const markdown = explanationMarkdown(explain(source, wrt));
      const math = [...markdown.matchAll(/\$\$([^$]+)\$\$|\$([^$]+)\$/g)].map((m) => m[1] ?? m[2]!);
      expect(math.length).toBeGreaterThan(5);
      for (const tex of math)
        expect(() => katex.renderToString(tex, { throwOnError: true }), tex).not.toThrow();
    }
  });

  it("gives JSON for the web page", () => {
    const json = explanationJson(explain("log(sin(x^3)^2)", "x", { mode: "backward" }));
    expect(json).toMatchObject({
      variable: "x",
      mode: "backward",
      result: { text: "6*x^2*cos(x^3)/sin(x^3)" },
      agrees: true,
    });
    expect((json.simplification as unknown[]).length).toBeGreaterThan(0);
  });
});

describe("every derivation ends at diff's answer", () => {
  it("for random problems, in both modes", () => {
    let compared = 0;
    fc.assert(
      fc.property(
        fc.oneof(problems("S", undefined, moderateNumbers), problems("V", undefined, moderateNumbers)),
        fc.constantFrom("x", "a"),
        fc.constantFrom("forward", "backward"),
        (source, wrt, mode) => {
          if (source.length > 400) return;
          try {
            const e = explain(source, wrt, { mode: mode as "forward" | "backward" });
            if (e.agrees !== null) compared++;
            expect(e.agrees, source).not.toBe(false);
          } catch (error) {
            if (!isMatcalcError(error)) throw error;
          }
        },
      ),
      { numRuns: Math.round(300 * RUNS) },
    );
    // Typically 35–50 of the 300 random problems can be checked by numbers; the rest have no
    // numeric check (agrees is null) or are refused. The floor only says the property compared some.
    expect(compared).toBeGreaterThan(20);
  });
});
