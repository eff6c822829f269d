// Long and deep input: random sums of hundreds to thousands of random terms, and random compositions
// hundreds of operations deep, through every stage a user reaches — differentiate, print, index
// notation, steps, generated code, a check. Each must give an answer or a MatcalcError (a budget's
// "too large to show" among them), never a stack overflow or another internal error. SOAK=1 makes
// them longer and more numerous (see the README's Tests section).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  analyze,
  checkDerivative,
  differentiate,
  emit,
  explain,
  explanationText,
  isMatcalcError,
  shownOrWhy,
} from "../src/api/index.js";
import { DECLARATIONS, typedExpressions } from "./generators.js";

const SOAK = process.env.SOAK === "1";
const RUNS = SOAK ? 60 : 6;
const MAX_TERMS = SOAK ? 10_000 : 2000;
const MAX_DEPTH = SOAK ? 250 : 120;

const SMALL = typedExpressions(["exp", "tanh", "sin", "sigmoid"]);

/**
 * Lets the current job end: a problem's nodes are held weakly, and a WeakRef's target stays alive
 * until the job that made it ends, so a synchronous loop over large problems would keep them all.
 */
const endOfJob = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Every stage, each allowed to refuse with a MatcalcError only. */
function throughEveryStage(source: string, wrt: string): number {
  let answered = 0;
  const attempt = (stage: () => unknown) => {
    try {
      stage();
      answered++;
    } catch (error) {
      if (!isMatcalcError(error)) throw error;
    }
  };
  const analysis = analyze(source);
  if (analysis.problem === null) return 0;
  attempt(() => {
    const d = differentiate(analysis.problem!, wrt);
    shownOrWhy(() => d.text);
    shownOrWhy(() => d.latex);
    expect(typeof d.index).toBe("string");
  });
  attempt(() => differentiate(analysis.problem!, wrt, { order: 2 }));
  attempt(() => explanationText(explain(analysis.problem!, wrt)));
  attempt(() => emit(analysis.problem!, wrt, { target: "numpy" }));
  attempt(() => checkDerivative(analysis.problem!, wrt, { seed: 3 }));
  return answered;
}

describe("long and deep input", () => {
  it("sums of many random terms go through every stage", {
    timeout: SOAK ? 3_600_000 : 120_000,
  }, async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 200, max: MAX_TERMS }),
        fc.array(SMALL.S, { minLength: 1, maxLength: 4 }),
        fc.constantFrom("x", "A", "a"),
        async (count, templates, wrt) => {
          // Each term is one of a few random scalar expressions with its own scalar coefficient name.
          const terms = Array.from({ length: count }, (_, i) => `c${i}*${templates[i % templates.length]}`);
          answered += throughEveryStage(`${DECLARATIONS}\n${terms.join(" + ")}`, wrt);
          await endOfJob();
        },
      ),
      { numRuns: RUNS },
    );
    expect(answered).toBeGreaterThan(RUNS);
  });

  it("compositions hundreds of operations deep go through every stage", {
    timeout: SOAK ? 3_600_000 : 120_000,
  }, async () => {
    let answered = 0;
    const layer = fc.constantFrom(
      (e: string) => `tanh(${e})`,
      (e: string) => `A*${e}`,
      (e: string) => `(${e} + x)`,
      (e: string) => `sigmoid(${e}) .* y`,
      (e: string) => `softmax(${e})`,
      (e: string) => `(${e}/norm2(${e}))`,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(layer, { minLength: 20, maxLength: MAX_DEPTH }),
        fc.constantFrom("x", "A"),
        async (layers, wrt) => {
          let e = "x";
          // norm2 repeats its operand: keep the text linear by naming deep operands only once.
          for (const f of layers) e = e.length > 20_000 ? `tanh(${e})` : f(e);
          answered += throughEveryStage(`${DECLARATIONS}\nsum(${e})`, wrt);
          await endOfJob();
        },
      ),
      { numRuns: RUNS },
    );
    expect(answered).toBeGreaterThan(RUNS);
  });
});
