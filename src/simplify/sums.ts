// Sums: like terms are collected (2·E + 3·E = 5·E, E − E = 0) and ordered canonically instead of by
// commutativity rules; a factor shared on the left or right of two terms is pulled out when that
// makes the expression smaller (x'·A + x'·A' = x'·(A + A')).
import { shapesEqual } from "../core/index.js";
import { foldRemembered, type Node, NodeSlot } from "../ir/index.js";
import { apply, constant, exactly, identity } from "../ops/index.js";
import {
  constantValue,
  isScalar,
  LOCAL_DEPTH,
  safeNumber,
  sameShape,
  sizeOf,
  tryApply,
  zeroOf,
} from "./patterns.js";

interface Term {
  coefficient: number;
  /** null stands for the constant 1 (a purely numeric term). */
  body: Node | null;
}

/** Products whose sign is carried by their first factor: (−a)·b is −(a·b). */
const SIGNED_FIRST: ReadonlySet<string> = new Set(["mul", "div", "emul", "ediv"]);

function splitCoefficient(node: Node, sign: number, depth = 0): Term {
  if (depth > LOCAL_DEPTH) return { coefficient: sign, body: node };
  // A negation on the first factor of a product is the term's sign: (−y) ./ b is −(y ./ b).
  if (SIGNED_FIRST.has(node.op) && node.args[0]!.op === "neg") {
    const flipped = tryApply(node.op, node.args[0]!.args[0]!, node.args[1]!);
    if (flipped !== null) return splitCoefficient(flipped, -sign, depth + 1);
  }
  const value = constantValue(node);
  if (value !== undefined) return { coefficient: sign * value, body: null };
  if (node.op === "mul") {
    const c = constantValue(node.args[0]!);
    if (c !== undefined) return { coefficient: sign * c, body: node.args[1]! };
    // c*a*b, associated to the left: the constant sits at the bottom of the left spine.
    const inner = node.args[0]!.op === "mul" ? splitCoefficient(node.args[0]!, 1, depth + 1) : null;
    if (inner && inner.coefficient !== 1 && inner.body !== null) {
      const body = tryApply("mul", inner.body, node.args[1]!);
      if (body !== null) return { coefficient: sign * inner.coefficient, body };
    }
  }
  if (node.op === "div") {
    const c = constantValue(node.args[1]!);
    if (c !== undefined && c !== 0 && safeNumber(sign / c))
      return { coefficient: sign / c, body: node.args[0]! };
  }
  // c/u is c·(1/u) for a number u, and c ./ u is c·(1 ./ u) for any u: −1/sqrt(u) and 1/sqrt(u),
  // −1 ./ x.^1.5 and 0.5 ./ x.^1.5 are like terms.
  const top = node.op === "div" || node.op === "ediv" ? constantValue(node.args[0]!) : undefined;
  if (top !== undefined && top !== 1 && top !== 0 && (node.op === "ediv" || isScalar(node.args[1]!))) {
    const unit = tryApply(node.op, constant(1), node.args[1]!);
    if (unit !== null && safeNumber(sign * top)) return { coefficient: sign * top, body: unit };
  }
  if ((node.op === "div" || node.op === "ediv") && top === undefined) {
    // (c·a)/u is c·(a/u): 2*x'*y*x/norm2(x)^2 and x'*y*x/norm2(x)^2 are like terms.
    const inner = splitCoefficient(node.args[0]!, 1, depth + 1);
    if (inner.coefficient !== 1 && inner.body !== null) {
      const body = tryApply(node.op, inner.body, node.args[1]!);
      if (body !== null && safeNumber(sign * inner.coefficient))
        return { coefficient: sign * inner.coefficient, body };
    }
  }
  return { coefficient: sign, body: node };
}

/** The terms of a sum with their signs, or null if a term has another shape (scalar expansion). */
function termsOf(root: Node): Term[] | null {
  const terms: Term[] = [];
  const stack: Array<{ node: Node; sign: number }> = [{ node: root, sign: 1 }];
  while (stack.length > 0) {
    const { node, sign } = stack.pop()!;
    if (!sameShape(node, root)) return null;
    if (node.op === "add") stack.push({ node: node.args[1]!, sign }, { node: node.args[0]!, sign });
    else if (node.op === "sub")
      stack.push({ node: node.args[1]!, sign: -sign }, { node: node.args[0]!, sign });
    else if (node.op === "neg") stack.push({ node: node.args[0]!, sign: -sign });
    else terms.push(splitCoefficient(node, sign));
  }
  return terms;
}

