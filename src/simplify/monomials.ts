// Commutative products as monomials: a coefficient times bases raised to integer powers. Scalar
// products (* / ^) and element-wise ones (.* ./ .^) are flattened, equal bases have their exponents
// added (so sin(u)/sin(u)^2 becomes 1/sin(u)), and the product is rebuilt in a canonical order:
// coefficient, numerator by size, then one division — `6*x^2*cos(x^3)/sin(x^3)`.
import { type Node, NodeSlot } from "../ir/index.js";
import { apply, constant, exactly, ones } from "../ops/index.js";
import {
  compareSortKeys,
  constantValue,
  isAllOnes,
  isScalar,
  ScaledProduct,
  sizeOf,
  zeroOf,
} from "./patterns.js";

interface Monomial {
  coefficient: number;
  readonly powers: Map<number, { base: Node; exponent: number }>;
}

/** The operators a monomial is made of (the only ones the monomial rule rewrites). */
export const FACTOR_OPS: readonly string[] = ["mul", "div", "pow", "emul", "ediv", "epow", "neg"];
const MULTIPLICATIVE = new Set(FACTOR_OPS);

/** Whether `n` takes part in a commutative product of the given context. */
function isFactorOp(n: Node, elementwise: boolean): boolean {
  if (!MULTIPLICATIVE.has(n.op)) return false;
  if (n.op === "neg") return true;
  if (!elementwise) return isScalar(n) && n.args.every(isScalar);
  if (n.op === "mul") return isScalar(n.args[0]!) || isScalar(n.args[1]!);
  if (n.op === "div") return isScalar(n.args[1]!);
  return n.op === "emul" || n.op === "ediv" || n.op === "epow" || n.op === "pow";
}

/** s for s·1, s·1ᵀ or s·1·1ᵀ (however associated); null otherwise. */
function broadcastScalar(node: Node): Node | null {
  if (node.op !== "mul") return null;
  const [a, b] = [node.args[0]!, node.args[1]!];
  if (isScalar(a) && isAllOnes(b)) return a;
  if (
    a.op === "mul" &&
    isScalar(a.args[0]!) &&
    a.args[1]!.op === "ones" &&
    isAllOnes(b) &&
    b.op === "transpose"
  )
    return a.args[0]!;
  return null;
}

/** The monomial of a product, or null when its numbers do not fold into a safe coefficient. */
function flatten(root: Node, elementwise: boolean): Monomial | null {
  const monomial: Monomial = { coefficient: 1, powers: new Map() };
  const numbers = new ScaledProduct();
  const stack: Array<{ node: Node; exponent: number }> = [{ node: root, exponent: 1 }];
  const addBase = (base: Node, exponent: number) => {
    const entry = monomial.powers.get(base.id);
    if (entry) entry.exponent += exponent;
    else monomial.powers.set(base.id, { base, exponent });
  };
  /** Powers with exponents that are not whole numbers: joined to their base at the end, if it is there. */
  const fractional: Array<{ node: Node; base: Node; exponent: number }> = [];
  while (stack.length > 0) {
    const { node, exponent } = stack.pop()!;
    const value = constantValue(node);
    if (value !== undefined) {
      numbers.times(value, exponent);
      continue;
    }
    // The all-ones vector is the unit of .* (its shape is restored when nothing else carries it).
    if (elementwise && isAllOnes(node) && node.shape.length === root.shape.length) continue;
    // s·1·1ᵀ (a broadcast scalar) is the scalar s as a factor of .*
    const spread = elementwise ? broadcastScalar(node) : null;
    if (spread !== null && node.shape.length === root.shape.length) {
      stack.push({ node: spread, exponent });
      continue;
    }
    if (!isFactorOp(node, elementwise)) {
      addBase(node, exponent);
      continue;
    }
    const [a, b] = [node.args[0]!, node.args[1]!];
    switch (node.op) {
      case "neg":
        numbers.times(-1, exponent);
        stack.push({ node: a, exponent });
        break;
      case "mul":
      case "emul":
        stack.push({ node: a, exponent }, { node: b, exponent });
        break;
      case "div":
      case "ediv":
        stack.push({ node: a, exponent }, { node: b, exponent: -exponent });
        break;
      default: {
        // Powers: an integer exponent multiplies through its base's own factors; any other is kept on
        // its base as a whole, since (x^2)^0.5 is |x|, not x. (Powers of one base then add:
        // det(X)·det(X)^(-1/2) is det(X)^(1/2), real wherever the product is.)
        const p = constantValue(b);
        if (p !== undefined && Number.isInteger(p)) stack.push({ node: a, exponent: exponent * p });
        else if (p !== undefined && Number.isFinite(p))
          fractional.push({ node, base: a, exponent: exactly("*", exponent, p) });
        else addBase(node, exponent);
      }
    }
  }
  // A power with another exponent joins its base where the base is a factor too; else it stays whole.
  for (const f of fractional) {
    const same = monomial.powers.get(f.base.id);
    if (same) same.exponent = exactly("+", same.exponent, f.exponent);
    else addBase(f.node, exactly("/", f.exponent, constantValue(f.node.args[1]!)!));
  }
  const coefficient = numbers.value();
  if (coefficient === undefined) return null;
  monomial.coefficient = coefficient;
  return monomial;
}

