// Several variables of any shape: one derivative per variable, each with its shape, layout, check and
// JSON entry; several scalars keep the lecture's stacked Jacobian.
import { describe, expect, it } from "vitest";
import { differentiateEach, toText } from "../src/api/index.js";
import { runCli } from "./cli-harness.js";

const NEURON = "mean((y - max(0, X'*w + b)).^2)";

describe("several variables", () => {
  it("gives one derivative per variable, in the order named", () => {
    const [byW, byB] = differentiateEach(NEURON, "w,b");
    expect(byW!.wrt).toEqual(["w"]);
    expect(byB!.wrt).toEqual(["b"]);
    expect(byW!.shape).toEqual([1, "n"]);
    expect(byB!.shape).toEqual([]);
    const [byX, byA] = differentiateEach("x'*A*x", ["x", "A"]);
    expect(toText(byX!.node!)).toBe("x'*(A + A')");
    expect(toText(byA!.node!)).toBe("x*x'");
  });

  it("keeps several scalars stacked into one Jacobian", () => {
    const all = differentiateEach("x: scalar, y: scalar, [3*x^2*y; 2*x + 4*y^2]", "x,y");
    expect(all).toHaveLength(1);
    expect(all[0]!.text).toBe("[6*x*y, 3*x^2; 2, 8*y]");
  });

  it("answers diff --wrt W,b with both, each checked, and as a JSON list", async () => {
    const text = await runCli(["diff", NEURON, "--wrt", "w,b", "--check"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/derivative by w[\s\S]*check: .*passed[\s\S]*derivative by b[\s\S]*passed/);
    const json = await runCli(["diff", NEURON, "--wrt", "w,b", "--json", "--check"]);
    const parsed = JSON.parse(json.stdout) as {
      derivatives: Array<{ wrt: string[]; check: { passed: boolean } }>;
    };
    expect(parsed.derivatives.map((d) => d.wrt)).toEqual([["w"], ["b"]]);
    expect(parsed.derivatives.every((d) => d.check.passed)).toBe(true);
  });

  it("refuses a variable named twice", async () => {
    const run = await runCli(["diff", NEURON, "--wrt", "w,w"]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/w is named twice/);
  });
});
