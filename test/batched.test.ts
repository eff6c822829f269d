// Batched problems along an axis: the batched softmax cross-entropy and the loss of an attention
// head, differentiated in matrix form by every weight, each checked by differences and both modes of
// AD, and their generated code run against the engine's numbers.
import { describe, expect, it } from "vitest";
import { checkDerivative, compile, differentiate, emit } from "../src/api/index.js";
import { runCli } from "./cli-harness.js";

const CROSS_ENTROPY = "-sum(sum(Y .* log(softmax(W*X, 1))))";
const ATTENTION = "tr(G'*softmax(Q*K'/sqrt(d), 2)*V)";

describe("batched problems along an axis", () => {
  for (const [problem, variables] of [
    [CROSS_ENTROPY, ["W", "X"]],
    [ATTENTION, ["Q", "K", "V"]],
    ["sum(logsumexp(W*X, 1)) - sum(sum(Y .* (W*X)))", ["W"]],
    ["sum(mean(softmax(Z, 2), 1))", ["Z"]],
  ] as const)
    for (const wrt of variables)
      it(`differentiates ${problem} by ${wrt} in matrix form, checked`, () => {
        const d = differentiate(problem, wrt);
        expect(d.kind).toBe("matrix");
        const report = checkDerivative(problem, wrt);
        expect(report.passed, `${d.text}: ${report.maxRelativeError}`).toBe(true);
        expect(report.reverseModeError).not.toBeNull();
      });

  it("answers diff --wrt Q,K,V --check for the attention head", async () => {
    const run = await runCli(["diff", ATTENTION, "--wrt", "Q,K,V", "--check"]);
    expect(run.code).toBe(0);
    expect(run.stdout.match(/\(passed\)/g)).toHaveLength(3);
  });

  it("compiles the cross-entropy's gradient to the engine's numbers", () => {
    const values = {
      W: [
        [0.2, -0.4, 0.1],
        [0.5, 0.3, -0.2],
      ],
      X: [
        [1, 0.5, -1, 2],
        [0.3, -0.7, 0.8, 0.1],
        [-0.5, 1.2, 0.4, -0.3],
      ],
      Y: [
        [1, 0, 1, 0],
        [0, 1, 0, 1],
      ],
    };
    const compiled = compile(CROSS_ENTROPY, "W").run(values) as { d_W: number[][] };
    const engine = differentiate(CROSS_ENTROPY, "W").evaluate(values);
    const worst = Math.max(...compiled.d_W.flat().map((v, k) => Math.abs(v - engine.data[k]!)));
    expect(worst).toBeLessThan(1e-12);
    expect(emit(CROSS_ENTROPY, "W", { target: "numpy" }).code).toMatch(/softmax_axis\(/);
  });
});
