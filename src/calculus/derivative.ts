// Derivatives of any order by a scalar, vector, matrix, symmetric matrix or several stacked scalars.
// Each case uses the method that yields matrix notation (forward mode by a scalar, reverse mode for a
// scalar result, reverse mode with a symbolic cotangent for Jacobians) and falls back to index
// notation, which is always correct, when no matrix form exists. Layouts are applied last, by
// layout.ts: they only transpose or permute the one "natural" result T[output…, variable…].
import { type Dim, MatcalcError, type Shape } from "../core/index.js";
import type { IndexForm, Node } from "../ir/index.js";
import { apply, constant, identity, stack, variable, zeros } from "../ops/index.js";
import { coefficientOf, NoMatrixForm } from "./coefficient.js";
import {
  differentiateIndexForm,
  IndexNames,
  indexDerivative,
  matrixOfIndexForm,
  symmetrizeIndexForm,
  tidyIndexForm,
} from "./index-form.js";
import {
  type DerivativeValue,
  type Layout,
  type LayoutView,
  type NaturalValue,
  present,
  transposes,
} from "./layout.js";
import { jvp, transposeLinear } from "./linearize.js";

export type SymmetricConvention = "projection" | "cookbook";

/** The note on a tensor result (a front end that leads with its Kronecker form leaves it out). */
export const TENSOR_NOTE = "a derivative of this order and shape is a tensor: it is given in index notation";

export interface DerivativeOptions {
  readonly order?: number;
  readonly layout?: Layout;
  readonly symmetric?: SymmetricConvention;
  /** Applied to results between steps (the API passes the simplifier); the identity by default. */
  readonly simplify?: (node: Node) => Node;
  /** A lighter clean-up for tangent expressions before they are transposed (zeros, ones, constants). */
  readonly tidy?: (node: Node) => Node;
}

export interface DerivativeResult {
  /** The derivative in the layout asked for (a view of `natural`, see layout.ts). */
  readonly value: DerivativeValue;
  /** The derivative in natural order: the output's axes, then the variable's. */
  readonly natural: NaturalValue;
  /** How `value` shows `natural`. */
  readonly view: LayoutView;
  readonly layout: Layout;
  readonly order: number;
  /** How it was obtained, and caveats (index notation, the symmetric convention used). */
  readonly notes: readonly string[];
  /** The convention applied to a gradient by a symmetric matrix, or null when none was applied. */
  readonly symmetrized: SymmetricConvention | null;
  /**
   * The order before, as the derivation went through it, in natural order (the output's entries, then
   * the variable's): for a scalar's Hessian, its gradient in the variable's shape. Null at order 1,
   * where it has no matrix form, by a symmetric or by several stacked variables.
   */
  readonly lowerNatural: Node | null;
}

/** The result before a layout: axes ordered output first, then the variable's. */
type Natural =
  | { readonly kind: "matrix"; readonly node: Node; readonly outputRank: number }
  | { readonly kind: "index"; readonly form: IndexForm; readonly outputRank: number };

const PARTIAL = "\u2202";

function seedFor(x: Node): Node {
  return variable(`${PARTIAL}${x.attrs.name}`, x.shape);
}

function rankOf(shape: Shape): "scalar" | "vector" | "matrix" {
  if (shape.length === 0) return "scalar";
  if (shape.length === 1 || shape[0] === 1) return "vector";
  return "matrix";
}

/** Entries of a shape, as axes that are not a leading 1 of a row. */
function axesOf(shape: Shape): Dim[] {
  return shape.length === 2 && shape[0] === 1 ? [shape[1]!] : [...shape];
}

class Deriver {
  private readonly simplify: (node: Node) => Node;
  private readonly tidy: (node: Node) => Node;
  private readonly names = new IndexNames();
  readonly notes: string[] = [];

  constructor(options: DerivativeOptions) {
    this.simplify = options.simplify ?? ((n) => n);
    this.tidy = options.tidy ?? ((n) => n);
  }

  /** d/dt by a scalar: forward mode with tangent 1, any output shape. */
  byScalar(expr: Node, t: Node): Node {
    const tangent = jvp(expr, t, constant(1));
    return this.simplify(tangent ?? zeros(expr.shape));
  }

  /** The gradient of a scalar by a vector or matrix, in the variable's shape (reverse mode). */
  gradient(f: Node, x: Node): Node {
    const seed = seedFor(x);
    const tangent = jvp(f, x, seed);
    const g = tangent === null ? null : transposeLinear(this.tidy(tangent), seed, constant(1));
    return this.simplify(g ?? zeros(x.shape));
  }

