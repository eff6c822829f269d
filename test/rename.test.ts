// Meaning does not hang on a name: renaming a declared variable (to any name the language allows,
// Greek, capital or lowercase, of any first letter) changes no derivative's kind, shape, notes or
// numbers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze, differentiate, type Problem, randomValues } from "../src/api/index.js";
import { refusedByDesign } from "./derivative-checks.js";
import { DECLARATIONS, problems } from "./generators.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1);

/** Names a user might pick, whatever their first letter would make them: none is a function. */
const NEW_NAMES = fc.constantFrom("theta", "Q", "u1", "gamma", "W", "p", "Xi", "h_2", "T", "k");

/** The source with the whole word `from` renamed (its declaration and every use). */
function renamed(source: string, from: string, to: string): string {
  return source.replace(new RegExp(`\\b${from}\\b`, "g"), to);
}

describe("renaming a declared variable", () => {
  it("changes no derivative's meaning", () => {
    let compared = 0;
    fc.assert(
      fc.property(
        fc.oneof(problems("S"), problems("V")).filter((s) => s.length < 260),
        fc.constantFrom("a", "x", "A", "C"),
        NEW_NAMES,
        (source, from, to) => {
          const used = source.split("\n")[1]!;
          if (!new RegExp(`\\b${from}\\b`).test(used)) return;
          if (new RegExp(`\\b${to}\\b`).test(source)) return;
          // T right after ^ is the transpose by the language's rule (`X^T` is `X'`), never a variable:
          // renaming an exponent to T changes what is written.
          if (to === "T" && new RegExp(`\\^\\s*\\{?\\s*${from}\\b`).test(used)) return;
          const original = analyze(source).problem;
          const other = analyze(renamed(source, from, to)).problem;
          expect(other, renamed(source, from, to)).not.toBeNull();
          const attempt = (p: Problem, wrt: string) => {
            try {
              return differentiate(p, wrt);
            } catch (error) {
              if (refusedByDesign(error)) return (error as Error).message;
              throw error;
            }
          };
          const before = attempt(original!, from);
          const after = attempt(other!, to);
          if (typeof before === "string" || typeof after === "string") {
            expect(after).toEqual(before);
            return;
          }
          expect(after.shape).toEqual(before.shape);
          expect(after.notes).toEqual(before.notes.map((n) => renamed(n, from, to)));
          // The same kind of answer, with the same numbers at the same values (commuting scalar
          // factors may be written in another order: names order them).
          expect(after.kind).toBe(before.kind);
          const values = randomValues(original!, 7);
          const moved = Object.fromEntries(Object.entries(values).map(([k, v]) => [k === from ? to : k, v]));
          let expected: Float64Array;
          try {
            expected = before.evaluate(values).data;
          } catch {
            return;
          }
          const actual = after.evaluate(moved).data;
          expect(actual.length).toBe(expected.length);
          const scale = Math.max(1, ...expected.map(Math.abs));
          expected.forEach((e, k) => {
            if (Number.isFinite(e)) expect(Math.abs(actual[k]! - e) / scale).toBeLessThan(1e-12);
            else expect(actual[k]).toBe(e);
          });
          compared++;
        },
      ),
      { numRuns: Math.round(250 * RUNS) },
    );
    expect(compared).toBeGreaterThan(25);
  });

  it("reads T, a Greek name and a capital as what their declarations say", () => {
    expect(DECLARATIONS).toContain("x: vector(n)");
    const d = differentiate("T: vector(n), theta: vector(n), Q: scalar\nQ*T'*theta", "theta");
    expect(d.text).toBe("Q*T'");
  });
});