/**
 * Transposes under n, counted with repetition but not inside a sum below n (a sum's own terms are
 * ordered when it is collected); cached by node (nodes are immutable).
 */
const transposeCounts = new NodeSlot<number>();
function transposeCount(n: Node): number {
  return foldRemembered(
    n,
    transposeCounts,
    (node, args) => {
      let c = node.op === "transpose" ? 1 : 0;
      for (const a of args) c += a ?? 0;
      return c;
    },
    (a) => a.op !== "add" && a.op !== "sub",
  );
}

function termNode(t: Term, magnitudeOnly: boolean): Node {
  const c = magnitudeOnly ? Math.abs(t.coefficient) : t.coefficient;
  if (t.body === null) return constant(c);
  if (c === 1) return t.body;
  if (c === -1) return negateFirst(t.body);
  return scaleLeft(constant(c), t.body);
}

/**
 * −body with the sign on a product's first factor, (−A)·B, as the product rules write it (and as
 * splitCoefficient reads it back): written −(A·B), the two would undo each other.
 */
function negateFirst(body: Node, depth = 0): Node {
  if (SIGNED_FIRST.has(body.op) && body.args[0]!.op !== "neg" && depth <= LOCAL_DEPTH) {
    const signed = tryApply(body.op, negateFirst(body.args[0]!, depth + 1), body.args[1]!);
    if (signed !== null) return signed;
  }
  return apply("neg", body);
}

/**
 * c·(a·b) written as (c·a)·b, c·(a/s) as (c·a)/s and c·(1 ./ u) as c ./ u, so that the product
 * needs no brackets (and splitCoefficient reads the same c back from each).
 */
function scaleLeft(c: Node, body: Node, depth = 0): Node {
  if ((body.op === "mul" || body.op === "div") && depth <= LOCAL_DEPTH) {
    const scaled = tryApply(body.op, scaleLeft(c, body.args[0]!, depth + 1), body.args[1]!);
    if (scaled !== null) return scaled;
  }
  // c·(1 ./ u) is c ./ u.
  if (body.op === "ediv" && constantValue(body.args[0]!) === 1) {
    const divided = tryApply("ediv", c, body.args[1]!);
    if (divided !== null && shapesEqual(divided.shape, body.shape)) return divided;
  }
  return apply("mul", c, body);
}

function buildSum(terms: readonly Term[], shapeOf: Node): Node {
  if (terms.length === 0) return zeroOf(shapeOf.shape);
  let result = termNode(terms[0]!, false);
  for (const t of terms.slice(1))
    result = apply(t.coefficient < 0 ? "sub" : "add", result, termNode(t, true));
  return result;
}

export function collectTerms(n: Node): Node | null {
  if (n.op !== "add" && n.op !== "sub") return null;
  const quick = extendCollected(n);
  if (quick !== undefined) return quick === n ? null : quick;
  const terms = termsOf(n);
  if (terms === null) return null;
  const byBody = new Map<number, Term>();
  for (const t of terms) {
    const key = t.body === null ? 0 : t.body.id;
    const existing = byBody.get(key);
    if (existing) existing.coefficient = exactly("+", existing.coefficient, t.coefficient);
    else byBody.set(key, { ...t });
  }
  const kept = [...byBody.values()].filter((t) => t.coefficient !== 0);
  // Coefficients that overflowed or lost their digits in the sum leave the sum as it was.
  if (kept.some((t) => !safeNumber(t.coefficient))) return null;
  // Terms keep the order they first appear in, except that fewer transposes come first:
  // x'*A + x'*A', B*X*C + B'*X*C', and B*x + b stays as written. Numbers go last.
  const order = new Map([...byBody.keys()].map((id, i) => [id, i]));
  kept.sort((x, y) => {
    if (x.body === null) return 1;
    if (y.body === null) return -1;
    // (For scalars such as w'*x + b the transposes are internal: they keep their order. Transposes
    // inside a sum among a term's factors, as in (A + B')*x, are the sum's, not the term's.)
    const byTransposes = isScalar(x.body) ? 0 : transposeCount(x.body) - transposeCount(y.body);
    if (byTransposes !== 0) return byTransposes;
    return order.get(x.body.id)! - order.get(y.body.id)!;
  });
  // A leading negative term reads better second: a − b rather than −b + a.
  if (kept.length > 1 && kept[0]!.coefficient < 0) {
    const positive = kept.findIndex((t) => t.coefficient > 0);
    if (positive > 0) kept.unshift(...kept.splice(positive, 1));
  }
  // Nothing merged, dropped or moved, and the sum already written as buildSum writes it: unchanged,
  // found without building the sum again (a long sum is met at every one of its prefixes).
  const same =
    kept.length === terms.length &&
    kept.every((t, i) => t.body === terms[i]!.body && t.coefficient === terms[i]!.coefficient);
  if (same && writtenAsBuilt(n, terms)) {
    remember(n, kept);
    return null;
  }
  const result = buildSum(kept, n);
  remember(result, kept);
  return result === n ? null : result;
}