  /** The Jacobian k×n of a vector (or row) by a vector, or null when it has no matrix form here. */
  jacobian(e: Node, x: Node): Node | null {
    const seed = seedFor(x);
    const k = axesOf(e.shape)[0]!;
    const w = variable(`${PARTIAL}w`, [k]);
    const tangent = jvp(e, x, seed);
    if (tangent === null) return zeros([k, x.shape[0]!]);
    const cotangent = e.shape.length === 2 ? apply("transpose", w) : w;
    const back = transposeLinear(this.tidy(tangent), seed, cotangent);
    if (back === null) return zeros([k, x.shape[0]!]);
    try {
      const c = coefficientOf(this.simplify(back), w);
      return this.simplify(c === null ? zeros([k, x.shape[0]!]) : apply("transpose", c));
    } catch (error) {
      if (error instanceof NoMatrixForm) return null;
      throw error;
    }
  }

  /** The derivative tensor T[output…, variable…] of a matrix expression, by the best method. */
  natural(expr: Node, x: Node, outputRank: number): Natural {
    const outKind = rankOf(expr.shape);
    const varKind = rankOf(x.shape);
    if (varKind === "scalar") return { kind: "matrix", node: this.byScalar(expr, x), outputRank };
    if (outKind === "scalar") return { kind: "matrix", node: this.gradient(expr, x), outputRank };
    if (outKind === "vector" && varKind === "vector" && x.shape.length === 1) {
      const j = this.jacobian(expr, x);
      if (j !== null) return { kind: "matrix", node: j, outputRank };
      // Index notation whose terms are outer and Hadamard products and diagonals is a matrix after all.
      const form = tidyIndexForm(
        indexDerivative(expr, x, this.names, this.names.forShape(expr.shape)),
        this.simplify,
      );
      const matrix = matrixOfIndexForm(form);
      if (matrix !== null) return { kind: "matrix", node: this.simplify(matrix), outputRank };
      this.notes.push("no matrix form was found for this Jacobian: it is given in index notation");
      return { kind: "index", form, outputRank };
    } else {
      this.notes.push(TENSOR_NOTE);
    }
    const outputIndices = this.names.forShape(expr.shape);
    const form = indexDerivative(expr, x, this.names, outputIndices);
    return { kind: "index", form: tidyIndexForm(form, this.simplify), outputRank };
  }

  /** One more order of differentiation of a natural result. */
  next(previous: Natural, x: Node): Natural {
    if (previous.kind === "matrix") {
      const before = this.notes.length;
      const result = this.natural(previous.node, x, previous.outputRank);
      // Reaching index notation from a matrix result is expected at higher orders; say it once.
      this.notes.splice(before, this.notes.length - before, ...this.notes.slice(before).slice(0, 1));
      return result;
    }
    return {
      kind: "index",
      form: tidyIndexForm(differentiateIndexForm(previous.form, x, this.names), this.simplify),
      outputRank: previous.outputRank,
    };
  }
}

function symmetrize(g: Node, convention: SymmetricConvention): Node {
  const gt = apply("transpose", g);
  if (convention === "projection") return apply("div", apply("add", g, gt), constant(2));
  const n = g.shape[0]!;
  return apply("sub", apply("add", g, gt), apply("emul", identity(n), g));
}

export function differentiate(
  expr: Node,
  wrt: readonly Node[],
  options: DerivativeOptions = {},
): DerivativeResult {
  const order = options.order ?? 1;
  const layout = options.layout ?? "numerator";
  if (!Number.isInteger(order) || order < 1)
    throw new MatcalcError("usage", `the order must be a positive integer, got ${order}`);
  if (wrt.length === 0) throw new MatcalcError("usage", "no variable to differentiate by");
  const deriver = new Deriver(options);
  const simplify = options.simplify ?? ((n: Node) => n);

  if (wrt.length > 1) return stacked(expr, wrt, order, layout, deriver, simplify);

  const x = wrt[0]!;
  const symmetric = x.attrs.symmetric === true;
  let natural = deriver.natural(
    expr,
    x,
    expr.shape.length === 2 && expr.shape[0] === 1 ? 1 : axesOf(expr.shape).length,
  );
  let lower: Natural | null = null;
  for (let k = 2; k <= order; k++) {
    lower = natural;
    natural = deriver.next(natural, x);
  }
  const lowerNatural = lower?.kind === "matrix" && !symmetric ? lower.node : null;
  let symmetrized: SymmetricConvention | null = null;
  if (symmetric) {
    const convention = options.symmetric ?? "projection";
    symmetrized = convention;
    const name = x.attrs.name;
    if (natural.kind === "matrix") {
      // Only a gradient (a scalar's first derivative) has a matrix form by a matrix variable.
      natural = { ...natural, node: simplify(symmetrize(natural.node, convention)) };
      deriver.notes.push(
        convention === "projection"
          ? `${name} is symmetric: the gradient is sym(G) = (G + G')/2 on the symmetric matrices`
          : `${name} is symmetric: the Matrix Cookbook's G + G' - G .* I (by the free entries)`,
      );
    } else {
      // Every derivative by the variable acts on symmetric matrices: each pair of its indices.
      const form = natural.form;
      const first = form.indices.length - 2 * order;
      const pairs = Array.from(
        { length: order },
        (_, r) => [form.indices[first + 2 * r]!, form.indices[first + 2 * r + 1]!] as const,
      );
      natural = { ...natural, form: symmetrizeIndexForm(form, pairs, convention) };
      const [k, l] = pairs[0]!;
      deriver.notes.push(
        convention === "projection"
          ? `${name} is symmetric: each derivative by it is symmetrized over its index pair, (T[…,${k},${l}] + T[…,${l},${k}])/2`
          : `${name} is symmetric: each derivative by it is by the free entries (the Matrix Cookbook's), T[…,${k},${l}] + T[…,${l},${k}] - δ[${k},${l}] T[…,${k},${l}]`,
      );
    }
  }
  return {
    ...shown(natural, variableAxesOf(wrt, order), isGradient(expr, wrt, order), layout, simplify),
    layout,
    order,
    notes: deriver.notes,
    symmetrized,
    lowerNatural,
  };
}

