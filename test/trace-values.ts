// Checks rewrite steps numerically: both sides of a trace entry evaluated at random values of every
// variable they mention (including the calculus layer's placeholder directions).
import { MatcalcError, type Node, type Tensor, toText } from "../src/api/index.js";
import type { Dim } from "../src/core/index.js";
import { freeVariables, postorder } from "../src/ir/index.js";
import { bindValues, evaluate } from "../src/numeric/index.js";
import { maxRelativeError } from "../src/tensor/index.js";

export function randomBindingsFor(nodes: readonly Node[], seed: number) {
  let s = seed >>> 0 || 7;
  const random = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
  const sizes = new Map<string, number>();
  const sizeOf = (d: Dim) => {
    if (typeof d === "number") return d;
    if (!sizes.has(d)) sizes.set(d, 3);
    return sizes.get(d)!;
  };
  const variables = new Map<string, Node>();
  for (const root of nodes)
    for (const n of postorder(root)) if (n.op === "var") variables.set(n.attrs.name!, n);
  const json: Record<string, unknown> = {};
  for (const [name, v] of variables) {
    const shape = v.shape.map(sizeOf);
    const entry = () => random() * 1.5 + (random() > 0 ? 0.3 : -0.3);
    if (shape.length === 0) json[name] = entry();
    else if (shape.length === 1) json[name] = Array.from({ length: shape[0]! }, entry);
    else {
      const m = Array.from({ length: shape[0]! }, () => Array.from({ length: shape[1]! }, entry));
      if (v.attrs.symmetric)
        for (let i = 0; i < shape[0]!; i++) for (let j = 0; j < i; j++) m[i]![j] = m[j]![i]!;
      json[name] = m;
    }
  }
  for (const root of nodes)
    for (const n of postorder(root)) for (const d of n.shape) if (typeof d === "string") sizeOf(d);
  for (const [name, size] of sizes) if (!(name in json)) json[name] = size;
  return bindValues(
    [...variables.values()].map((v) => ({ name: v.attrs.name!, shape: v.shape })),
    json,
    [...sizes.keys()],
  );
}

/** The value of a node, or null when it is not finite at these values. */
export function valueAt(node: Node, seed: number, nodes: readonly Node[]): Tensor | null {
  try {
    return evaluate(node, randomBindingsFor(nodes, seed));
  } catch (error) {
    if (error instanceof MatcalcError) return null;
    throw error;
  }
}

export function rewriteError(before: Node, after: Node, seed: number): number | null {
  const a = valueAt(before, seed, [before, after]);
  const b = valueAt(after, seed, [before, after]);
  if (a === null || b === null) return null;
  if (a.data.length !== b.data.length) return Number.POSITIVE_INFINITY;
  return maxRelativeError(b, a);
}

export function describeRewrite(before: Node, after: Node): string {
  return `${toText(before)}  →  ${toText(after)}  [${freeVariables(before).join(",")}]`;
}
