// Derivatives per request: the calculus layer computes, the simplifier tidies between its
// steps, and the result carries its shape, layout, text, LaTeX, index form and numbers.
import {
  type DerivativeResult,
  differentiate as deriveRaw,
  indexView,
  LAYOUTS,
  type Layout,
  type LayoutView,
  type NaturalValue,
  relayout,
  type SymmetricConvention,
  TENSOR_NOTE,
} from "../calculus/index.js";
import { type Dim, dimValue, isMatcalcError, MatcalcError, type Shape } from "../core/index.js";
import type { IndexForm, Node } from "../ir/index.js";
import { evaluateIndexForm } from "../numeric/index.js";
import { variable } from "../ops/index.js";
import {
  INDEX_TERMS_SHOWN,
  indexFormLatex,
  indexFormText,
  printedLength,
  toLatex,
  toText,
} from "../render/index.js";
import {
  type SearchStop,
  type StopReason,
  searchShorter,
  simplify,
  type TraceEntry,
  tidy,
} from "../simplify/index.js";
import type { Tensor } from "../tensor/index.js";
import { type KroneckerDisplay, kroneckerText } from "./kronecker.js";
import { asProblem, bindProblemValues, evaluateAt, locateEvaluationError, type Problem } from "./problem.js";

export { LAYOUTS, type Layout, type SymmetricConvention };

export interface DifferentiateOptions {
  readonly order?: number;
  readonly layout?: Layout;
  readonly symmetric?: SymmetricConvention;
}

export interface Derivative {
  readonly problem: Problem;
  readonly wrt: readonly string[];
  readonly order: number;
  readonly layout: Layout;
  /** "matrix": compact matrix notation; "index": index notation (no matrix form exists here). */
  readonly kind: "matrix" | "index";
  /** The derivative's shape in the chosen layout (SPEC §2). */
  readonly shape: Shape;
  /** The matrix expression (kind "matrix"). */
  readonly node: Node | null;
  /** The index form (kind "index"). */
  readonly indexForm: IndexForm | null;
  /**
   * The derivative in natural order (the output's axes, then the variable's): `node` and `indexForm`
   * are this in the layout, a view that `view` describes (calculus/layout.ts applies and undoes it).
   */
  readonly natural: NaturalValue;
  readonly view: LayoutView;
  /**
   * Matrix results in the input syntax; index results in index notation. Printed when first read;
   * reading a result too large to show (TEXT_LIMIT characters, INDEX_TERMS_SHOWN terms) throws a
   * MatcalcError of kind "limit" — the result can still be evaluated and emitted.
   */
  readonly text: string;
  readonly latex: string;
  /** The derivative in index notation, or why it is not shown (too large). */
  readonly index: string;
  /**
   * For tensors that have one: the Kronecker form of d vec(Y)/d vec(X) (vec stacks columns), e.g.
   * B' ⊗ A for A*X*B by X; transposed factor by factor in the denominator layout.
   */
  readonly kronecker: KroneckerDisplay | null;
  readonly notes: readonly string[];
  /** The convention applied to a gradient by a symmetric matrix, or null when none was applied. */
  readonly symmetrized: SymmetricConvention | null;
  /**
   * The previous order's derivative in natural order (outputs' entries, then the variable's), as the
   * derivation went through it; null where it has none in matrix form (see DerivativeResult). The
   * numeric check differentiates it instead of deriving the previous order again.
   */
  readonly lowerNatural: Node | null;
  /** The rewrite rules the simplifier applied, in order. */
  readonly trace: readonly TraceEntry[];
  readonly stop: StopReason;
  /** How the search for a shorter form of the result ended (decision note 012). */
  readonly search: SearchStop | null;
  /** The derivative's numbers at the given values, in its shape and layout. */
  evaluate(values: unknown): Tensor;
}

/** How a Kronecker form is to be read, said beside it. */
export const KRONECKER_CONVENTION = "as a Kronecker product: d vec(Y)/d vec(X), vec stacks columns";

/**
 * The form a front end shows first, with what it is: the Kronecker form of a tensor that has one
 * (its index form beside it), else the derivative's own form (matrix or index notation).
 */
export function leadingForm(d: Derivative): {
  /** Said after the shape: "index notation", KRONECKER_CONVENTION, or null for a matrix form. */
  readonly heading: string | null;
  readonly text: () => string;
  readonly latex: () => string;
  /** The index form, shown beside a Kronecker form; null otherwise. */
  readonly beside: { readonly text: () => string; readonly latex: () => string } | null;
} {
  const own = { text: () => d.text, latex: () => d.latex };
  if (d.kronecker === null)
    return { heading: d.kind === "index" ? "index notation" : null, ...own, beside: null };
  const { text, latex } = d.kronecker;
  return { heading: KRONECKER_CONVENTION, text: () => text, latex: () => latex, beside: own };
}