/**
 * The natural result and its view in the layout, with one simplifier pass: over the natural form
 * where the layout shows it as it is, else over its transpose (the natural form kept as derived).
 */
function shown(
  natural: NaturalValue,
  variableAxes: number,
  gradient: boolean,
  layout: Layout,
  simplify: (n: Node) => Node,
): { value: DerivativeValue; natural: NaturalValue; view: LayoutView } {
  if (natural.kind === "index")
    return { ...present({ kind: "index", form: natural.form }, variableAxes, gradient, layout), natural };
  const transposed = transposes(layout, gradient);
  const plain: NaturalValue = { kind: "matrix", node: transposed ? natural.node : simplify(natural.node) };
  const { value, view } = present(plain, variableAxes, gradient, layout);
  const tidied = value.kind === "matrix" && transposed ? { ...value, node: simplify(value.node) } : value;
  return { value: tidied, natural: plain, view };
}

/** The axes all orders of differentiation add: the variable's (several scalars stack into one). */
function variableAxesOf(wrt: readonly Node[], order: number): number {
  return (wrt.length > 1 ? 1 : axesOf(wrt[0]!.shape).length) * order;
}

/** Whether a result is a scalar's first derivative by a non-scalar (a gradient, which layouts turn). */
function isGradient(expr: Node, wrt: readonly Node[], order: number): boolean {
  return expr.shape.length === 0 && order === 1 && variableAxesOf(wrt, order) > 0;
}

/**
 * The same result shown in another layout: a view of its natural form (one simplifier pass over
 * what the view shows), not derived again.
 */
export function relayout(
  result: DerivativeResult,
  expr: Node,
  wrt: readonly Node[],
  layout: Layout,
  simplify: (n: Node) => Node = (n) => n,
): DerivativeResult {
  const order = result.order;
  return {
    ...result,
    ...shown(result.natural, variableAxesOf(wrt, order), isGradient(expr, wrt, order), layout, simplify),
    layout,
  };
}

/** Several scalars stacked into one vector variable (the lecture's Jacobian by x and y). */
function stacked(
  expr: Node,
  wrt: readonly Node[],
  order: number,
  layout: Layout,
  deriver: Deriver,
  simplify: (n: Node) => Node,
): DerivativeResult {
  for (const v of wrt) {
    if (v.shape.length !== 0) {
      throw new MatcalcError(
        "usage",
        `several variables are stacked only when all are scalars, but ${v.attrs.name} is not`,
      );
    }
  }
  let current = expr;
  for (let k = 1; k <= order; k++) {
    const columns = wrt.map((v) => deriver.byScalar(current, v));
    if (current.shape.length === 0) {
      current = simplify(stack(columns, columns.length, 1));
    } else if (current.shape.length === 1 && columns.every((c) => c.op === "stack" || c.op === "zeros")) {
      const rows = current.shape[0] as number;
      const entries: Node[] = [];
      for (let i = 0; i < rows; i++) {
        for (const c of columns) entries.push(c.op === "stack" ? c.args[i]! : constant(0));
      }
      current = simplify(stack(entries, rows, columns.length));
    } else {
      throw new MatcalcError(
        "derivative",
        "several stacked scalars need a scalar expression or a stack [f; g] of scalars (differentiate by each scalar instead)",
      );
    }
  }
  const natural: Natural = { kind: "matrix", node: current, outputRank: expr.shape.length === 0 ? 0 : 1 };
  return {
    ...shown(natural, variableAxesOf(wrt, order), isGradient(expr, wrt, order), layout, simplify),
    layout,
    order,
    notes: deriver.notes,
    symmetrized: null,
    lowerNatural: null,
  };
}