/** What is known of a collected sum, for extending it by a few terms without collecting it again. */
interface Collected {
  /** Keys of its terms' bodies (0 for a number); possibly more (the set is shared with extensions). */
  readonly bodies: Set<number>;
  /** The most transposes in one of its (non-scalar) terms. */
  readonly maxTransposes: number;
  readonly hasNumber: boolean;
  readonly allNegative: boolean;
}

/** Sums known to be collected and written as buildSum writes them (by node; nodes are immutable). */
const canonical = new NodeSlot<Collected>();

function remember(sum: Node, kept: readonly Term[]): void {
  if (sum.op !== "add" && sum.op !== "sub") return;
  let maxTransposes = 0;
  for (const t of kept) {
    if (t.body !== null && !isScalar(t.body)) maxTransposes = Math.max(maxTransposes, transposeCount(t.body));
  }
  canonical.set(sum, {
    bodies: new Set(kept.map((t) => (t.body === null ? 0 : t.body.id))),
    maxTransposes,
    hasNumber: kept.some((t) => t.body === null),
    allNegative: kept.every((t) => t.coefficient < 0),
  });
}

/**
 * A collected sum plus a few more terms that merge with none of its terms or each other and sort
 * last: the collected sum, built in a few steps (n itself when it is already written so), without
 * collecting every term again — a sum that grows a term at a time is met at every length. Undefined
 * when that does not apply. (A prefix's set of bodies is shared with its extensions: it only grows, so
 * a term found in it merely sends the sum to the full collection.)
 */
function extendCollected(n: Node): Node | undefined {
  // Met before (a rule is tried on a node more than once; factoring collects its inner sums itself).
  const known = extended.get(n);
  if (known !== undefined) return known;
  const result = extendOnce(n);
  if (result !== undefined) extended.set(n, result);
  return result;
}

/** What extendCollected made of each sum (by node). */
const extended = new NodeSlot<Node>();

function extendOnce(n: Node): Node | undefined {
  const [l, r] = [n.args[0]!, n.args[1]!];
  const prefix = canonical.get(l);
  if (prefix === undefined || !sameShape(l, n) || !sameShape(r, n)) return undefined;
  const more = r.op === "add" || r.op === "sub" || r.op === "neg" ? termsOf(r) : [splitCoefficient(r, 1)];
  if (more === null || more.length > 8) return undefined;
  if (n.op === "sub") for (const t of more) t.coefficient = -t.coefficient;
  let { maxTransposes, hasNumber, allNegative } = prefix;
  const keys: number[] = [];
  for (const t of more) {
    const key = t.body === null ? 0 : t.body.id;
    if (t.coefficient === 0 || prefix.bodies.has(key) || keys.includes(key)) return undefined;
    // Each must sort last: numbers go last; otherwise after every term with fewer transposes.
    if (t.body === null) hasNumber = true;
    else {
      if (hasNumber) return undefined;
      if (!isScalar(t.body)) {
        const transposes = transposeCount(t.body);
        if (transposes < maxTransposes) return undefined;
        maxTransposes = transposes;
      }
    }
    // A positive term after only negative ones would be moved to the front.
    if (allNegative && t.coefficient > 0) return undefined;
    allNegative = allNegative && t.coefficient < 0;
    keys.push(key);
  }
  let result = l;
  for (const t of more) result = apply(t.coefficient < 0 ? "sub" : "add", result, termNode(t, true));
  for (const key of keys) prefix.bodies.add(key);
  canonical.set(result, { bodies: prefix.bodies, maxTransposes, hasNumber, allNegative });
  return result;
}