/**
 * A printed form (`() => d.text`), or null and why where it is too large to show (an error of kind
 * "limit"): for front ends that show what they can.
 */
export function shownOrWhy(read: () => string): { text: string | null; why: string | null } {
  try {
    return { text: read(), why: null };
  } catch (error) {
    if (isMatcalcError(error) && error.diagnostic.kind === "limit") return { text: null, why: error.message };
    throw error;
  }
}

function variableNode(problem: Problem, name: string): Node {
  const info = problem.variables.find((v) => v.name === name);
  if (!info) {
    const names = problem.variables.map((v) => v.name).join(", ");
    throw new MatcalcError(
      "name",
      `cannot differentiate by ${name}: it is not a variable of the problem (its variables: ${names || "none"})`,
    );
  }
  return variable(name, info.shape, info.kind === "symmetric");
}

function sizesNumeric(shape: Shape, sizeOf: (d: Dim) => number): number[] {
  return shape.map(sizeOf);
}

export const CONVENTIONS: readonly SymmetricConvention[] = ["projection", "cookbook"];
/** The highest order: each order multiplies the work, and a fourth-order tensor is already large. */
export const MAX_ORDER = 8;

/** The options, each checked: a typo such as layout: "denominater" is an error, not the default. */
export function checkedOptions(options: DifferentiateOptions | null | undefined): DifferentiateOptions {
  const o = options ?? {};
  if (typeof o !== "object") throw new MatcalcError("usage", `options must be an object, got ${typeof o}`);
  if (o.order !== undefined && !(Number.isInteger(o.order) && o.order >= 1 && o.order <= MAX_ORDER))
    throw new MatcalcError(
      "usage",
      `the order must be a whole number from 1 to ${MAX_ORDER}, got ${String(o.order)}`,
    );
  if (o.layout !== undefined && !LAYOUTS.includes(o.layout))
    throw new MatcalcError("usage", `layout must be ${LAYOUTS.join(", ")}; got ${JSON.stringify(o.layout)}`);
  if (o.symmetric !== undefined && !CONVENTIONS.includes(o.symmetric))
    throw new MatcalcError(
      "usage",
      `symmetric must be ${CONVENTIONS.join(" or ")}; got ${JSON.stringify(o.symmetric)}`,
    );
  return o;
}

/** The variables to differentiate by: names, or one comma-separated string of names. */
function wrtNames(wrt: string | readonly string[]): string[] {
  if (typeof wrt !== "string" && !(Array.isArray(wrt) && wrt.every((n) => typeof n === "string")))
    throw new MatcalcError(
      "usage",
      'name the variables to differentiate by as text ("x" or "x,y") or a list of names',
    );
  return (typeof wrt === "string" ? wrt.split(",") : wrt).map((n) => n.trim()).filter((n) => n.length > 0);
}

/** How many derivations this module has run: a request is derived once (the tests count). */
let derivations = 0;
export function derivationCount(): number {
  return derivations;
}

/**
 * The derivatives by several variables: several scalars stacked into one vector (one Jacobian, as the
 * lecture's by x and y), else one derivative per variable, in the order named.
 */
export function differentiateEach(
  problem: string | Problem,
  wrt: string | readonly string[],
  options: DifferentiateOptions = {},
): Derivative[] {
  const p = asProblem(problem);
  const names = wrtNames(wrt);
  const scalar = (n: string) => p.variables.find((v) => v.name === n)?.shape.length === 0;
  if (names.length <= 1 || names.every(scalar)) return [differentiate(p, names, options)];
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new MatcalcError("usage", `${duplicate} is named twice`);
  return names.map((n) => differentiate(p, n, options));
}

export function differentiate(
  problem: string | Problem,
  wrt: string | readonly string[],
  given: DifferentiateOptions = {},
): Derivative {
  derivations++;
  const p = asProblem(problem);
  const options = checkedOptions(given);
  const names = wrtNames(wrt);
  if (names.length === 0) throw new MatcalcError("usage", "name a variable to differentiate by");
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new MatcalcError("usage", `${duplicate} is named twice`);
  const variables = names.map((n) => variableNode(p, n));
  const tracer = simplifierWithTrace();
  const result = deriveRaw(p.expression, variables, { ...options, simplify: tracer.simplify, tidy });
  return derivativeOf(p, names, variables, result, tracer);
}

