// The target-neutral lowering of a program's nodes: which nodes are element-wise loops, which sums are
// one helper call, which form a matrix product takes (a Gram matrix, a row or column scaling, a
// transpose read in place, an outer product), and an index-form term as an einsum. The printers of
// every target read these decisions and only write them in their own syntax.
import { type Dim, shapesEqual } from "../core/index.js";
import type { IndexForm, Node } from "../ir/index.js";
import { OPERATORS, type OperatorName } from "../ops/index.js";

/** Whether a node acts entry by entry on its operands (with scalar expansion). */
export function isElementwise(node: Node): boolean {
  const op = node.op as OperatorName;
  if (OPERATORS[op]?.elementwise) return true;
  switch (op) {
    case "add":
    case "sub":
    case "neg":
    case "emul":
    case "ediv":
    case "epow":
    case "pow":
    case "div":
    case "max":
    case "min":
      return true;
    case "mul":
      return node.args[0]!.shape.length === 0 || node.args[1]!.shape.length === 0;
    default:
      return false;
  }
}

/** A transpose of a matrix proper (neither axis 1): element-wise loops read it in place. */
export function isTransposedMatrix(node: Node): boolean {
  return node.op === "transpose" && node.shape.length === 2 && node.shape[0] !== 1 && node.shape[1] !== 1;
}

/**
 * Whether the element-wise loop for `node` reads a transposed matrix in place: directly, or through
 * element-wise operands printed inline (those `named` says are not values of their own). Such a loop
 * walks its result in tiles rather than entry by entry.
 */
export function readsTransposedMatrix(node: Node, named: (operand: Node) => boolean): boolean {
  return node.args.some(
    (a) =>
      !named(a) &&
      (isTransposedMatrix(a) || (a.shape.length > 0 && isElementwise(a) && readsTransposedMatrix(a, named))),
  );
}

/**
 * A sum that the JavaScript code computes by one helper call rather than an element-wise loop over
 * its terms (one pass over the matrix where the kernels allow):
 * - `plusTransposeTimes`: P*x + P'*x (either order), P a square matrix and x a vector, as (P + P')*x;
 * - `addTranspose`: P + P' (either order), P square;
 * - `matmulPlus`: P*op(Q) ± T or T ± P*op(Q), matrices of one shape (a residual such as U*V' - T),
 *   as alpha·P·op(Q) + beta·T, where op(Q) = R' when `transposed` (Q = R') — P and Q not views (a
 *   transpose of P, a diagonal matrix) that the product would otherwise read in place.
 */
export type HelperSum =
  | { readonly kind: "plusTransposeTimes"; readonly p: Node; readonly x: Node }
  | { readonly kind: "addTranspose"; readonly p: Node }
  | {
      readonly kind: "matmulPlus";
      readonly p: Node;
      readonly q: Node;
      readonly transposed: boolean;
      readonly alpha: number;
      readonly t: Node;
      readonly beta: number;
    };

const isMatrixShaped = (n: Node) => n.shape.length === 2 && n.shape[0] !== 1 && n.shape[1] !== 1;

/** The helper call that computes `node`, or null for any other node. */
export function helperSumOf(node: Node): HelperSum | null {
  if (node.op !== "add" && node.op !== "sub") return null;
  const [l, r] = [node.args[0]!, node.args[1]!];
  if (node.op === "add" && node.shape.length === 1 && l.op === "mul" && r.op === "mul") {
    const x = l.args[1]!;
    const [p, q] = [l.args[0]!, r.args[0]!];
    if (r.args[1] === x && x.shape.length === 1) {
      if (q.op === "transpose" && q.args[0] === p && p.shape.length === 2)
        return { kind: "plusTransposeTimes", p, x };
      if (p.op === "transpose" && p.args[0] === q && q.shape.length === 2)
        return { kind: "plusTransposeTimes", p: q, x };
    }
  }
  if (node.op === "add" && node.shape.length === 2 && node.shape[0] === node.shape[1]) {
    if (r.op === "transpose" && r.args[0] === l) return { kind: "addTranspose", p: l };
    if (l.op === "transpose" && l.args[0] === r) return { kind: "addTranspose", p: r };
  }
  if (!isMatrixShaped(node)) return null;
  const sign = node.op === "sub" ? -1 : 1;
  const isProduct = (x: Node) =>
    x.op === "mul" &&
    isMatrixShaped(x.args[0]!) &&
    isMatrixShaped(x.args[1]!) &&
    x.args[0]!.op !== "transpose" &&
    x.args[0]!.op !== "diagMatrix" &&
    x.args[1]!.op !== "diagMatrix";
  const [product, t, alpha, beta] = isProduct(l)
    ? [l, r, 1, sign]
    : isProduct(r)
      ? [r, l, sign, 1]
      : [null, l, 0, 0];
  if (product === null || !shapesEqual(t.shape, node.shape)) return null;
  const q = product.args[1]!;
  const transposed = q.op === "transpose" && isMatrixShaped(q.args[0]!);
  return {
    kind: "matmulPlus",
    p: product.args[0]!,
    q: transposed ? q.args[0]! : q,
    transposed,
    alpha,
    t,
    beta,
  };
}