/** Whether n is the left-leaning chain buildSum makes of these terms (a known prefix ends the walk). */
function writtenAsBuilt(n: Node, terms: readonly Term[]): boolean {
  let node = n;
  for (let i = terms.length - 1; i >= 1; i--) {
    if (canonical.has(node)) return true;
    const t = terms[i]!;
    if (node.op !== (t.coefficient < 0 ? "sub" : "add") || node.args[1] !== termNode(t, true)) return false;
    node = node.args[0]!;
  }
  return node === termNode(terms[0]!, false);
}

/**
 * A term as c · (scalar monomial) · (chain of non-scalar factors, left to right). A scalar that is a
 * row times a column (yᵀx) may be opened up into the chain's front, which is how y'·x·x' shares the
 * factor y' with y'.
 */
interface Decomposed {
  coefficient: number;
  scalars: Map<number, { base: Node; exponent: number }>;
  chain: Node[];
  /** Whether a scalar u'v was opened into the chain (else the decomposition is the unopened one). */
  opened: boolean;
  /** Whether a scalar u'v would have been opened (in a decomposition that opens none). */
  openable: boolean;
}

/** Where a scalar u'v may be opened into the chain: not at all, at the front (u', v) or the end (v', u). */
type Opening = "none" | "front" | "end";

const transposeOf = (n: Node) => (n.op === "transpose" ? n.args[0]! : apply("transpose", n));

const DECOMPOSE_BUDGET = 256;

class TooLarge extends Error {}

function decompose(term: Node, sign: number, opening: Opening): Decomposed | null {
  try {
    return decomposeOrThrow(term, sign, opening);
  } catch (error) {
    if (error instanceof TooLarge) return null;
    throw error;
  }
}

function decomposeOrThrow(term: Node, sign: number, opening: Opening): Decomposed {
  let visited = 0;
  const d: Decomposed = { coefficient: sign, scalars: new Map(), chain: [], opened: false, openable: false };
  const openedFront: Node[] = [];
  const openedEnd: Node[] = [];
  const addScalar = (base: Node, exponent: number) => {
    const value = constantValue(base);
    if (value !== undefined) {
      d.coefficient *= value ** exponent;
      return;
    }
    if (base.op === "neg") {
      d.coefficient *= (-1) ** exponent;
      addScalar(base.args[0]!, exponent);
      return;
    }
    if ((base.op === "mul" || base.op === "div") && isScalar(base.args[0]!) && isScalar(base.args[1]!)) {
      addScalar(base.args[0]!, exponent);
      addScalar(base.args[1]!, base.op === "div" ? -exponent : exponent);
      return;
    }
    if (base.op === "pow") {
      const p = constantValue(base.args[1]!);
      if (p !== undefined && Number.isInteger(p)) {
        addScalar(base.args[0]!, exponent * p);
        return;
      }
    }
    const opens = exponent === 1 && base.op === "mul" && !isScalar(base.args[0]!) && !isScalar(base.args[1]!);
    if (opens) d.openable = true;
    if (opens && opening !== "none") {
      const [u, v] = [base.args[0]!, base.args[1]!];
      d.opened = true;
      if (opening === "front") {
        flatten(u, openedFront);
        flatten(v, openedFront);
      } else {
        flatten(transposeOf(v), openedEnd);
        flatten(transposeOf(u), openedEnd);
      }
      return;
    }
    const entry = d.scalars.get(base.id);
    if (entry) entry.exponent += exponent;
    else d.scalars.set(base.id, { base, exponent });
  };
  /** Non-scalar factors go into `list` in order; scalar ones into the monomial. */
  function flatten(node: Node, list: Node[]): void {
    // Shared subexpressions could unfold exponentially: past a budget the term is not decomposed.
    if (++visited > DECOMPOSE_BUDGET) throw new TooLarge();
    if (isScalar(node)) {
      addScalar(node, 1);
      return;
    }
    if (node.op === "neg") {
      d.coefficient = -d.coefficient;
      flatten(node.args[0]!, list);
    } else if (node.op === "mul") {
      flatten(node.args[0]!, list);
      flatten(node.args[1]!, list);
    } else if (node.op === "div" && isScalar(node.args[1]!)) {
      flatten(node.args[0]!, list);
      addScalar(node.args[1]!, -1);
    } else {
      list.push(node);
    }
  }
  flatten(term, d.chain);
  d.chain.unshift(...openedFront);
  d.chain.push(...openedEnd);
  if (!safeNumber(d.coefficient)) throw new TooLarge();
  return d;
}