/** exp(u)^a·(1 + exp(u))^−b contains sigmoid(u)^min(a,b); (1 + exp(−u))^−b is sigmoid(u)^b. */
function recognizeSigmoid(m: Monomial): void {
  const entries = [...m.powers.values()];
  for (const entry of entries) {
    if (entry.exponent >= 0 || entry.base.op !== "add") continue;
    const [p, q] = [entry.base.args[0]!, entry.base.args[1]!];
    const e =
      constantValue(p) === 1 && q.op === "exp" ? q : constantValue(q) === 1 && p.op === "exp" ? p : null;
    if (e === null || !sameShapeNodes(e, entry.base)) continue;
    const u = e.args[0]!;
    const numerator = m.powers.get(e.id);
    if (numerator && numerator.exponent > 0) {
      const k = Math.min(numerator.exponent, -entry.exponent);
      numerator.exponent -= k;
      entry.exponent += k;
      addPower(m, apply("sigmoid", u), k);
    } else if (u.op === "neg") {
      const k = -entry.exponent;
      entry.exponent = 0;
      addPower(m, apply("sigmoid", u.args[0]!), k);
    }
  }
}

/** sign(u)^k·u^j contains abs(u)^min(k, j): sign(u)·u is |u| (at u = 0 too). */
function recognizeAbs(m: Monomial): void {
  for (const entry of [...m.powers.values()]) {
    if (entry.base.op !== "sign" || entry.exponent <= 0) continue;
    const u = entry.base.args[0]!;
    const power = m.powers.get(u.id);
    if (!power || power.exponent <= 0 || !sameShapeNodes(u, entry.base)) continue;
    const k = Math.min(entry.exponent, power.exponent);
    entry.exponent -= k;
    power.exponent -= k;
    addPower(m, apply("abs", u), k);
  }
}

/** step(u)^k·u^j (k, j ≥ 1) is relu(u)^j: step is 0 or 1, and u·step(u) is relu(u). */
function recognizeRelu(m: Monomial): void {
  for (const entry of [...m.powers.values()]) {
    if (entry.base.op !== "step" || entry.exponent <= 0) continue;
    const u = entry.base.args[0]!;
    const power = m.powers.get(u.id);
    if (!power || power.exponent <= 0 || !Number.isInteger(power.exponent) || !sameShapeNodes(u, entry.base))
      continue;
    const j = power.exponent;
    entry.exponent = 0;
    power.exponent = 0;
    addPower(m, apply("relu", u), j);
  }
}