/** The operands a helper sum reads entry by entry (they must be values before the call). */
export function valuesRead(h: HelperSum): Node[] {
  return h.kind === "addTranspose" ? [h.p] : h.kind === "matmulPlus" ? [h.t] : [];
}

/** The indices of one term mapped to single letters for einsum (free indices first, as in every term). */
export function termLetters(form: IndexForm, term: IndexForm["terms"][number]): Map<string, string> {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const indices = termIndices(form, term);
  if (indices.length > letters.length)
    throw new Error(`a term with ${indices.length} indices is too many for einsum`);
  return new Map(indices.map((i, k) => [i, letters[k]!]));
}

/** Every index of a term, free ones first, each once. */
export function termIndices(form: IndexForm, term: IndexForm["terms"][number]): string[] {
  const all = [...form.indices];
  for (const i of term.summed) if (!all.includes(i)) all.push(i);
  for (const f of term.factors) for (const i of f.indices) if (!all.includes(i)) all.push(i);
  return all;
}

/** A matrix proper: two axes, neither of them 1. */
export function isMatrix(node: Node): boolean {
  return node.shape.length === 2 && node.shape[0] !== 1 && node.shape[1] !== 1;
}

/**
 * The form a product of two non-scalars takes in code, operands read in place where they are views
 * (a transpose or a diagonal matrix computed only as part of this product, as `inline` says):
 * - `inner`: a row times a vector, a number;
 * - `gram`: X'*X or X'*diag(s)*X (either association), symmetric, half of it computed;
 * - `scaleRows` / `scaleCols`: diag(v)*M and M*diag(v), without a dense diagonal matrix;
 * - `outer`: a column (or vector) times a row;
 * - `product`: op(A)*op(B), `transA` or `transB` where that operand is a transposed matrix read in
 *   place (its operand is then `a` or `b`).
 */
export type ProductForm =
  | { readonly kind: "inner"; readonly a: Node; readonly b: Node }
  | { readonly kind: "gram"; readonly x: Node; readonly weights: Node | null }
  | { readonly kind: "scaleRows"; readonly v: Node; readonly m: Node }
  | { readonly kind: "scaleCols"; readonly m: Node; readonly v: Node }
  | { readonly kind: "outer"; readonly a: Node; readonly b: Node }
  | {
      readonly kind: "product";
      readonly a: Node;
      readonly b: Node;
      readonly transA: boolean;
      readonly transB: boolean;
    };

/** The form of `node`, a product of two non-scalars (see ProductForm). */
export function productForm(node: Node, inline: (operand: Node) => boolean): ProductForm {
  const [a, b] = [node.args[0]!, node.args[1]!];
  if (node.shape.length === 0) return { kind: "inner", a, b };
  const view = (x: Node, op: string) => x.op === op && inline(x);
  if (view(a, "transpose") && isMatrix(b)) {
    const x = a.args[0]!;
    if (b === x) return { kind: "gram", x, weights: null };
    if (view(b, "mul") && view(b.args[0]!, "diagMatrix") && b.args[1] === x)
      return { kind: "gram", x, weights: b.args[0]!.args[0]! };
  }
  if (view(a, "mul") && view(a.args[0]!, "transpose") && view(a.args[1]!, "diagMatrix") && isMatrix(b)) {
    if (a.args[0]!.args[0] === b) return { kind: "gram", x: b, weights: a.args[1]!.args[0]! };
  }
  if (view(a, "diagMatrix")) return { kind: "scaleRows", v: a.args[0]!, m: b };
  if (view(b, "diagMatrix")) return { kind: "scaleCols", m: a, v: b.args[0]! };
  const row = b.shape.length === 2 && b.shape[0] === 1;
  if (row && (a.shape.length === 1 || a.shape[1] === 1)) return { kind: "outer", a, b };
  // One transposed operand is read in place (the left one where both are); the other is a value.
  const transA = view(a, "transpose") && isMatrix(a.args[0]!);
  const transB = !transA && view(b, "transpose") && isMatrix(b.args[0]!);
  return { kind: "product", a: transA ? a.args[0]! : a, b: transB ? b.args[0]! : b, transA, transB };
}

