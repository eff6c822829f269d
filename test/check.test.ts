// The numeric check itself: it must catch a wrong derivative, in both of its methods (every entry,
// and random directions through a large variable), and must not call a right one wrong where finite
// differences are out of their depth (a step that leaves the domain, a small partial of a huge value).
import { describe, expect, it } from "vitest";
import {
  CHECK_ENTRIES,
  checkDerivative,
  checkResult,
  type Derivative,
  differentiate,
} from "../src/api/index.js";
import { derivationCount } from "../src/derive/index.js";
import { runCli } from "./cli-harness.js";

/** The derivative with its numbers changed: scaled by (1 + ε) at one entry. */
function tampered(d: Derivative, entry: number, epsilon: number): Derivative {
  return {
    ...d,
    evaluate(values: unknown) {
      const t = d.evaluate(values);
      const data = Float64Array.from(t.data);
      data[entry]! *= 1 + epsilon;
      return { shape: t.shape, data };
    },
  };
}

function spd(n: number, diagonal: number): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) =>
      i === j ? diagonal : 0.5 * Math.sin(i * 7 + j * 3) + 0.5 * Math.sin(j * 7 + i * 3),
    ),
  );
}

describe("the numeric check", () => {
  it("checks every entry of a small variable, and catches one wrong entry", () => {
    const d = differentiate("logdet(X)", "X");
    const values = { X: spd(4, 4) };
    const right = checkResult(d, { values });
    expect(right.method).toBe("entries");
    expect(right.probes).toBe(16);
    expect(right.passed).toBe(true);
    const wrong = checkResult(tampered(d, 5, 1e-3), { values });
    expect(wrong.passed).toBe(false);
    expect(wrong.maxRelativeError).toBeGreaterThan(1e-5);
  });

  it("checks a large variable along random directions, in bounded time, and catches a wrong entry", () => {
    const n = 30;
    expect(n * n).toBeGreaterThan(CHECK_ENTRIES);
    const d = differentiate("logdet(X)", "X");
    const values = { X: spd(n, n) };
    const right = checkResult(d, { values });
    expect(right.method).toBe("directions");
    expect(right.finiteDifferences).toBeNull();
    expect(right.passed).toBe(true);
    expect(right.notes.join(" ")).toContain("random directions");
    // One entry of 900 off by 50%: the differences along a random direction through it see it.
    const wrong = checkResult(tampered(d, 37, 0.5), { values });
    expect(wrong.maxRelativeError).toBeGreaterThan(1e-5);
    expect(wrong.passed).toBe(false);
    // Off by 0.1%: too little for differences, but forward-mode AD along the same directions is exact.
    const slightly = checkResult(tampered(d, 37, 1e-3), { values });
    expect(slightly.forwardModeError).toBeGreaterThan(1e-8);
    expect(slightly.passed).toBe(false);
  });

  it("compares a large output with AD through random cotangents", () => {
    const d = differentiate("A*x", "x");
    const values = {
      A: Array.from({ length: 80 }, (_, i) => [Math.sin(i), Math.cos(i), 1]),
      x: [1, 2, 3],
    };
    expect(checkResult(d, { values }).passed).toBe(true);
    const wrong = checkResult(tampered(d, 100, 1e-3), { values });
    expect(wrong.reverseModeError).toBeGreaterThan(1e-8);
    expect(wrong.passed).toBe(false);
  });

  it("takes smaller steps where a step leaves the domain (logdet with a tiny pivot)", () => {
    for (const X of [
      [
        [1e-7, 0],
        [0, 1],
      ],
      [
        [1e-7, 0.5],
        [0, 1],
      ],
      [
        [1e-4, 0, 0],
        [0, 1e-2, 0],
        [0, 0, 1e-1],
      ],
    ]) {
      const report = checkDerivative("logdet(X)", "X", { values: { X } });
      expect(report.passed, JSON.stringify(X)).toBe(true);
    }
  });

  it("says where differences cannot resolve a small partial of a huge value, and relies on AD there", () => {
    const report = checkDerivative("sum(exp(x))", "x", { values: { x: [700, 1] } });
    expect(report.passed).toBe(true);
    expect(report.unresolved).toBe(1);
    expect(report.notes.join(" ")).toContain("cannot resolve 1 of 2 entries");
    expect(report.reverseModeError).toBe(0);
  });

  it("reports AD it cannot evaluate at the values instead of failing the whole check", () => {
    const report = checkDerivative("x'*x/1e-300", "x", { values: { x: [1e-300, 2e-300] } });
    expect(report.notes.join(" ")).toMatch(/could not be evaluated|cannot resolve/);
  });
});

describe("one derivation per request", () => {
  it("diff --order 2 --check derives once, and so does order 1 and a Jacobian's check", async () => {
    for (const args of [
      ["diff", "x'*A*x", "--wrt", "x", "--order", "2", "--check"],
      ["diff", "sum(tanh(A*x))", "--wrt", "x", "--order", "2", "--check"],
      ["diff", "log(det(X))", "--wrt", "X", "--check"],
      ["diff", "sin(A*x)", "--wrt", "x", "--check", "--json"],
    ]) {
      const before = derivationCount();
      const result = await runCli(args);
      expect(result.code, result.stderr).toBe(0);
      expect(derivationCount() - before, args.join(" ")).toBe(1);
    }
  });
});
