// A check point inside the domain: the check tries points of several kinds (any sign, positive, in
// (0, 1), positive definite matrices) until the expression and its derivative are defined there, and
// where none is found the derivative is still given and the check says it was skipped and why.
import { describe, expect, it } from "vitest";
import { checkDerivative, loadProblem, POINT_KINDS, randomValues } from "../src/api/index.js";
import { runCli } from "./cli-harness.js";

describe("the check's point", () => {
  for (const [problem, wrt] of [
    ["a'*log(sin(X))*b", "X"],
    ["logdet(X)", "X"],
    ["sum(arcsin(x))", "x"],
    ["sum(sqrt(x) .* log(y))", "y"],
    ["logdet(X'*X) + sum(log(x))", "x"],
  ] as const)
    it(`is found inside the domain of ${problem}`, () => {
      expect(checkDerivative(problem, wrt).passed).toBe(true);
    });

  it("draws each kind of point as it says", () => {
    const problem = loadProblem("x'*X*x");
    expect(POINT_KINDS).toEqual(["any", "positive", "unit", "definite"]);
    const entries = (kind: (typeof POINT_KINDS)[number]) =>
      Object.values(randomValues(problem, 3, kind)).flat(2) as number[];
    expect(entries("positive").every((v) => v > 0)).toBe(true);
    expect(entries("unit").every((v) => v > 0 && v < 1)).toBe(true);
    const X = randomValues(problem, 3, "definite").X as number[][];
    for (let i = 0; i < X.length; i++) for (let j = 0; j < i; j++) expect(X[i]![j]).toBe(X[j]![i]);
    expect(X.every((row, i) => row[i]! >= 1)).toBe(true);
  });

  it("is skipped, with the derivative given and the reason said, where none is found", async () => {
    const text = await runCli(["diff", "sqrt(a - 10)", "--wrt", "a", "--check"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/0\.5\/sqrt\(a - 10\)/);
    expect(text.stdout).toMatch(/check: skipped — no random point was found/);
    const json = await runCli(["diff", "sqrt(a - 10)", "--wrt", "a", "--check", "--json"]);
    expect(JSON.parse(json.stdout).check).toEqual({ skipped: true, reason: expect.stringMatching(/--at/) });
  });
});
