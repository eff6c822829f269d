// Building nodes through the operators' shape rules, on concrete (already inferred) shapes. A shape
// that does not fit is a bug in the caller, reported as such.
import type { Dim, Shape } from "../core/index.js";
import { internNode, type Node } from "../ir/index.js";
import { operator } from "./registry.js";
import { stackLayout } from "./stack.js";
import { type DimAlgebra, isShapeFailure } from "./types.js";

export const concreteDims: DimAlgebra<Dim> = {
  unify: (a, b) => a === b,
  isOne: (d) => d === 1,
  one: () => 1,
  literal: (n) => n,
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

/** `op(args)` with its shape from the operator's rule; op must name a registered operator. */
export function apply(op: string, ...args: Node[]): Node {
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

export function ones(n: Dim): Node {
  return internNode("ones", [], [n]);
}

export function stack(entries: readonly Node[], rows: number, cols: number): Node {
  return internNode("stack", entries, resultShape("stack", entries, { rows, cols }));
}

/** The same operator applied to new arguments (used by rewriting); leaves come back unchanged. */
export function rebuild(node: Node, args: readonly Node[]): Node {
  if (args.length === node.args.length && args.every((a, i) => a === node.args[i])) return node;
  if (node.op === "stack") {
    const { rows, cols } = stackLayout(node.shape);
    return stack(args, rows, cols);
  }
  if (node.op === "zeros") return node;
  return internNode(node.op, args, resultShape(node.op, args), node.attrs);
}