function scalarProduct(entries: ReadonlyArray<{ base: Node; exponent: number }>): {
  top: Node[];
  bottom: Node[];
} {
  const top: Node[] = [];
  const bottom: Node[] = [];
  for (const { base, exponent } of entries) {
    if (exponent === 0) continue;
    const magnitude = Math.abs(exponent);
    const factor = magnitude === 1 ? base : apply("pow", base, constant(magnitude));
    (exponent > 0 ? top : bottom).push(factor);
  }
  return { top, bottom };
}

/** c · scalars · chain as one node (null when the chain's shapes do not multiply). */
function assemble(
  coefficient: number,
  scalars: ReadonlyArray<{ base: Node; exponent: number }>,
  chain: readonly Node[],
): Node | null {
  let body: Node | null = chain[0] ?? null;
  for (const f of chain.slice(1)) body = body === null ? null : tryApply("mul", body, f);
  if (chain.length > 0 && body === null) return null;
  const { top, bottom } = scalarProduct(scalars);
  let scalar: Node | null = null;
  for (const f of top) scalar = scalar === null ? f : apply("mul", scalar, f);
  let result: Node | null = body;
  if (scalar !== null) result = result === null ? scalar : apply("mul", scalar, result);
  if (result === null) result = constant(1);
  if (bottom.length > 0) {
    let below = bottom[0]!;
    for (const f of bottom.slice(1)) below = apply("mul", below, f);
    result = apply("div", result, below);
  }
  if (coefficient === 1) return result;
  if (coefficient === -1) return apply("neg", result);
  return apply("mul", constant(coefficient), result);
}

function commonScalars(a: Decomposed, b: Decomposed): Array<{ base: Node; exponent: number }> {
  const common: Array<{ base: Node; exponent: number }> = [];
  for (const [id, x] of a.scalars) {
    const y = b.scalars.get(id);
    if (!y || Math.sign(x.exponent) !== Math.sign(y.exponent)) continue;
    const exponent = Math.sign(x.exponent) * Math.min(Math.abs(x.exponent), Math.abs(y.exponent));
    if (exponent !== 0) common.push({ base: x.base, exponent });
  }
  return common;
}

function without(d: Decomposed, common: ReadonlyArray<{ base: Node; exponent: number }>) {
  const left = new Map([...d.scalars].map(([id, e]) => [id, { ...e }]));
  for (const c of common) left.get(c.base.id)!.exponent -= c.exponent;
  return [...left.values()];
}

/** The unit standing in for an empty middle of a chain between `before` and `after`. */
function unitBetween(before: Node | undefined, after: Node | undefined): Node | null {
  if (before !== undefined) {
    if (before.shape.length === 1) return null;
    return identity(before.shape[before.shape.length - 1]!);
  }
  if (after !== undefined) {
    if (after.shape.length === 2 && after.shape[0] === 1) return null;
    return identity(after.shape[0]!);
  }
  return null;
}

/** The two terms of a sum or difference n decomposed, the second with its sign. */
function decomposeTerms(n: Node, open: Opening): [Decomposed | null, Decomposed | null] {
  return [decompose(n.args[0]!, 1, open), decompose(n.args[1]!, n.op === "sub" ? -1 : 1, open)];
}

function factorPair(n: Node, open: Opening): Node | null {
  return factorDecomposed(n, open, ...decomposeTerms(n, open));
}

