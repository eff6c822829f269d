// The registry's conformance: every operator a user can write, found from its registry entry (its
// syntax and shape rule), goes through every stage — parse and check, print and read back as text,
// render as LaTeX, evaluate, differentiate by every variable with the numeric check (differences and
// both modes of AD), steps, and generated code for every target, run (NumPy and PyTorch where a
// python3 has them, JAX compiled). A stage an operator misses fails a test named after it, so adding
// an operator is one registry entry, and this test says when it is not.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import katex from "katex";
import { describe, expect, it } from "vitest";
import {
  analyze,
  checkDerivative,
  emit,
  evaluateProblem,
  explain,
  explanationText,
  type Problem,
  TARGETS,
  toLatex,
  toText,
} from "../src/api/index.js";
import { CORE_CODE_OPERATORS, OPERATORS, type OperatorName } from "../src/ops/index.js";
import { expectedFor, findPython, mismatch, runJs, runPythonModules } from "./codegen-harness.js";

const DECLARATIONS = "a: scalar, b: scalar, x: vector(3), y: vector(3), A: matrix(3, 3), B: matrix(3, 3)";

/** Values inside every operator's domain (positive entries, symmetric positive definite matrices). */
const VALUES = {
  a: 0.8,
  b: 1.3,
  x: [0.7, 1.1, 0.4],
  y: [0.9, 0.3, 1.2],
  A: [
    [2, 0.3, 0.1],
    [0.3, 2.5, 0.2],
    [0.1, 0.2, 1.8],
  ],
  B: [
    [1.5, -0.2, 0.4],
    [-0.2, 1.2, 0.1],
    [0.4, 0.1, 2.1],
  ],
};

/** Values inside (-1, 1), for the operators defined only there (arcsin, arccos). */
const UNIT_VALUES = {
  a: 0.3,
  b: -0.45,
  x: [0.2, -0.5, 0.35],
  y: [0.6, 0.1, -0.3],
  A: [
    [0.4, 0.1, -0.2],
    [0.1, 0.5, 0.15],
    [-0.2, 0.15, 0.3],
  ],
  B: [
    [0.25, -0.1, 0.2],
    [-0.1, 0.35, 0.05],
    [0.2, 0.05, 0.45],
  ],
};

/** The values at which an operator's examples run: inside its domain. */
const valuesFor = (op: OperatorName) => (OPERATORS[op].domain === "open-unit" ? UNIT_VALUES : VALUES);

/** Operands of each rank: a scalar, a vector and a square matrix (second operands apart). */
const OPERANDS = [
  ["a", "b"],
  ["x", "y"],
  ["A", "B"],
] as const;

/** Every way of writing `op` over the operands that checks to an expression whose top is `op`. */
function examplesOf(op: OperatorName): Problem[] {
  const syntax = OPERATORS[op].syntax;
  const arity = syntax.kind === "function" ? syntax.arity : syntax.kind === "binary" ? 2 : 1;
  const found: Problem[] = [];
  const choices = (k: number): string[][] =>
    k === 0 ? [[]] : choices(k - 1).flatMap((rest) => OPERANDS.map((pair) => [...rest, pair[k - 1]!]));
  // An operator whose right operand is a whole-number literal (X^3) gets one.
  const literalRight = syntax.kind === "binary" && syntax.integerLiteralRight !== undefined;
  // An axis argument (sum(X, 1)) gets the value the operator takes.
  const axis = syntax.kind === "function" ? syntax.literals : undefined;
  for (const chosen of choices(arity)) {
    const args = literalRight ? [chosen[0]!, "3"] : [...chosen];
    if (axis !== undefined) args[axis.at] = String(axis.values[0]);
    const text =
      syntax.kind === "function"
        ? `${syntax.name}(${args.join(", ")})`
        : syntax.kind === "binary"
          ? `${args[0]} ${syntax.symbol} ${args[1]}`
          : syntax.kind === "prefix"
            ? `${syntax.symbol}${args[0]}`
            : `${args[0]}${syntax.kind === "postfix" ? syntax.symbol : ""}`;
    const problem = analyze(`${DECLARATIONS}\n${text}`).problem;
    if (problem !== null && problem.expression.op === op) found.push(problem);
  }
  return found;
}

