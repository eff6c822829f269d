// Immutable, hash-consed expression nodes. Structurally equal nodes are the same object, so equality
// is identity and shared subexpressions are stored once (the expression is a DAG). Constructors never
// simplify: what is built is what was asked for.
import type { Shape } from "../core/index.js";

export interface NodeAttributes {
  /** Variable name (op "var"). */
  readonly name?: string;
  /** Numeric value (op "const"). */
  readonly value?: number;
  /** A named constant such as pi (op "const"), printed by name. */
  readonly symbol?: string;
  /** The variable is a symmetric matrix (op "var"). */
  readonly symmetric?: boolean;
}

export interface Node {
  /** Unique per structure; smaller ids were created earlier. */
  readonly id: number;
  readonly op: string;
  readonly args: readonly Node[];
  readonly shape: Shape;
  readonly attrs: NodeAttributes;
}

const table = new Map<string, Node>();
let nextId = 1;

function attributeKey(attrs: NodeAttributes): string {
  let key = "";
  if (attrs.name !== undefined) key += `n=${attrs.name};`;
  if (attrs.value !== undefined) key += `v=${Object.is(attrs.value, -0) ? "-0" : attrs.value};`;
  if (attrs.symbol !== undefined) key += `s=${attrs.symbol};`;
  if (attrs.symmetric) key += "sym;";
  return key;
}

/**
 * The node for `op(args)` with the given shape and attributes: the existing one if an equal node was
 * made before. The caller is responsible for the shape being the op's result shape (ops/ builds nodes
 * through its shape rules).
 */
export function internNode(
  op: string,
  args: readonly Node[],
  shape: Shape,
  attrs: NodeAttributes = {},
): Node {
  let key = `${op}|${shape.join(",")}|${attributeKey(attrs)}`;
  for (const arg of args) key += `|${arg.id}`;
  const existing = table.get(key);
  if (existing) return existing;
  const node: Node = Object.freeze({
    id: nextId++,
    op,
    args: Object.freeze([...args]),
    shape: Object.freeze([...shape]),
    attrs: Object.freeze({ ...attrs }),
  });
  table.set(key, node);
  return node;
}
