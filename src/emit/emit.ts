// Generated code for a request: `programFor` is the straight-line program of a problem's value and
// derivatives, and `emit` prints it as a function for a target language.

import {
  buildProgram,
  jsNameConflict,
  type Program,
  type ProgramOutput,
  printJs,
  printPython,
  pythonNameConflict,
} from "../codegen/index.js";
import { formatShape, MatcalcError, type Shape } from "../core/index.js";
import {
  asProblem,
  type Derivative,
  type DifferentiateOptions,
  differentiate,
  type Problem,
  shownOrWhy,
} from "../derive/index.js";
import { toText, toTextWithin } from "../render/index.js";

export const TARGETS = ["ts", "js", "numpy", "torch", "jax"] as const;
export type Target = (typeof TARGETS)[number];

export interface EmitOptions extends DifferentiateOptions {
  readonly target?: Target | undefined;
  /** The generated function's name (default "derivatives"). */
  readonly name?: string | undefined;
}

export interface Emitted {
  readonly target: Target;
  readonly name: string;
  readonly code: string;
  /** The keys of the returned record, in order: "value", then "d_w", "d2_w", … per variable. */
  readonly outputs: readonly string[];
  /** The derivatives, in the order of `outputs` after "value". */
  readonly derivatives: readonly Derivative[];
}

function shapeWords(shape: Shape): string {
  if (shape.length === 0) return "scalar";
  if (shape.length === 1) return `${shape[0]}-vector`;
  if (shape.length === 2 && shape[0] === 1) return `1×${shape[1]} row (a flat array)`;
  return formatShape(shape);
}

function variableNames(problem: Problem, wrt: string | readonly string[]): string[] {
  const names = (typeof wrt === "string" ? wrt.split(",") : [...wrt]).map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) throw new MatcalcError("usage", "name a variable to differentiate by (--wrt)");
  for (const n of names) {
    if (!problem.variables.some((v) => v.name === n)) {
      const all = problem.variables.map((v) => v.name).join(", ");
      throw new MatcalcError(
        "name",
        `cannot differentiate by ${n}: it is not a variable of the problem (its variables: ${all || "none"})`,
      );
    }
  }
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new MatcalcError("usage", `${duplicate} is named twice`);
  return names;
}

/** A derivative's formula for the header of generated code, or why it is not shown there. */
function headerFormula(d: Derivative): string {
  const node = d.node;
  return (
    shownOrWhy(() => (node ? toTextWithin(node, HEADER_FORMULA_LIMIT) : d.text)).text ??
    "(too large to show here)"
  );
}

/** The longest formula printed into a header (the header shows its first 240 characters). */
const HEADER_FORMULA_LIMIT = 100_000;

/** The program behind the generated code: the value, then each variable's derivatives up to `order`. */
export function programFor(
  problem: string | Problem,
  wrt: string | readonly string[],
  options: DifferentiateOptions & { readonly highestOnly?: boolean | undefined } = {},
): { program: Program; derivatives: Derivative[] } {
  const p = asProblem(problem);
  const names = variableNames(p, wrt);
  const order = options.order ?? 1;
  if (!Number.isInteger(order) || order < 1 || order > 4) {
    throw new MatcalcError("usage", `the order must be 1, 2, 3 or 4, got ${order}`);
  }
  const outputs: ProgramOutput[] = options.highestOnly
    ? []
    : [
        {
          key: "value",
          description: `the problem's value (${shapeWords(p.expression.shape)})`,
          formula: toText(p.expression),
          shape: p.expression.shape,
          node: p.expression,
          indexForm: null,
        },
      ];
  const derivatives: Derivative[] = [];
  const notes = new Set<string>();
  for (const name of names) {
    for (let k = options.highestOnly ? order : 1; k <= order; k++) {
      const { highestOnly: _, ...differentiateOptions } = options;
      const d = differentiate(p, name, { ...differentiateOptions, order: k });
      derivatives.push(d);
      const what = k === 1 ? "derivative" : k === 2 ? "second derivative" : `order-${k} derivative`;
      const form = d.kind === "index" ? ", in index form (no matrix form)" : "";
      outputs.push({
        key: `${k === 1 ? "d" : `d${k}`}_${name}`,
        description: `${what} by ${name}: ${shapeWords(d.shape)}, ${d.layout} layout${form}`,
        formula: headerFormula(d),
        shape: d.shape,
        node: d.node,
        indexForm: d.indexForm,
      });
      for (const note of d.notes) notes.add(note);
    }
  }
  const program = buildProgram({
    problem: toText(p.expression),
    inputs: p.variables.map((v) => ({ name: v.name, shape: v.shape, symmetric: v.kind === "symmetric" })),
    outputs,
    notes: [...notes],
  });
  return { program, derivatives };
}

export function emit(
  problem: string | Problem,
  wrt: string | readonly string[],
  options: EmitOptions = {},
): Emitted {
  const target = options.target ?? "ts";
  if (!(TARGETS as readonly string[]).includes(target)) {
    throw new MatcalcError("usage", `unknown target ${target}: use one of ${TARGETS.join(", ")}`);
  }
  const name = options.name ?? "derivatives";
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new MatcalcError("usage", `${String(name)} is not a function name`);
  const python = target !== "ts" && target !== "js";
  const conflict = python ? pythonNameConflict(name) : jsNameConflict(name);
  if (conflict !== null)
    throw new MatcalcError("usage", `${name} cannot name the generated function: it is ${conflict}`);
  const { program, derivatives } = programFor(problem, wrt, options);
  if (python) {
    for (const input of program.inputs) {
      const clash = pythonNameConflict(input.name);
      if (clash !== null)
        throw new MatcalcError(
          "name",
          `the variable ${input.name} cannot be a parameter of the generated ${target} function: it is ${clash}; rename it`,
        );
    }
  }
  const code =
    target === "ts" || target === "js"
      ? printJs(program, { typed: target === "ts", name })
      : printPython(program, target, name);
  return { target, name, code, outputs: program.outputs.map((o) => o.key), derivatives };
}
