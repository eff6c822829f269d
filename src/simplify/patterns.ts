// Small predicates and constructors the rewrite rules share.
import type { Shape } from "../core/index.js";
import { foldNodes, type Node } from "../ir/index.js";
import { apply, constant, zeros } from "../ops/index.js";

export const isScalar = (n: Node) => n.shape.length === 0;
export const isVector = (n: Node) => n.shape.length === 1;
export const isRow = (n: Node) => n.shape.length === 2 && n.shape[0] === 1;
export const isMatrix = (n: Node) => n.shape.length === 2 && n.shape[0] !== 1;

export function constantValue(n: Node): number | undefined {
  return n.op === "const" && n.attrs.symbol === undefined ? n.attrs.value : undefined;
}

export const isConstant = (n: Node, value: number) => constantValue(n) === value;

export function isZero(n: Node): boolean {
  return n.op === "zeros" || isConstant(n, 0);
}

export function zeroOf(shape: Shape): Node {
  return shape.length === 0 ? constant(0) : zeros(shape);
}

export function sameShape(a: Node, b: Node): boolean {
  return a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

/** Builds `op(args)`, or null when the shapes do not fit (a rule then simply does not apply). */
export function tryApply(op: string, ...args: Node[]): Node | null {
  try {
    return apply(op, ...args);
  } catch {
    return null;
  }
}

/** Distinct nodes in the tree under n, counted with repetition (the printed size). */
export function sizeOf(n: Node): number {
  return foldNodes<number>(n, (_node, args) => args.reduce((s, a) => s + a, 1));
}

const keys = new Map<number, string>();

/** A structural key that orders expressions deterministically (sums are sorted by it). */
export function sortKey(n: Node): string {
  const cached = keys.get(n.id);
  if (cached !== undefined) return cached;
  const key = foldNodes<string>(n, (node, args) => {
    const known = keys.get(node.id);
    if (known !== undefined) return known;
    // A transpose sorts right after what it transposes (A before A').
    if (node.op === "transpose") {
      const k = `${args[0]}'`;
      keys.set(node.id, k);
      return k;
    }
    const head =
      node.op === "var"
        ? `v:${node.attrs.name}`
        : node.op === "const"
          ? `c:${node.attrs.symbol ?? node.attrs.value}`
          : `${node.op}`;
    const k = args.length === 0 ? head : `${head}(${args.join(",")})`;
    keys.set(node.id, k);
    return k;
  });
  return key;
}