/**
 * The same derivative in another layout: a view of its natural form (calculus/layout.ts), not
 * derived again — one simplifier pass over what the view shows.
 */
export function inLayout(d: Derivative, layout: Layout): Derivative {
  if (d.layout === layout) return d;
  const made = MADE.get(d);
  if (made === undefined) throw new MatcalcError("usage", "not a derivative this module made");
  const tracer = simplifierWithTrace(d.trace, d.stop);
  const variables = d.wrt.map((n) => variableNode(d.problem, n));
  const result = relayout(made, d.problem.expression, variables, layout, tracer.simplify);
  return derivativeOf(d.problem, d.wrt, variables, result, tracer);
}

/** The simplifier as the calculus layer calls it, keeping the trace of its rules and its stop reason. */
function simplifierWithTrace(
  before: readonly TraceEntry[] = [],
  stopped: StopReason = "fixed-point",
): { simplify: (node: Node) => Node; trace: TraceEntry[]; stop: () => StopReason } {
  const trace = [...before];
  let stop = stopped;
  return {
    simplify: (node) => {
      const result = simplify(node, { trace: true });
      for (const step of result.trace) trace.push(step);
      if (result.stop !== "fixed-point") stop = result.stop;
      return result.node;
    },
    trace,
    stop: () => stop,
  };
}

/** The calculus layer's result behind each Derivative, for showing it in another layout. */
const MADE = new WeakMap<Derivative, DerivativeResult>();

function derivativeOf(
  p: Problem,
  names: readonly string[],
  variables: readonly Node[],
  result: DerivativeResult,
  tracer: ReturnType<typeof simplifierWithTrace>,
): Derivative {
  const tidyUp = tracer.simplify;
  const value = result.value;
  // The form shown is the shortest the search finds from the chain's result, by printed length.
  const searched = value.kind === "matrix" ? searchShorter(value.node, printedLength) : null;
  const node = searched?.node ?? null;
  for (const step of searched?.trace ?? []) tracer.trace.push(step);
  const indexForm = value.kind === "index" ? value.form : null;
  let index: string | undefined;
  let text: string | undefined;
  let latex: string | undefined;
  const kronecker =
    result.natural.kind === "index"
      ? kroneckerText(result.natural.form, p.expression, variables, result.order, result.layout, tidyUp)
      : null;
  // A tensor with a Kronecker form is shown in that form first (see leadingForm): the note that
  // it is given in index notation would mislead there.
  const notes = [...p.notes, ...result.notes.filter((n) => kronecker === null || n !== TENSOR_NOTE)];
  const derivative: Derivative = {
    problem: p,
    wrt: names,
    order: result.order,
    layout: result.layout,
    kind: value.kind,
    shape: value.shape,
    node,
    indexForm,
    natural: result.natural,
    view: result.view,
    // Printed when first read: a result can be too large to show (an error of kind "limit" says so)
    // and still be evaluated and emitted as code.
    get text(): string {
      text ??= node ? toText(node) : indexFormText(indexForm!);
      return text;
    },
    get latex(): string {
      latex ??= node ? toLatex(node) : indexFormLatex(indexForm!);
      return latex;
    },
    get index(): string {
      if (index === undefined) {
        try {
          index = indexFormText(node ? indexView(node, INDEX_TERMS_SHOWN) : indexForm!, "D");
        } catch (error) {
          if (!isMatcalcError(error)) throw error;
          index = `(not shown: ${error.message})`;
        }
      }
      return index;
    },
    notes,
    symmetrized: result.symmetrized,
    lowerNatural: result.lowerNatural,
    kronecker,
    trace: tracer.trace,
    stop: tracer.stop(),
    search: searched?.stop ?? null,
    evaluate(values: unknown): Tensor {
      const bindings = bindProblemValues(p, values);
      const sizeOf = (d: Dim) => {
        const n = dimValue(d, (s) => bindings.sizes.get(s));
        if (n === undefined) throw new MatcalcError("value", `no value fixes the size ${d}`);
        return n;
      };
      if (node) {
        const [t] = evaluateAt(p, [node], bindings);
        return { shape: sizesNumeric(value.shape, sizeOf), data: t!.data };
      }
      try {
        const t = evaluateIndexForm(indexForm!, bindings);
        return { shape: sizesNumeric(value.shape, sizeOf), data: t.data };
      } catch (error) {
        throw locateEvaluationError(p, error);
      }
    },
  };
  MADE.set(derivative, result);
  return derivative;
}
