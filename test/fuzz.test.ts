// Fuzzing the front of the pipeline: random strings and random token sequences must never make the
// parser or checker throw, and whatever checks must evaluate to numbers or a MatcalcError — never an
// uncaught exception. FUZZ_RUNS raises the number of cases (default 3000 per property).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze, differentiate, evaluateProblem, formatError, isMatcalcError } from "../src/api/index.js";
import { runCli } from "./cli-harness.js";
import { anyTypedProblem } from "./generators.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);

const TOKENS = [
  "x",
  "y",
  "A",
  "B",
  "a",
  "b",
  "alpha",
  "I",
  "ones",
  "pi",
  "1",
  "2",
  ".5",
  "1e-3",
  "0",
  "+",
  "-",
  "*",
  "/",
  ".*",
  "./",
  "^",
  ".^",
  "'",
  "(",
  ")",
  "[",
  "]",
  ";",
  ",",
  ":",
  "\n",
  "exp(",
  "log(",
  "sum(",
  "max(",
  "tr(",
  "det(",
  "inv(",
  "diag(",
  "softmax(",
  "norm2(",
  "dot(",
  "logdet(",
  "x: vector(n)",
  "A: matrix(n, n)",
  "a: scalar",
  "S: symmetric(n)",
  "vector",
  "matrix(",
  "@",
  "#",
  "$",
  "é",
  // Line and paragraph separators, a carriage return, NEL, a wide and a mathematical letter.
  "\u2028",
  "\u2029",
  "\r",
  "\u0085",
  "ｘ",
  "𝑥",
  "# note\u2028x",
];

const tokenSequences = fc.array(fc.constantFrom(...TOKENS), { maxLength: 25 }).map((t) => t.join(" "));
const tokenSequencesTight = fc.array(fc.constantFrom(...TOKENS), { maxLength: 25 }).map((t) => t.join(""));
const randomStrings = fc.string({
  unit: fc.constantFrom(..."xyzAB abc()[];,:'+-*/.^e12\n#@ñ"),
  maxLength: 40,
});
const unicodeStrings = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
);

const VALUES = {
  x: [0.5, -1.5],
  y: [2, 1],
  A: [
    [1, 2],
    [0.5, 3],
  ],
  B: [
    [2, 0],
    [1, 1],
  ],
  S: [
    [2, 1],
    [1, 2],
  ],
  a: 0.7,
  b: -0.3,
  alpha: 2,
};

function survives(source: string): void {
  const analysis = analyze(source);
  for (const d of analysis.diagnostics) {
    expect(typeof d.message).toBe("string");
    expect(formatError(d, source)).toMatch(/^error: /);
  }
  if (analysis.problem) {
    try {
      const v = evaluateProblem(analysis.problem, VALUES);
      for (const entry of v.data) expect(Number.isFinite(entry)).toBe(true);
    } catch (error) {
      if (!isMatcalcError(error)) throw error;
    }
  }
}

describe("fuzzing the parser and checker", () => {
  it("survives random token sequences", () => {
    fc.assert(fc.property(tokenSequences, survives), { numRuns: RUNS });
  });

  it("survives random token sequences without spaces", () => {
    fc.assert(fc.property(tokenSequencesTight, survives), { numRuns: RUNS });
  });

  it("survives random strings over the language's characters", () => {
    fc.assert(fc.property(randomStrings, survives), { numRuns: RUNS });
  });

  it("survives arbitrary unicode", () => {
    fc.assert(fc.property(unicodeStrings, survives), { numRuns: Math.ceil(RUNS / 3) });
  });

  it("evaluates or clearly refuses 3000-deep nestings of every kind", () => {
    const deep: Record<string, string> = {
      parentheses: `${"(".repeat(3000)}x${")".repeat(3000)}`,
      calls: `${"exp(".repeat(3000)}a${")".repeat(3000)}`,
      negations: `${"-".repeat(3000)}a`,
      transposes: `x${"'".repeat(3000)}`,
      powers: `a${"^1".repeat(3000)}`,
      sum: Array.from({ length: 3000 }, () => "x").join(" + "),
      products: `${Array.from({ length: 3000 }, () => "A").join("*")}*x`,
      brackets: `${"[".repeat(3000)}a${"]".repeat(3000)}`,
    };
    for (const [kind, source] of Object.entries(deep)) {
      const analysis = analyze(source);
      if (analysis.diagnostics.length > 0) {
        expect(analysis.diagnostics[0]!.message, kind).toMatch(/nested too deeply/);
      } else {
        const v = evaluateProblem(analysis.problem!, {
          x: [0.5, 0.25],
          a: 1,
          A: [
            [0.5, 0],
            [0, 0.5],
          ],
        });
        expect(v.data.every(Number.isFinite), kind).toBe(true);
      }
    }
  });

  it("differentiates whatever checks, by each of its variables, or refuses with a message", () => {
    let differentiated = 0;
    fc.assert(
      fc.property(
        fc.oneof(tokenSequences, tokenSequencesTight, anyTypedProblem),
        fc.integer({ min: 1, max: 2 }),
        (source, order) => {
          const analysis = analyze(source);
          if (!analysis.problem) return;
          for (const variable of analysis.problem.variables) {
            try {
              const d = differentiate(analysis.problem, variable.name, { order });
              expect(typeof d.text).toBe("string");
              differentiated++;
            } catch (error) {
              if (!isMatcalcError(error)) throw error;
            }
          }
        },
      ),
      { numRuns: Math.ceil(RUNS / 6) },
    );
    expect(differentiated).toBeGreaterThan(RUNS / 20);
  });

  it("never makes the command line print a stack trace or exit with an internal error", async () => {
    const samples = fc.sample(fc.oneof(tokenSequences, randomStrings), { numRuns: 300, seed: 42 });
    for (const source of samples) {
      for (const command of ["parse", "shape"]) {
        const result = await runCli([command, source]);
        expect([0, 1]).toContain(result.code);
        expect(result.stderr).not.toMatch(/\n\s+at /);
      }
    }
  });
});