function factorDecomposed(n: Node, open: Opening, a: Decomposed | null, b: Decomposed | null): Node | null {
  if (a === null || b === null) return null;
  // Nothing to open on either side: the same as the unopened factoring, which is tried anyway.
  if (open !== "none" && !a.opened && !b.opened) return null;
  const common = commonScalars(a, b);
  // A shared numeric factor comes out too: 2·P + 2·Q = 2·(P + Q).
  const shared =
    Math.abs(a.coefficient) === Math.abs(b.coefficient) && Math.abs(a.coefficient) !== 1
      ? Math.abs(a.coefficient)
      : 1;
  a.coefficient /= shared;
  b.coefficient /= shared;
  let prefix = 0;
  while (prefix < a.chain.length && prefix < b.chain.length && a.chain[prefix] === b.chain[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.chain.length - prefix &&
    suffix < b.chain.length - prefix &&
    a.chain[a.chain.length - 1 - suffix] === b.chain[b.chain.length - 1 - suffix]
  ) {
    suffix++;
  }
  if (common.length === 0 && prefix === 0 && suffix === 0 && shared === 1) return null;
  const middle = (d: Decomposed) => d.chain.slice(prefix, d.chain.length - suffix);
  const before = a.chain[prefix - 1];
  const after = a.chain[a.chain.length - suffix];
  const rest = (d: Decomposed): Node | null => {
    const chain = middle(d);
    if (chain.length === 0 && (prefix > 0 || suffix > 0)) {
      const unit = unitBetween(before, after);
      return assemble(d.coefficient, without(d, common), unit === null ? [] : [unit]);
    }
    return assemble(d.coefficient, without(d, common), chain);
  };
  const [ra, rb] = [rest(a), rest(b)];
  // The rests must have one shape: a scalar beside a matrix would be read as scalar expansion.
  if (ra === null || rb === null || !sameShape(ra, rb)) return null;
  const inner = tryApply("add", ra, rb);
  if (inner === null) return null;
  const innerTidy = collectTerms(inner) ?? inner;
  const chain = [...a.chain.slice(0, prefix), innerTidy, ...a.chain.slice(a.chain.length - suffix)];
  const whole = assemble(shared, common, chain);
  return whole !== null && sameShape(whole, n) ? whole : null;
}

export function factorCommon(n: Node): Node | null {
  if (n.op !== "add" && n.op !== "sub") return null;
  if (!sameShape(n.args[0]!, n) || !sameShape(n.args[1]!, n)) return null;
  const size = sizeOf(n);
  // Pulling out a shared matrix factor is worth it at equal size (it shows the structure); there is
  // no rule that distributes it back, so this cannot cycle.
  // Opening a scalar u'v changes nothing unless a term has one: then only the unopened factoring.
  const [a, b] = decomposeTerms(n, "none");
  const opens = a !== null && b !== null && (a.openable || b.openable);
  const unopened = factorDecomposed(n, "none", a, b);
  const candidates = [
    unopened,
    opens ? factorPair(n, "front") : null,
    opens ? factorPair(n, "end") : null,
  ].filter((c): c is Node => c !== null && (sizeOf(c) < size || (sizeOf(c) === size && c.op === "mul")));
  candidates.sort((x, y) => sizeOf(x) - sizeOf(y));
  return candidates[0] ?? null;
}

/** Element-wise factors of a term: u .* v .* w as [u, v, w] (a non-product term is one factor). */
function hadamardFactors(node: Node): { sign: number; factors: Node[] } {
  let sign = 1;
  let current = node;
  while (current.op === "neg") {
    sign = -sign;
    current = current.args[0]!;
  }
  const factors: Node[] = [];
  const stack = [current];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (f.op === "emul" && sameShape(f.args[0]!, f) && sameShape(f.args[1]!, f))
      stack.push(f.args[1]!, f.args[0]!);
    else factors.push(f);
  }
  return { sign, factors };
}

/** u .* X + u .* Y → u .* (X + Y), when smaller. */
export function factorHadamard(n: Node): Node | null {
  if (n.op !== "add" && n.op !== "sub") return null;
  if (isScalar(n) || !sameShape(n.args[0]!, n) || !sameShape(n.args[1]!, n)) return null;
  const a = hadamardFactors(n.args[0]!);
  const b = hadamardFactors(n.args[1]!);
  if (n.op === "sub") b.sign = -b.sign;
  const common = a.factors.filter((f) => b.factors.includes(f));
  if (common.length === 0 || (a.factors.length === 1 && b.factors.length === 1)) return null;
  const rest = (x: { sign: number; factors: Node[] }) => {
    const left = [...x.factors];
    for (const c of common) left.splice(left.indexOf(c), 1);
    let body: Node = left.length === 0 ? constant(1) : left.reduce((acc, f) => apply("emul", acc, f));
    if (x.sign < 0) body = apply("neg", body);
    return body;
  };
  const inner = tryApply("add", rest(a), rest(b));
  if (inner === null) return null;
  const tidy = collectTerms(inner) ?? inner;
  const whole = [...common, tidy].reduce((acc, f) => apply("emul", acc, f));
  return sameShape(whole, n) && sizeOf(whole) < sizeOf(n) ? whole : null;
}

