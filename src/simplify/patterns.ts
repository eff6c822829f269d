// Small predicates and constructors the rewrite rules share.
import type { Shape } from "../core/index.js";
import { foldRemembered, type Node, NodeSlot } from "../ir/index.js";
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
  if (a.shape === b.shape) return true;
  if (a.shape.length !== b.shape.length) return false;
  for (let i = 0; i < a.shape.length; i++) if (a.shape[i] !== b.shape[i]) return false;
  return true;
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
  return foldRemembered(n, sizes, (_node, args) => {
    let size = 1;
    for (const a of args) size += a!;
    return size;
  });
}
const sizes = new NodeSlot<number>();

const keys = new NodeSlot<{ text: string; hash: number; key: string }>();
const KEY_TEXT = 160;

/**
 * A structural key that orders expressions deterministically (sums are sorted by it). It is the
 * expression's shape in text, cut to a bounded length, followed by a hash of the whole structure, so
 * heavily shared expressions never unfold into exponentially long strings. Remembered by node.
 */
export function sortKey(n: Node): string {
  return foldRemembered(n, keys, (node, operands) => {
    const args = operands as readonly { text: string; hash: number }[];
    let text: string;
    if (node.op === "transpose") text = `${args[0]!.text}'`;
    else {
      const head =
        node.op === "var"
          ? `v:${node.attrs.name}`
          : node.op === "const"
            ? `c:${node.attrs.symbol ?? node.attrs.value}`
            : node.op;
      text = args.length === 0 ? head : `${head}(${args.map((a) => a.text).join(",")})`;
    }
    let hash = 0x811c9dc5;
    const mix = (value: string) => {
      for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
    };
    mix(node.op);
    mix(String(node.attrs.name ?? node.attrs.value ?? ""));
    // Identities of different sizes print alike: the shape tells them apart.
    mix(node.shape.join(","));
    for (const a of args) mix(a.hash.toString(36));
    const cut = text.length > KEY_TEXT ? text.slice(0, KEY_TEXT) : text;
    const h = hash >>> 0;
    return { text: cut, hash: h, key: `${cut}#${h.toString(36).padStart(7, "0")}` };
  }).key;
}

/** 1 (the all-ones vector), 1ᵀ or 11ᵀ: units of the element-wise product. */
export function isAllOnes(n: Node): boolean {
  if (n.op === "ones") return true;
  if (n.op === "transpose") return n.args[0]!.op === "ones";
  return (
    n.op === "mul" &&
    n.args[0]!.op === "ones" &&
    n.args[1]!.op === "transpose" &&
    n.args[1]!.args[0]!.op === "ones"
  );
}
