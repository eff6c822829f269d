// Small predicates and constructors the rewrite rules share.
import type { Shape } from "../core/index.js";
import { foldRemembered, mixText, type Node, NodeSlot } from "../ir/index.js";
import { apply, constant, zeros } from "../ops/index.js";

/**
 * How deep the local helpers of the rules (pushing a transpose or a sign inward, splitting a term,
 * leaning a product left) recurse into one subexpression. A long sum or product chain is a deep
 * chain of nodes; past this depth a helper keeps the rest as it is (a correct, less tidy form).
 */
export const LOCAL_DEPTH = 200;

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
  const known = sizes.get(n);
  if (known !== undefined) return known;
  // Most nodes are built on operands whose sizes are known already.
  let size = 1;
  for (let i = 0; i < n.args.length; i++) {
    const s = sizes.get(n.args[i]!);
    if (s === undefined) return foldRemembered(n, sizes, addSizes);
    size += s;
  }
  sizes.set(n, size);
  return size;
}

function addSizes(_node: Node, args: readonly (number | undefined)[]): number {
  let size = 1;
  for (const a of args) size += a!;
  return size;
}
const sizes = new NodeSlot<number>();

/** A node's place in the canonical order: its text, cut to a bounded length, then a structural hash. */
interface SortKey {
  readonly text: string;
  readonly hash: number;
}

const keys = new NodeSlot<SortKey>();
const KEY_TEXT = 160;

const base36 = new Uint8Array(8);

/** FNV-1a over the base-36 digits of an unsigned 32-bit value (as value.toString(36) spells them). */
function mixBase36(hash: number, value: number): number {
  let v = value;
  let n = 0;
  do {
    const d = v % 36;
    base36[n++] = d < 10 ? 48 + d : 87 + d;
    v = Math.floor(v / 36);
  } while (v > 0);
  let h = hash;
  while (n > 0) h = Math.imul(h ^ base36[--n]!, 0x01000193);
  return h;
}

function sortKeyOf(node: Node, args: readonly SortKey[]): SortKey {
  let text: string;
  if (node.op === "transpose") text = `${args[0]!.text}'`;
  else {
    const head =
      node.op === "var"
        ? `v:${node.attrs.name}`
        : node.op === "const"
          ? `c:${node.attrs.symbol ?? node.attrs.value}`
          : node.op;
    if (args.length === 0) text = head;
    else {
      // Only the first KEY_TEXT characters count: stop joining once they are written.
      text = `${head}(`;
      for (let i = 0; i < args.length && text.length <= KEY_TEXT; i++)
        text = i === 0 ? text + args[i]!.text : `${text},${args[i]!.text}`;
      text += ")";
    }
  }
  // The hash mixes the same characters as hashing op, name or value, "d1,d2" and each operand's hash
  // in base 36 would, without building those strings.
  let hash = mixText(0x811c9dc5, node.op);
  const attribute = node.attrs.name ?? node.attrs.value;
  if (attribute !== undefined) hash = mixText(hash, String(attribute));
  // Identities of different sizes print alike: the shape tells them apart.
  for (let i = 0; i < node.shape.length; i++) {
    if (i > 0) hash = mixText(hash, ",");
    hash = mixText(hash, String(node.shape[i]));
  }
  for (const a of args) hash = mixBase36(hash, a.hash);
  return { text: text.length > KEY_TEXT ? text.slice(0, KEY_TEXT) : text, hash: hash >>> 0 };
}

function sortKeyOfNode(n: Node): SortKey {
  return foldRemembered(n, keys, sortKeyOf as (n: Node, args: readonly (SortKey | undefined)[]) => SortKey);
}

/**
 * Orders expressions deterministically (the factors of a product are sorted by it): by their shape in
 * text, cut to a bounded length so heavily shared expressions never unfold into exponentially long
 * strings, then by a hash of the whole structure, then by creation. Keys are remembered by node.
 */
export function compareSortKeys(a: Node, b: Node): number {
  if (a === b) return 0;
  const x = sortKeyOfNode(a);
  const y = sortKeyOfNode(b);
  if (x.text !== y.text) return x.text < y.text ? -1 : 1;
  if (x.hash !== y.hash) return x.hash - y.hash;
  // Equal keys (a hash collision) fall back to creation order, so the order is still total.
  return a.id - b.id;
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

/**
 * Whether a folded number can stand in for the numbers it came from: finite, and zero or normal (a
 * subnormal keeps only a few digits). Folding 1e-320/1e-320 step by step gives Infinity; a rule whose
 * result is not safe leaves the expression as it was.
 */
export function safeNumber(v: number): boolean {
  return Number.isFinite(v) && (v === 0 || Math.abs(v) >= 2 ** -1022);
}

/**
 * x · 2^e as a mantissa in [1, 2) (in magnitude) and the exponent that goes with it; exact (scaling by
 * a power of two is), with the mantissa put right where log2 rounds across a power of two.
 */
function normalized(x: number, e: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, e];
  let shift = Math.floor(Math.log2(Math.abs(x)));
  // 2 ** shift is subnormal below 2^-1022 but still exact down to 2^-1074.
  let m = x / 2 ** shift;
  if (Math.abs(m) >= 2) [m, shift] = [m / 2, shift + 1];
  else if (Math.abs(m) < 1) [m, shift] = [m * 2, shift - 1];
  return [m, e + shift];
}

/**
 * A product of integer powers of numbers, kept as (numerator / denominator) × 2^exponent with both
 * mantissas renormalized as they grow, so that no partial product overflows or underflows:
 * 1e300 · 1e300 / 1e300 is 1e300, and 1e-320 / 1e-320 is exactly 1.
 */
export class ScaledProduct {
  private numerator = 1;
  private denominator = 1;
  private exponent = 0;
  private zero = false;
  private undefinedQuotient = false;
  private infinite = false;

  times(value: number, power = 1): void {
    if (power === 0) return;
    if (value === 0) {
      if (power < 0) this.undefinedQuotient = true;
      this.zero = true;
      return;
    }
    if (!Number.isFinite(value)) {
      this.infinite = true;
      return;
    }
    // value = m · 2^k with 1 ≤ |m| < 2; then m^|power| by squaring, each partial product renormalized: O(log |power|) steps however large
    // the power a problem writes (2^100000000 folds as quickly as 2^3).
    let [base, baseExponent] = normalized(value, 0);
    let [mantissa, exponent] = [1, 0];
    for (let p = Math.abs(power); p > 0; p = Math.floor(p / 2)) {
      if (p % 2 === 1) [mantissa, exponent] = normalized(mantissa * base, exponent + baseExponent);
      if (p > 1) [base, baseExponent] = normalized(base * base, 2 * baseExponent);
    }
    if (power > 0) this.numerator *= mantissa;
    else this.denominator *= mantissa;
    this.exponent += power > 0 ? exponent : -exponent;
    this.renormalize();
  }

  private renormalize(): void {
    [this.numerator, this.exponent] = normalized(this.numerator, this.exponent);
    const [denominator, shift] = normalized(this.denominator, 0);
    this.denominator = denominator;
    this.exponent -= shift;
  }

  /** The product as a number, or undefined where it is not a safe one (see safeNumber). */
  value(): number | undefined {
    if (this.undefinedQuotient || this.infinite) return undefined;
    if (this.zero) return 0;
    const half = Math.trunc(this.exponent / 2);
    const v = (this.numerator / this.denominator) * 2 ** half * 2 ** (this.exponent - half);
    // Not an exact zero factor, so a zero here is an underflow.
    return v !== 0 && safeNumber(v) ? v : undefined;
  }
}