const WRITABLE = (Object.keys(OPERATORS) as OperatorName[]).filter(
  (op) => OPERATORS[op].syntax.kind !== "leaf",
);
const EXAMPLES = new Map(WRITABLE.map((op) => [op, examplesOf(op)]));

/** The variables an example uses, each a variable to differentiate by. */
const variablesOf = (p: Problem) => p.variables.map((v) => v.name);

/**
 * The operators some of whose derivatives have neither a matrix form nor index notation here (a
 * Kronecker product's row is a pair of indices; the contraction of a vector by a vector slot is a
 * reshape): the engine refuses those with a message, and their rules go through every stage inside
 * the scalar sum(op(…).^2) instead. A test below holds the refusals to the message.
 */
const NO_INDEX_NOTATION = new Set<string>(["kron", "kronT1", "kronT2"]);

/** Whether the engine refuses the derivative for want of index notation (any other error is thrown). */
function refused(p: Problem, wrt: string): boolean {
  try {
    checkDerivative(p, wrt, { values: VALUES });
    return false;
  } catch (error) {
    if (error instanceof Error && /has no index notation/.test(error.message)) return true;
    throw error;
  }
}

/** The derivatives an operator's examples are taken through every stage with, and those refused. */
function derivativesOf(op: OperatorName): { p: Problem; wrt: string; refused?: true }[] {
  return EXAMPLES.get(op)!.flatMap((p) =>
    variablesOf(p).flatMap((wrt) => {
      if (!NO_INDEX_NOTATION.has(op) || !refused(p, wrt)) return [{ p, wrt }];
      const wrapped = analyze(`${DECLARATIONS}\nsum((${toText(p.expression)}).^2)`).problem!;
      return [
        { p: wrapped, wrt },
        { p, wrt, refused: true as const },
      ];
    }),
  );
}
const DERIVATIVES = new Map(WRITABLE.map((op) => [op, derivativesOf(op).filter((d) => !d.refused)]));
const REFUSED = WRITABLE.flatMap((op) => derivativesOf(op).filter((d) => d.refused));

