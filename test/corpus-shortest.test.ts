// Real problems with the derivative their source writes (SymPy's test_derivatives.py, the Matrix
// Cookbook, matrixcalculus.org's examples, tensorgrad), in test/corpus/shortest.json: every answer
// passes the numeric check, every first-order form of a source compares equal to matcalc's, and
// matcalc's printed form is at most as long as the source's for at least 95% of them.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  checkDerivative,
  compareAnswer,
  type DifferentiateOptions,
  differentiate,
  KRONECKER_CONVENTION,
  type Layout,
  leadingForm,
} from "../src/api/index.js";

interface Entry {
  readonly source: string;
  readonly problem: string;
  readonly wrt: string;
  readonly declarations: string;
  readonly layout?: Layout;
  readonly order?: number;
  /** The source's form is of the Kronecker display (d vec(Y)/d vec(X)). */
  readonly kronecker?: boolean;
  readonly peer: string;
}

const corpus = JSON.parse(readFileSync(new URL("./corpus/shortest.json", import.meta.url), "utf8")) as {
  readonly declarations: Record<string, string>;
  readonly problems: readonly Entry[];
};

const source = (e: Entry) => `${corpus.declarations[e.declarations]}\n${e.problem}`;
const options = (e: Entry): DifferentiateOptions => ({
  ...(e.layout ? { layout: e.layout } : {}),
  ...(e.order ? { order: e.order } : {}),
});
/** The printed form compared: the one shown first (the Kronecker form where a tensor has one). */
const printed = (e: Entry) => {
  const lead = leadingForm(differentiate(source(e), e.wrt, options(e)));
  if (e.kronecker) expect(lead.heading).toBe(KRONECKER_CONVENTION);
  return lead.text();
};

describe("the corpus of real problems", () => {
  for (const e of corpus.problems) {
    const title = `${e.problem} by ${e.wrt}${e.order ? `, order ${e.order}` : ""} (${e.source})`;
    it(`${title}: correct`, () => {
      expect(checkDerivative(source(e), e.wrt, options(e)).passed).toBe(true);
      if ((e.order ?? 1) === 1 && !e.kronecker) {
        // The source's own form is the same derivative (so the comparison of lengths is fair).
        const c = compareAnswer(source(e), e.wrt, e.peer);
        expect(c.equal, `${e.peer}: ${c.message}`).toBe(true);
      }
    });
  }

  it("prints at most the source's length for at least 95% of the problems", () => {
    const longer = corpus.problems.flatMap((e) => {
      const ours = printed(e);
      return ours.length > e.peer.length ? [`${e.problem} by ${e.wrt}: ${ours} (source: ${e.peer})`] : [];
    });
    const share = 1 - longer.length / corpus.problems.length;
    expect(share, `longer than the source:\n${longer.join("\n")}`).toBeGreaterThanOrEqual(0.95);
  });
});
