// A straight-line program for a set of outputs (a value and derivatives): every node of the shared
// DAG once, in dependency order, with the decision of which nodes get a named temporary. The target
// printers (JavaScript/TypeScript, NumPy, PyTorch, JAX) read this one program, so all of them compute
// common subexpressions once and name the same temporaries.
import { type Dim, type Shape, shapesEqual } from "../core/index.js";
import { type IndexForm, type Node, postorderOf } from "../ir/index.js";
import { OPERATORS, type OperatorName } from "../ops/index.js";
import { orderProducts, type Sizes } from "./order.js";

export interface ProgramInput {
  /** The variable's name in the problem. */
  readonly name: string;
  readonly shape: Shape;
  readonly symmetric: boolean;
}

export interface ProgramOutput {
  /** The key of the returned record: "value", "d_w", "d2_w". */
  readonly key: string;
  /** One line for the header: what the output is, its shape and layout. */
  readonly description: string;
  /** The output as a formula (the header shows it). */
  readonly formula: string;
  readonly shape: Shape;
  /** A matrix expression, or null when the output is given in index form. */
  readonly node: Node | null;
  readonly indexForm: IndexForm | null;
}

export interface ProgramSpec {
  /**
   * The problem's expression, printed from the IR for the header. Never the text the user typed:
   * generated code holds nothing of it but the names of variables and sizes, which are identifiers.
   */
  readonly problem: string;
  readonly inputs: readonly ProgramInput[];
  readonly outputs: readonly ProgramOutput[];
  /** Lines of the header after the problem (layout, conventions). */
  readonly notes: readonly string[];
  /** The sizes the code will run at, when known: products are then grouped by cost. */
  readonly knownSizes?: Sizes | undefined;
}

export interface Program extends ProgramSpec {
  /** Nodes computed into named temporaries, in dependency order. */
  readonly temporaries: readonly Node[];
  /** The size symbols, each with the input and axis it is read from. */
  readonly sizes: ReadonlyArray<{ readonly symbol: string; readonly input: string; readonly axis: number }>;
  /** Nodes that depend on no variable (constants and sizes only). */
  readonly constantNodes: ReadonlySet<number>;
}

const LEAVES = new Set(["var", "const", "size"]);

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

/** Rough size of a node printed inline: past this a subexpression gets its own name. */
const INLINE_LIMIT = 10;

/** The tensor-valued nodes that an index-form output reads. */
function indexFormNodes(form: IndexForm): Node[] {
  const nodes: Node[] = [];
  for (const term of form.terms) for (const f of term.factors) if (f.kind === "tensor") nodes.push(f.node);
  return nodes;
}