/**
 * The scalar factors of one matrix product, combined as a monomial: s·y'·x·x'/(t²·s) → y'·x·x'/t².
 * Applied when it makes the term smaller.
 */
export function cancelScalarFactors(n: Node): Node | null {
  // Only a product divided by a scalar can cancel (and decomposing every product would be costly).
  if (n.op !== "div" || isScalar(n) || n.args[0]!.op !== "mul") return null;
  for (const opening of ["none", "front"] as const) {
    const d = decompose(n, 1, opening);
    if (d === null || d.scalars.size === 0) continue;
    const rebuilt = assemble(d.coefficient, [...d.scalars.values()], d.chain);
    if (rebuilt !== null && sameShape(rebuilt, n) && sizeOf(rebuilt) < sizeOf(n)) return rebuilt;
  }
  return null;
}

/** A product's factors, left to right, through every product inside it. */
function factorsOf(n: Node, depth = 0): Node[] {
  if (n.op !== "mul" || depth > LOCAL_DEPTH) return [n];
  return [...factorsOf(n.args[0]!, depth + 1), ...factorsOf(n.args[1]!, depth + 1)];
}

/** The product of factors, associated to the left (as the product rules write it); I drops out. */
function chainOf(factors: readonly Node[], shapeOf: Node): Node | null {
  const kept = factors.filter((f) => f.op !== "identity");
  if (kept.length === 0) return null;
  let product: Node | null = kept[0]!;
  for (const f of kept.slice(1)) {
    product = tryApply("mul", product, f);
    if (product === null) return null;
  }
  return sameShape(product, shapeOf) ? product : null;
}

/** P*(I ± Q) as P ± P*Q, (I ± Q)*P as P ± Q*P: each piece with its sign; null if body is neither. */
function expandedIdentity(body: Node): Array<{ node: Node; sign: number }> | null {
  if (body.op !== "mul") return null;
  const withIdentity = (s: Node) =>
    (s.op === "add" || s.op === "sub") && (s.args[0]!.op === "identity" || s.args[1]!.op === "identity");
  const [a, b] = [body.args[0]!, body.args[1]!];
  const [sum, side] = withIdentity(b) ? [b, "right"] : withIdentity(a) ? [a, "left"] : [null, null];
  if (sum === null) return null;
  const pieces: Array<{ node: Node; sign: number }> = [];
  for (const [k, sign] of [
    [0, 1],
    [1, sum.op === "sub" ? -1 : 1],
  ] as const) {
    const part = sum.args[k]!;
    const factors =
      side === "right" ? [...factorsOf(a), ...factorsOf(part)] : [...factorsOf(part), ...factorsOf(b)];
    const node = chainOf(factors, body);
    if (node === null) return null;
    pieces.push({ node, sign });
  }
  return pieces;
}

/**
 * A sum with terms P*(I − Q) or (I − Q)*P, expanded where that makes like terms meet and the sum
 * shorter: inv(S)*(I − x*x'*inv(S)) + (I − inv(S)*x*x')*inv(S) is 2*inv(S) − 2*inv(S)*x*x'*inv(S).
 */
export function expandToCollect(n: Node): Node | null {
  if (n.op !== "add" && n.op !== "sub") return null;
  const terms = termsOf(n);
  if (terms === null || terms.length < 2) return null;
  const out: Term[] = [];
  let expanded = false;
  for (const t of terms) {
    const pieces = t.body === null ? null : expandedIdentity(t.body);
    if (pieces === null) {
      out.push(t);
      continue;
    }
    expanded = true;
    for (const p of pieces) {
      const s = splitCoefficient(p.node, p.sign);
      out.push({ coefficient: exactly("*", t.coefficient, s.coefficient), body: s.body });
    }
  }
  if (!expanded) return null;
  // Only where some of the pieces are like terms: otherwise expanding only lengthens the sum.
  if (new Set(out.map((t) => t.body?.id ?? 0)).size >= out.length) return null;
  const sum = buildSum(out, n);
  const collected = collectTerms(sum) ?? sum;
  return sizeOf(collected) < sizeOf(n) ? collected : null;
}
