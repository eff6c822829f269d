// Problems: text → checked IR, shapes, values and numbers. Every failure surfaces as a MatcalcError
// whose diagnostic points into the problem's source.
import { type CheckedProblem, checkProblem, type VariableInfo } from "../check/index.js";
import {
  type Diagnostic,
  describeShape,
  dimSymbols,
  formatDiagnostic,
  isMatcalcError,
  MatcalcError,
} from "../core/index.js";
import { type Node, postorder } from "../ir/index.js";
import { KERNEL_LINEAR_ALGEBRA } from "../kernels/index.js";
import { type Bindings, bindValues, EvaluationError, evaluateNodes } from "../numeric/index.js";
import { toText } from "../render/index.js";
import { type ParseResult, parseProblem } from "../syntax/index.js";
import type { Tensor } from "../tensor/index.js";

export type Problem = CheckedProblem;

export interface Analysis {
  readonly parse: ParseResult;
  readonly problem: Problem | null;
  /** Syntax errors first; checking runs only on a problem that parsed. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses and checks without throwing: for editors that show what they can while the user types. */
export function analyze(source: string): Analysis {
  const parse = parseProblem(source);
  if (parse.diagnostics.length > 0) return { parse, problem: null, diagnostics: parse.diagnostics };
  const checked = checkProblem(parse.problem);
  return { parse, problem: checked.problem, diagnostics: checked.diagnostics };
}

/** The checked problem; throws a MatcalcError with the first diagnostic if there is one. */
export function loadProblem(source: string): Problem {
  const { problem, diagnostics } = analyze(source);
  const first = diagnostics[0];
  if (first) throw new MatcalcError(first.kind, first.message, first.span);
  return problem!;
}

/** A problem given as text or as loaded; anything else (null, a number) is refused with a message. */
export function asProblem(problem: string | Problem): Problem {
  if (typeof problem === "string") return loadProblem(problem);
  const p = problem as Partial<Problem> | null | undefined;
  if (p === null || typeof p !== "object" || p.expression === undefined || !Array.isArray(p.variables)) {
    throw new MatcalcError(
      "usage",
      `a problem is text (or what loadProblem returns), got ${problem === null ? "null" : typeof problem}`,
    );
  }
  return problem;
}

/** `kind(sizes)` of a variable as one would declare it. */
export function declarationOf(variable: VariableInfo): string {
  if (variable.kind === "symmetric") return `symmetric(${variable.shape[0]})`;
  return describeShape(variable.shape);
}

export interface ShapeReport {
  readonly variables: ReadonlyArray<{
    readonly name: string;
    readonly type: string;
    readonly declared: boolean;
  }>;
  readonly result: string;
}

export function shapeReport(problem: string | Problem): ShapeReport {
  const p = asProblem(problem);
  return {
    variables: p.variables.map((v) => ({ name: v.name, type: declarationOf(v), declared: v.declared })),
    result: describeShape(p.expression.shape),
  };
}

/** The size symbols a problem uses (declared, inferred, and those of I and ones). */
export function sizeSymbols(problem: Problem): string[] {
  const symbols = new Set<string>();
  for (const node of postorder(problem.expression))
    for (const d of node.shape) for (const s of dimSymbols(d)) symbols.add(s);
  for (const v of problem.variables) for (const d of v.shape) for (const s of dimSymbols(d)) symbols.add(s);
  return [...symbols];
}

/** The problem's variables bound to values, evaluated with the kernels' linear algebra. */
export function bindProblemValues(problem: Problem, values: unknown): Bindings {
  const bindings = bindValues(
    problem.variables.map((v) => ({ name: v.name, shape: v.shape, symmetric: v.kind === "symmetric" })),
    values,
    sizeSymbols(problem),
  );
  return { ...bindings, linalg: KERNEL_LINEAR_ALGEBRA };
}

/** Rewrites a numeric failure at a node into a message naming it and pointing at its source. */
export function locateEvaluationError(problem: Problem, error: unknown): unknown {
  if (!(error instanceof EvaluationError)) return error;
  const span = problem.spans.get(error.node.id);
  if (error.diagnostic.kind === "value") return new MatcalcError("value", error.reason, span);
  const text = toText(error.node);
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  const joiner = error.reason.startsWith("gives") ? " " : ": ";
  return new MatcalcError("numeric", `${shown}${joiner}${error.reason}`, span);
}

/** Evaluates nodes of a problem at the given values, with located errors. */
export function evaluateAt(problem: Problem, roots: readonly Node[], values: unknown | Bindings): Tensor[] {
  const bindings = isBindings(values) ? values : bindProblemValues(problem, values);
  try {
    return evaluateNodes(roots, bindings);
  } catch (error) {
    throw locateEvaluationError(problem, error);
  }
}

function isBindings(x: unknown): x is Bindings {
  return (
    typeof x === "object" &&
    x !== null &&
    (x as Bindings).variables instanceof Map &&
    (x as Bindings).sizes instanceof Map
  );
}

/** The value of the problem's expression at the given JSON values (SPEC §3). */
export function evaluateProblem(problem: string | Problem, values: unknown): Tensor {
  const p = asProblem(problem);
  return evaluateAt(p, [p.expression], values)[0]!;
}

function isDiagnostic(x: unknown): x is Diagnostic {
  return typeof x === "object" && x !== null && !(x instanceof Error) && "message" in x && "kind" in x;
}

/** An error or diagnostic as the front ends show it: one line, plus source line and caret. */
export function formatError(error: unknown, source?: string): string {
  if (isMatcalcError(error)) return formatDiagnostic(error.diagnostic, source);
  if (isDiagnostic(error)) return formatDiagnostic(error, source);
  const message = error instanceof Error ? error.message : String(error);
  return `internal error: ${message.split("\n")[0]}`;
}