function sameShapeNodes(a: Node, b: Node): boolean {
  return a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

function addPower(m: Monomial, base: Node, exponent: number): void {
  const entry = m.powers.get(base.id);
  if (entry) entry.exponent += exponent;
  else m.powers.set(base.id, { base, exponent });
}

/** Sorts factors in place: by size, then by structural key (taken only for factors of equal size). */
function ordered(factors: Array<{ base: Node; exponent: number }>): void {
  factors.sort((x, y) => {
    const bySize = sizeOf(x.base) - sizeOf(y.base);
    return bySize !== 0 ? bySize : compareSortKeys(x.base, y.base);
  });
}

function power(base: Node, exponent: number): Node {
  if (exponent === 1) return base;
  return apply(isScalar(base) ? "pow" : "epow", base, constant(exponent));
}

function product(factors: readonly Node[], elementwise: boolean): Node | null {
  if (factors.length === 0) return null;
  return factors.reduce((acc, f) => {
    if (isScalar(acc) && isScalar(f)) return apply("mul", acc, f);
    if (isScalar(acc)) return apply("mul", acc, f);
    if (isScalar(f)) return apply("mul", f, acc);
    return apply(elementwise ? "emul" : "mul", acc, f);
  });
}

function rebuild(m: Monomial, shapeOf: Node): Node {
  if (m.coefficient === 0) return zeroOf(shapeOf.shape);
  const scalarEntries: Array<{ base: Node; exponent: number }> = [];
  const arrayEntries: Array<{ base: Node; exponent: number }> = [];
  for (const e of m.powers.values()) {
    if (e.exponent === 0) continue;
    (isScalar(e.base) ? scalarEntries : arrayEntries).push(e);
  }
  ordered(scalarEntries);
  ordered(arrayEntries);
  const elementwise = !isScalar(shapeOf);
  // Scalar factors come first, then array factors, numerators before denominators.
  const numerator: Node[] = [];
  const denominator: Node[] = [];
  for (const e of scalarEntries) if (e.exponent > 0) numerator.push(power(e.base, e.exponent));
  for (const e of arrayEntries) if (e.exponent > 0) numerator.push(power(e.base, e.exponent));
  for (const e of scalarEntries) if (e.exponent < 0) denominator.push(power(e.base, -e.exponent));
  for (const e of arrayEntries) if (e.exponent < 0) denominator.push(power(e.base, -e.exponent));
  let c = m.coefficient;
  if (c === -1 && numerator.length > 0) {
    numerator[0] = apply("neg", numerator[0]!);
    c = 1;
  }
  let result: Node;
  if (!elementwise) {
    const top = c !== 1 || numerator.length === 0 ? [constant(c), ...numerator] : numerator;
    result = product(top, false)!;
    const bottom = product(denominator, false);
    if (bottom !== null) result = apply("div", result, bottom);
  } else {
    // Element-wise: the array part as u ./ v, with the scalar part in front: s*(u ./ v).
    let array = product(
      numerator.filter((f) => !isScalar(f)),
      true,
    );
    const arrayBelow = product(
      denominator.filter((f) => !isScalar(f)),
      true,
    );
    if (arrayBelow !== null) array = apply("ediv", array ?? constant(1), arrayBelow);
    const scalarTop = numerator.filter(isScalar);
    const scalar = product(c !== 1 ? [constant(c), ...scalarTop] : scalarTop, false);
    const scalarBelow = product(denominator.filter(isScalar), false);
    if (array === null) result = scalar ?? constant(1);
    else if (scalar === null) result = array;
    else if (array.op === "ediv" && constantValue(array.args[0]!) === 1)
      result = apply("ediv", scalar, array.args[1]!);
    else result = apply("mul", scalar, array);
    // A scalar denominator is written once, at the end: s*u/t.
    if (scalarBelow !== null) result = apply("div", result, scalarBelow);
  }
  if (isScalar(result) && !isScalar(shapeOf)) {
    const [rows, cols] = [shapeOf.shape[0]!, shapeOf.shape[1]];
    const unit =
      cols === undefined
        ? ones(rows)
        : rows === 1
          ? apply("transpose", ones(cols))
          : apply("mul", ones(rows), apply("transpose", ones(cols)));
    // s/t spread over an array is written s*1/t (1/t or −1/t when s is ±1), as reciprocal-becomes-division
    // writes it: the scalar denominator stays at the end.
    if (result.op === "div") {
      const s = constantValue(result.args[0]!);
      const top = s === 1 ? unit : s === -1 ? apply("neg", unit) : apply("mul", result.args[0]!, unit);
      result = apply("div", top, result.args[1]!);
    } else result = apply("mul", result, unit);
  }
  if (result.shape.length !== shapeOf.shape.length) return shapeOf;
  return result;
}

/** Results by node: a product met again (the next pass, the next derivative) is not rebuilt. */
const normalized = new NodeSlot<Node | null>();

export function normalizeMonomial(n: Node): Node | null {
  const elementwise = !isScalar(n);
  if (!isFactorOp(n, elementwise)) return null;
  const known = normalized.get(n);
  if (known !== undefined) return known;
  const monomial = flatten(n, elementwise);
  if (monomial === null) {
    normalized.set(n, null);
    return null;
  }
  recognizeSigmoid(monomial);
  recognizeAbs(monomial);
  recognizeRelu(monomial);
  const rebuilt = rebuild(monomial, n);
  const result = rebuilt === n ? null : rebuilt;
  normalized.set(n, result);
  // The rebuilt product is in normal form: normalizing it again leaves it as it is.
  if (result !== null && normalized.get(result) === undefined) normalized.set(result, null);
  return result;
}