describe("every operator of the registry, through every stage", () => {
  it("includes the operators a user writes, cosh and sinh among them", () => {
    expect(WRITABLE).toEqual(expect.arrayContaining(["cosh", "sinh", "exp", "mul", "transpose", "logdet"]));
  });

  it("has code for every operator, leaves included, except the core ones the printers write", () => {
    const missing = (Object.keys(OPERATORS) as OperatorName[]).filter(
      (op) => OPERATORS[op].code === undefined && !(CORE_CODE_OPERATORS as readonly string[]).includes(op),
    );
    expect(missing).toEqual([]);
  });

  for (const op of WRITABLE) {
    describe(op, () => {
      const examples = EXAMPLES.get(op)!;

      it(`${op}: can be written and checks`, () => {
        expect(examples.length, `no operand ranks make ${op} check`).toBeGreaterThan(0);
      });

      it(`${op}: says how generated code writes it (its entry's code, or a core operator)`, () => {
        const core = (CORE_CODE_OPERATORS as readonly string[]).includes(op);
        const code = OPERATORS[op].code;
        expect(code !== undefined || core, `${op} has no code and is not a core operator`).toBe(true);
        expect(code !== undefined && core, `${op} is a core operator but gives code`).toBe(false);
      });

      it(`${op}: prints and reads back as text, and renders as LaTeX`, () => {
        for (const p of examples) {
          const text = toText(p.expression);
          const again = analyze(`${DECLARATIONS}\n${text}`).problem;
          expect(again?.expression, text).toBe(p.expression);
          expect(() => katex.renderToString(toLatex(p.expression), { throwOnError: true })).not.toThrow();
        }
      });

      it(`${op}: evaluates to finite numbers`, () => {
        for (const p of examples) {
          const value = evaluateProblem(p, valuesFor(op));
          expect(value.data.every(Number.isFinite), toText(p.expression)).toBe(true);
        }
      });

      it(`${op}: differentiates by every variable, checked by differences and both modes of AD`, () => {
        for (const { p, wrt } of DERIVATIVES.get(op)!) {
          {
            const report = checkDerivative(p, wrt, { values: valuesFor(op) });
            const what = `d(${toText(p.expression)})/d${wrt}`;
            expect(report.passed, `${what}: ${report.maxRelativeError}`).toBe(true);
            expect(report.forwardModeError ?? report.reverseModeError, what).not.toBeNull();
          }
        }
      });

      it(`${op}: explains its derivative step by step`, () => {
        for (const { p, wrt } of DERIVATIVES.get(op)!) {
          {
            const e = explain(p, wrt);
            expect(explanationText(e)).toContain("Result:");
            if (e.agrees !== null) expect(e.agrees, `${toText(p.expression)} by ${wrt}`).toBe(true);
          }
        }
      });

      it(`${op}: generated JavaScript and TypeScript give the engine's numbers`, () => {
        for (const { p, wrt } of DERIVATIVES.get(op)!) {
          for (const target of ["js", "ts"] as const) {
            const emitted = emit(p, wrt, { target });
            const c = { label: op, problem: p.source, wrt, order: 1, values: valuesFor(op) };
            const expected = expectedFor(c, emitted.derivatives, emitted.outputs)!;
            const { key, error } = mismatch(expected, runJs(emitted.code, target, valuesFor(op)));
            expect(error, `${target} ${toText(p.expression)} by ${wrt}: ${key}`).toBeLessThan(1e-9);
          }
        }
      });
    });
  }

  for (const target of ["numpy", "torch"] as const) {
    const python = findPython(target === "numpy" ? ["numpy"] : ["numpy", "torch"]);
    const required = process.env[target === "numpy" ? "REQUIRE_NUMPY" : "REQUIRE_TORCH"] === "1";
    it.skipIf(!python && !required)(
      `every operator's generated ${target} code gives the engine's numbers`,
      {
        timeout: 120_000,
      },
      () => {
        if (!python) throw new Error(`no python3 with ${target} here, but the run requires one`);
        const cases = WRITABLE.flatMap((op) =>
          [DERIVATIVES.get(op)!].flatMap((pairs) =>
            pairs.map(({ p, wrt }) => {
              const emitted = emit(p, wrt, { target });
              const c = { label: op, problem: p.source, wrt, order: 1, values: valuesFor(op) };
              return {
                op,
                code: emitted.code,
                c,
                expected: expectedFor(c, emitted.derivatives, emitted.outputs)!,
              };
            }),
          ),
        );
        const results = runPythonModules(python, cases);
        cases.forEach(({ op, c, code, expected }, k) => {
          const actual = results[k] as Record<string, unknown>;
          if ("error" in actual)
            throw new Error(`${op}: ${target} by ${c.wrt}: ${String(actual.error)}\n${code}`);
          const { key, error } = mismatch(expected, actual);
          expect(error, `${op}: ${target} ${c.problem.split("\n")[1]} by ${c.wrt}: ${key}`).toBeLessThan(
            1e-9,
          );
        });
      },
    );
  }

  it("refuses, with the reason, only the derivatives through a Kronecker product that have no form here", () => {
    // kron(A, B) by A is a 4-tensor whose rows are index pairs: refused, not answered wrongly.
    const texts = REFUSED.map(({ p, wrt }) => `${toText(p.expression)} by ${wrt}`);
    expect(texts).toContain("kron(A, B) by A");
    expect(texts).not.toContain("kron(x, y) by x");
    expect(REFUSED.every(({ p }) => NO_INDEX_NOTATION.has(p.expression.op))).toBe(true);
  });

  it("every operator's generated JAX code compiles", () => {
    const python = findPython([]);
    if (!python) return;
    const dir = mkdtempSync(join(tmpdir(), "matcalc-conformance-jax-"));
    const files: string[] = [];
    for (const op of WRITABLE)
      for (const [k, p] of EXAMPLES.get(op)!.entries()) {
        const file = join(dir, `${op}_${k}.py`);
        writeFileSync(file, emit(p, variablesOf(p)[0]!, { target: "jax" }).code);
        files.push(file);
      }
    execFileSync(python, ["-m", "py_compile", ...files], { stdio: "pipe" });
    expect(TARGETS).toContain("jax");
  });
});
