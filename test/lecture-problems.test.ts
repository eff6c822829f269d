// Every worked example of the lecture parses, checks and evaluates at its sample values.
import { describe, expect, it } from "vitest";
import { evaluateProblem, loadProblem } from "../src/api/index.js";
import { LECTURE_CASES, problemText } from "./lecture-cases.js";

describe("lecture problems", () => {
  it("has the 40 worked examples", () => {
    expect(LECTURE_CASES).toHaveLength(40);
  });

  for (const c of LECTURE_CASES) {
    it(`${c.id}: ${c.expr}`, () => {
      const problem = loadProblem(problemText(c));
      expect(problem.variables.map((v) => v.name)).toContain(c.wrt);
      const value = evaluateProblem(problem, c.values);
      expect(value.data.every(Number.isFinite)).toBe(true);
    });
  }

  it("evaluates the cosine similarity to a number in [-1, 1]", () => {
    const c = LECTURE_CASES.find((x) => x.id === "lecture-cosine-similarity")!;
    const v = evaluateProblem(problemText(c), c.values).data[0]!;
    expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });
});
