// Building nodes through the operators' shape rules, on concrete (already inferred) shapes. A shape
// that does not fit is a bug in the caller, reported as such.
import { type Dim, dimProduct, dimQuotient, dimSum, isSizeSymbol, type Shape } from "../core/index.js";
import { internNode, type Node } from "../ir/index.js";
import { operator } from "./registry.js";
import { stackLayout } from "./stack.js";
import { type DimAlgebra, isShapeFailure } from "./types.js";

export const concreteDims: DimAlgebra<Dim> = {
  unify: (a, b) => a === b,
  isOne: (d) => d === 1,
  one: () => 1,
  literal: (n) => n,
  sum: dimSum,
  product: dimProduct,
  quotient: dimQuotient,
};

export function resultShape(
  op: string,
  args: readonly Node[],
  attributes: { rows?: number; cols?: number } = {},
): Shape {
  const result = operator(op).shape(
    args.map((a) => a.shape),
    concreteDims,
    attributes,
  );
  if (isShapeFailure(result)) {
    const message = result.fail((i) => `argument ${i + 1} (${args[i]!.shape.join("×") || "scalar"})`);
    throw new Error(`internal: building ${op}: ${message}`);
  }
  return result;
}

/**
 * `op(args)` with its shape from the operator's rule; op must name a registered operator. A function
 * of a square matrix applied to a scalar is its scalar form (the scalar read as a 1×1 matrix, as in
 * Matlab: inv(s) is 1/s): that is what the operator means there, so every builder, the checker's and
 * the derivative rules' alike, gets the same node.
 */
export function apply(op: string, ...args: Node[]): Node {
  const scalarForm = operator(op).scalarForm;
  if (scalarForm !== undefined && args.length === 1 && args[0]!.shape.length === 0)
    return scalarForm(args[0]!);
  const canonical = operator(op).canonical?.(args);
  if (canonical) return canonical;
  return internNode(op, args, resultShape(op, args));
}

export function variable(name: string, shape: Shape, symmetric = false): Node {
  return internNode("var", [], shape, symmetric ? { name, symmetric } : { name });
}

export function constant(value: number): Node {
  return internNode("const", [], [], { value: value === 0 ? 0 : value });
}

export function namedConstant(symbol: string, value: number): Node {
  return internNode("const", [], [], { value, symbol });
}

export function identity(n: Dim): Node {
  return internNode("identity", [], [n, n]);
}

/** A zero of any shape (a symbolic zero made concrete, e.g. a derivative that vanishes). */
export function zeros(shape: Shape): Node {
  return internNode("zeros", [], shape);
}

/** The number a size stands for: a constant for a fixed size, else the size's symbol as a scalar. */
export function sizeNode(d: Dim): Node {
  if (typeof d === "number") return constant(d);
  if (isSizeSymbol(d)) return internNode("size", [], [], { name: d });
  // A sum or product of sizes, as the arithmetic of its symbols.
  const terms = d.split("+").map((term) =>
    term
      .split("*")
      .map((f) => (/^\d+$/.test(f) ? constant(Number(f)) : sizeNode(f)))
      .reduce((a, b) => apply("mul", a, b)),
  );
  return terms.reduce((a, b) => apply("add", a, b));
}

/** The number of entries of a shape, as an expression: n, m*n, or a constant. */
export function entryCount(shape: Shape): Node {
  let fixed = 1;
  let symbolic: Node | null = null;
  for (const d of shape) {
    if (typeof d === "number") fixed *= d;
    else symbolic = symbolic === null ? sizeNode(d) : apply("mul", symbolic, sizeNode(d));
  }
  if (symbolic === null) return constant(fixed);
  return fixed === 1 ? symbolic : apply("mul", constant(fixed), symbolic);
}

export function ones(n: Dim): Node {
  return internNode("ones", [], [n]);
}

export function stack(entries: readonly Node[], rows: number, cols: number): Node {
  return internNode("stack", entries, resultShape("stack", entries, { rows, cols }));
}

/** A block matrix (or a stack of vectors): `rows`×`cols` blocks listed row by row. */
export function block(entries: readonly Node[], rows: number, cols: number): Node {
  return internNode("block", entries, resultShape("block", entries, { rows, cols }), { columns: cols });
}

/** `[a, b; c, d]`: a stack where every entry is a number, else a block matrix. */
export function stackOrBlock(entries: readonly Node[], rows: number, cols: number): Node {
  return entries.every((e) => e.shape.length === 0) ? stack(entries, rows, cols) : block(entries, rows, cols);
}

/** The same operator applied to new arguments (used by rewriting); leaves come back unchanged. */
export function rebuild(node: Node, args: readonly Node[]): Node {
  if (args.length === node.args.length && args.every((a, i) => a === node.args[i])) return node;
  if (node.op === "stack") {
    const { rows, cols } = stackLayout(node.shape);
    return stack(args, rows, cols);
  }
  if (node.op === "block") return block(args, args.length / node.attrs.columns!, node.attrs.columns!);
  if (node.op === "zeros") return node;
  if (operator(node.op).scalarForm !== undefined) return apply(node.op, ...args);
  return internNode(node.op, args, resultShape(node.op, args), node.attrs);
}