/** The outputs with products ordered by cost (see order.ts); index forms keep their factors. */
function ordered(outputs: readonly ProgramOutput[], sizes?: Sizes): ProgramOutput[] {
  const nodes = outputs.flatMap((o) => (o.node ? [o.node] : []));
  const map = orderProducts(nodes, sizes);
  return outputs.map((o) => (o.node ? { ...o, node: map.get(o.node.id)! } : o));
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
function valuesRead(h: HelperSum): Node[] {
  return h.kind === "addTranspose" ? [h.p] : h.kind === "matmulPlus" ? [h.t] : [];
}

export function buildProgram(input: ProgramSpec): Program {
  const spec = { ...input, outputs: ordered(input.outputs, input.knownSizes) };
  const roots: Node[] = [];
  for (const out of spec.outputs) {
    if (out.node) roots.push(out.node);
    if (out.indexForm) roots.push(...indexFormNodes(out.indexForm));
  }
  const order = postorderOf(roots);
  const uses = new Map<number, number>();
  const use = (n: Node) => uses.set(n.id, (uses.get(n.id) ?? 0) + 1);
  for (const node of order) for (const a of node.args) use(a);
  for (const r of roots) use(r);

  const named = new Set<number>();
  const constantNodes = new Set<number>();
  const weight = new Map<number, number>();
  const temporaries: Node[] = [];
  const mustName = new Set<number>();
  // Operands that an element-wise loop reads entry by entry must be values already: a scalar
  // subexpression is computed once outside the loop, a matrix product or inverse before it.
  for (const node of order) {
    if (!isElementwise(node) || node.shape.length === 0) continue;
    // A helper sum is one call, not a loop: it reads its operands itself, some entry by entry.
    const helper = helperSumOf(node);
    if (helper !== null) {
      for (const v of valuesRead(helper)) if (!LEAVES.has(v.op)) mustName.add(v.id);
      continue;
    }
    for (const a of node.args) {
      if (LEAVES.has(a.op)) continue;
      if (helperSumOf(a) !== null) {
        mustName.add(a.id);
        continue;
      }
      // A transposed matrix is read in place by the loop (through its operand, which must be a value).
      if (isTransposedMatrix(a)) {
        const inner = a.args[0]!;
        if (!LEAVES.has(inner.op)) mustName.add(inner.id);
        continue;
      }
      if (a.shape.length === 0 || !isElementwise(a)) mustName.add(a.id);
    }
  }
  // Index-form outputs read their factors entry by entry: those are values too.
  for (const out of spec.outputs) {
    if (out.indexForm)
      for (const n of indexFormNodes(out.indexForm)) if (!LEAVES.has(n.op)) mustName.add(n.id);
  }
  for (const node of order) {
    if (node.op === "var" || node.op === "size") {
      named.add(node.id);
      if (node.op === "size") constantNodes.add(node.id);
      continue;
    }
    if (node.op !== "var" && node.args.every((a) => constantNodes.has(a.id))) constantNodes.add(node.id);
    if (node.op === "const") continue;
    let w = 1;
    for (const a of node.args) if (!named.has(a.id)) w += weight.get(a.id) ?? 0;
    // A transpose of a matrix and a diagonal matrix are read in place by the products that use them
    // (a'*b, diag(v)*b): naming them for being shared would build them.
    const view = (node.op === "transpose" && node.args[0]!.shape.length === 2) || node.op === "diagMatrix";
    const shared = (uses.get(node.id) ?? 0) > 1 && !view;
    if (shared || mustName.has(node.id) || w > INLINE_LIMIT) {
      named.add(node.id);
      temporaries.push(node);
      w = 0;
    }
    weight.set(node.id, w);
  }

  const sizes: { symbol: string; input: string; axis: number }[] = [];
  const seen = new Set<string>();
  for (const input of spec.inputs) {
    input.shape.forEach((d: Dim, axis) => {
      if (typeof d === "string" && !seen.has(d)) {
        seen.add(d);
        sizes.push({ symbol: d, input: input.name, axis });
      }
    });
  }
  return { ...spec, temporaries, sizes, constantNodes };
}

/** A printed subexpression and how tightly it binds (larger binds tighter; 5 is an atom). */
export interface Printed {
  readonly text: string;
  readonly prec: number;
}

export const atom = (text: string): Printed => ({ text, prec: 5 });

/** The text, parenthesized when it binds looser than its slot needs. */
export const wrap = (p: Printed, needed: number) => (p.prec < needed ? `(${p.text})` : p.text);

/**
 * An operator's code template (`Math.exp(#)`, `# > 0 ? 1 : 0`, `Math.max(#0, #1)`) with its
 * arguments put in for `#` (the first) and `#0`, `#1`, …: each as it is where it stands alone between
 * brackets or commas, else in brackets unless it is an atom. The result is an atom where the template
 * is one call (`np.heaviside(#, 0.0)`, `(# > 0).to(…)`), and binds loosest otherwise, so that whoever
 * uses it brackets it.
 */
export function fillTemplate(template: string, args: readonly Printed[]): Printed {
  const text = template.replace(/#(\d*)/g, (_match, digits: string, at: number) => {
    const argument = args[digits === "" ? 0 : Number(digits)];
    if (argument === undefined) throw new Error(`internal: template ${template} has no argument ${digits}`);
    const before = template.slice(0, at).trimEnd().slice(-1);
    const after = template
      .slice(at + 1 + digits.length)
      .trimStart()
      .charAt(0);
    const alone = (before === "(" || before === ",") && (after === ")" || after === ",");
    return alone ? argument.text : wrap(argument, 5);
  });
  return isOneCall(template) ? atom(text) : { text, prec: 1 };
}

/** Whether a template ends in one call: its last ")" closes a "(" that follows a name or a ")". */
function isOneCall(template: string): boolean {
  if (!template.endsWith(")")) return false;
  let depth = 0;
  for (let i = template.length - 1; i >= 0; i--) {
    if (template[i] === ")") depth++;
    else if (template[i] === "(" && --depth === 0) return i > 0 && /[\w.)]/.test(template[i - 1]!);
  }
  return false;
}

/** Names for the generated code: the problem's own names where the target allows them. */
export class NameTable {
  private readonly used = new Set<string>();
  private readonly names = new Map<string, string>();

  constructor(private readonly reserved: ReadonlySet<string>) {}

  /** The code name for `key`, `preferred` if free (the same one every time it is asked). */
  name(key: string, preferred: string): string {
    const existing = this.names.get(key);
    if (existing !== undefined) return existing;
    let candidate = preferred;
    while (this.reserved.has(candidate) || this.used.has(candidate)) candidate = `${candidate}_`;
    this.used.add(candidate);
    this.names.set(key, candidate);
    return candidate;
  }

  /** Where each stem's numbering goes on (asking from 1 every time would be quadratic). */
  private readonly next = new Map<string, number>();

  /** A fresh name with the given stem: t1, t2, … */
  fresh(stem: string): string {
    for (let k = this.next.get(stem) ?? 1; ; k++) {
      const candidate = `${stem}${k}`;
      if (!this.reserved.has(candidate) && !this.used.has(candidate)) {
        this.used.add(candidate);
        this.next.set(stem, k + 1);
        return candidate;
      }
    }
  }
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