/** A factor of an einsum term: a tensor read at its letters, a unit vector, a vector of ones, δ. */
export type EinsumOperand =
  | { readonly kind: "tensor"; readonly node: Node; readonly letters: string }
  | { readonly kind: "unit"; readonly size: Dim; readonly position: number; readonly letters: string }
  | { readonly kind: "ones"; readonly size: Dim; readonly letters: string }
  | { readonly kind: "delta"; readonly size: Dim; readonly letters: string };

/** One term of an index form as an einsum: coefficient · scalars · einsum(operands → output). */
export interface EinsumTerm {
  readonly coefficient: number;
  readonly scalars: readonly Node[];
  readonly operands: readonly EinsumOperand[];
  /** The output's letters, one per free index of the form (repeated where δ ties two of them). */
  readonly output: string;
  /** The output letters the einsum computes: the others the term is constant along (spread as added). */
  readonly computed: string;
}

/**
 * An index-form term lowered to an einsum. With `tieDeltas`, each δ[a,b] ties b to a instead of
 * being a factor: the other factors read a where they read b, a sum over b collapses, and where both
 * are free the output repeats a letter (the term is written only where they are equal); free indices
 * no factor mentions are then left out of `computed`. Without it, δ is an identity factor and every
 * free or summed index no factor mentions gets a factor of ones. Summed indices no factor mentions
 * get a factor of ones either way (each adds its size).
 */
export function einsumTerm(
  form: IndexForm,
  term: IndexForm["terms"][number],
  tieDeltas: boolean,
): EinsumTerm {
  const letters = termLetters(form, term);
  const free = new Set(form.indices);
  const tie = new Map<string, string>();
  const find = (i: string): string => {
    let r = i;
    while (tie.has(r)) r = tie.get(r)!;
    return r;
  };
  if (tieDeltas)
    for (const f of term.factors) {
      if (f.kind !== "delta") continue;
      const [a, b] = [find(f.indices[0]), find(f.indices[1])];
      if (a === b) continue;
      if (free.has(b) && !free.has(a)) tie.set(a, b);
      else tie.set(b, a);
    }
  const letter = (i: string) => letters.get(find(i))!;
  const size = (i: string) => form.sizes[i]!;
  const operands: EinsumOperand[] = [];
  const scalars: Node[] = [];
  const mentioned = new Set<string>();
  for (const f of term.factors) {
    if (f.kind === "delta" && tieDeltas) continue;
    for (const i of f.indices) mentioned.add(find(i));
    const sub = f.indices.map(letter).join("");
    if (f.kind === "delta") operands.push({ kind: "delta", size: size(f.indices[0]), letters: sub });
    else if (f.kind === "unit")
      operands.push({ kind: "unit", size: size(f.indices[0]), position: f.position, letters: sub });
    else if (f.node.shape.length === 0) scalars.push(f.node);
    else operands.push({ kind: "tensor", node: f.node, letters: sub });
  }
  const freeRoots = new Set(form.indices.map(find));
  const unmentioned = tieDeltas
    ? [...new Set(term.summed.map(find))].filter((i) => !freeRoots.has(i))
    : [...form.indices, ...term.summed];
  for (const i of unmentioned) {
    if (mentioned.has(i)) continue;
    mentioned.add(i);
    operands.push({ kind: "ones", size: size(i), letters: letters.get(i)! });
  }
  const output = form.indices.map(letter);
  const mentionedLetters = new Set([...mentioned].map((i) => letters.get(i)));
  const computed = [...new Set(output)].filter((l) => mentionedLetters.has(l));
  return {
    coefficient: term.coefficient,
    scalars,
    operands,
    output: output.join(""),
    computed: computed.join(""),
  };
}
