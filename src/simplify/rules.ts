// The rewrite rules, by ruleset. Each rule is local, preserves shape and value (every rule is checked
// numerically in the tests), and is named so the trace can say what happened.
import type { Node } from "../ir/index.js";
import {
  apply,
  asFraction,
  block,
  constant,
  ELEMENTWISE_FUNCTIONS,
  exactly,
  identity,
  rebuild,
  stack,
  stackLayout,
} from "../ops/index.js";
import type { RewriteRule, Ruleset } from "./driver.js";
import { FACTOR_OPS, normalizeMonomial } from "./monomials.js";
import {
  constantValue,
  isAllOnes,
  isConstant,
  isMatrix,
  isScalar,
  isVector,
  isZero,
  LOCAL_DEPTH,
  sameShape,
  sizeOf,
  tryApply,
  zeroOf,
} from "./patterns.js";
import { cancelScalarFactors, collectTerms, expandToCollect, factorCommon, factorHadamard } from "./sums.js";

/** −node written without a minus sign, by reversing a difference it is linear in; or null. */
function flipSign(node: Node, depth = 0): Node | null {
  if (depth > LOCAL_DEPTH) return null;
  switch (node.op) {
    case "sub":
      return sameShape(node.args[0]!, node) && sameShape(node.args[1]!, node)
        ? apply("sub", node.args[1]!, node.args[0]!)
        : null;
    case "transpose":
    case "sum":
    case "diagMatrix": {
      const inner = flipSign(node.args[0]!, depth + 1);
      return inner === null ? null : tryApply(node.op, inner);
    }
    case "mul":
    case "emul": {
      for (const k of [0, 1]) {
        const inner = flipSign(node.args[k]!, depth + 1);
        if (inner !== null)
          return tryApply(node.op, k === 0 ? inner : node.args[0]!, k === 1 ? inner : node.args[1]!);
      }
      return null;
    }
    default:
      return null;
  }
}

/** Operations through which entry i depends only on entries i of the operands. */
const ELEMENTWISE_PATH = new Set([
  "add",
  "sub",
  "neg",
  "emul",
  "ediv",
  "epow",
  "max",
  "min",
  ...ELEMENTWISE_FUNCTIONS,
]);

/**
 * `node` with max(0, z) (and relu(z)) replaced by z wherever it is reached through element-wise
 * operations only: entry i must depend on entry i of z alone for step(z) to mask it.
 */
function replaceRelu(node: Node, z: Node): Node {
  const walk = (current: Node, depth: number): Node => {
    if (depth > LOCAL_DEPTH) return current;
    const isRelu =
      (current.op === "max" && isConstant(current.args[0]!, 0) && current.args[1] === z) ||
      (current.op === "max" && isConstant(current.args[1]!, 0) && current.args[0] === z) ||
      (current.op === "relu" && current.args[0] === z);
    if (isRelu && sameShape(current, z)) return z;
    if (!ELEMENTWISE_PATH.has(current.op) || !sameShape(current, z)) return current;
    return rebuild(
      current,
      current.args.map((a) => (sameShape(a, z) ? walk(a, depth + 1) : a)),
    );
  };
  return walk(node, 0);
}

/**
 * Whether a matrix is symmetric by its form: a symmetric variable, I, a diagonal, a Gram matrix X'*X
 * or X*X', an outer product x*x', A + A', B'*S*B, and sums, scalings, inverses, powers and Hadamard
 * products of symmetric matrices. Looks a few levels down only.
 */
export function isSymmetric(n: Node, depth = 0): boolean {
  if (n.shape.length !== 2 || depth > 6) return false;
  const s = (x: Node) => isSymmetric(x, depth + 1);
  const transposeOf = (t: Node, x: Node) =>
    (t.op === "transpose" && t.args[0] === x) || (x.op === "transpose" && x.args[0] === t);
  const [a, b] = [n.args[0], n.args[1]];
  switch (n.op) {
    case "var":
      return n.attrs.symmetric === true;
    case "identity":
    case "diagMatrix":
      return true;
    case "zeros":
      return n.shape[0] === n.shape[1];
    case "neg":
    case "inv":
    case "adj":
      return s(a!);
    case "mpow":
      return s(a!);
    case "add":
    case "sub":
      return (s(a!) && s(b!)) || (n.op === "add" && transposeOf(a!, b!));
    case "emul":
      return s(a!) && s(b!);
    case "div":
      return isScalar(b!) && s(a!);
    case "mul": {
      if (isScalar(a!)) return s(b!);
      if (isScalar(b!)) return s(a!);
      // X'*X, X*X', x*x'; and B'*S*B, a left-leaning chain (B'*S)*B.
      if (transposeOf(a!, b!)) return true;
      if (a!.op === "mul" && !isScalar(a!.args[0]!)) return transposeOf(a!.args[0]!, b!) && s(a!.args[1]!);
      return false;
    }
    default:
      return false;
  }
}

/** Aᵀ with transposes moved to the leaves as the transpose rules would (used to judge a rewrite). */
function pushTranspose(n: Node, depth = 0): Node {
  if (isScalar(n)) return n;
  if (depth > LOCAL_DEPTH) return apply("transpose", n);
  const push = (a: Node) => pushTranspose(a, depth + 1);
  if (n.op === "transpose") return n.args[0]!;
  if ((n.op === "var" && n.attrs.symmetric) || n.op === "identity" || n.op === "diagMatrix") return n;
  if (n.op === "mul") {
    const [a, b] = [n.args[0]!, n.args[1]!];
    if (isScalar(a)) return tryApply("mul", a, push(b)) ?? apply("transpose", n);
    return tryApply("mul", push(b), push(a)) ?? apply("transpose", n);
  }
  if (n.op === "add" || n.op === "sub") {
    // A long sum leans left: its spine is walked by a loop, bottom up, each right operand pushed.
    const spine: Node[] = [];
    let bottom = n;
    while (bottom.op === "add" || bottom.op === "sub") {
      spine.push(bottom);
      bottom = bottom.args[0]!;
    }
    let pushed = push(bottom);
    for (let k = spine.length - 1; k >= 0; k--) {
      const s = spine[k]!;
      pushed = tryApply(s.op, pushed, push(s.args[1]!)) ?? apply("transpose", s);
    }
    return pushed;
  }
  if (n.op === "neg") return apply("neg", push(n.args[0]!));
  if (n.op === "div") return tryApply("div", push(n.args[0]!), n.args[1]!) ?? apply("transpose", n);
  return apply("transpose", n);
}

/** A named rule rewriting nodes of the given operators (all operators where absent). */
export const rule = (
  name: string,
  ops: readonly string[] | undefined,
  applyRule: (n: Node) => Node | null,
): RewriteRule => ({ name, apply: applyRule, ...(ops === undefined ? {} : { ops }) });

const ARITHMETIC_FOLDS: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => exactly("+", a, b),
  sub: (a, b) => exactly("-", a, b),
  mul: (a, b) => exactly("*", a, b),
  div: (a, b) => exactly("/", a, b),
  emul: (a, b) => exactly("*", a, b),
  ediv: (a, b) => exactly("/", a, b),
};

/** x' for a factor of a product: a product's transpose reversed factor by factor, anything else x'. */
function transposeProduct(x: Node, depth = 0): Node {
  if (x.op === "transpose") return x.args[0]!;
  if (x.op !== "mul" || isScalar(x.args[0]!) || isScalar(x.args[1]!) || depth > LOCAL_DEPTH)
    return apply("transpose", x);
  const [b, a] = [transposeProduct(x.args[1]!, depth + 1), transposeProduct(x.args[0]!, depth + 1)];
  return tryApply("mul", b, a) ?? apply("transpose", x);
}

/**
 * a*(b*c) → (a*b)*c for non-scalar a and b, applied until the product leans left all the way down —
 * at once, rather than one rotation per pass (a chain of k factors would take k passes).
 */
function associateLeft(n: Node, depth = 0): Node {
  if (n.op !== "mul" || depth > LOCAL_DEPTH) return n;
  const [a, b] = [n.args[0]!, n.args[1]!];
  if (b.op !== "mul" || isScalar(a) || isScalar(b.args[0]!)) return n;
  const inner = tryApply("mul", a, b.args[0]!);
  if (inner === null) return n;
  const rotated = tryApply("mul", associateLeft(inner, depth + 1), b.args[1]!);
  return rotated === null ? n : associateLeft(rotated, depth + 1);
}

/**
 * A factor as a whole power of a square matrix: X, X^k, inv(X), inv(X)^k and their transposes — the
 * base, whether it is transposed, and the exponent (no node is built: this runs on every chain).
 */
interface Power {
  readonly base: Node;
  readonly transposed: boolean;
  readonly exponent: number;
}

function asPower(f: Node, depth = 0): Power | null {
  if (f.shape.length !== 2 || f.shape[0] !== f.shape[1] || f.shape[0] === 1 || depth > 8) return null;
  if (f.op === "mpow") {
    const k = constantValue(f.args[1]!);
    const inner = k === undefined ? null : asPower(f.args[0]!, depth + 1);
    return inner === null ? null : { ...inner, exponent: inner.exponent * k! };
  }
  if (f.op === "inv") {
    const inner = asPower(f.args[0]!, depth + 1);
    return inner === null ? null : { ...inner, exponent: -inner.exponent };
  }
  if (f.op === "transpose") {
    const inner = asPower(f.args[0]!, depth + 1);
    return inner === null ? null : { ...inner, transposed: !inner.transposed };
  }
  return { base: f, transposed: false, exponent: 1 };
}

/**
 * A product chain with neighbouring factors that are powers of one matrix, those joined into one
 * power (powers of one matrix commute, so X^2*inv(X^3) is inv(X)); null where no two neighbour.
 */
function joinPowers(n: Node): Node | null {
  const factors: Node[] = [];
  let current = n;
  while (current.op === "mul" && !isScalar(current.args[1]!) && factors.length < LOCAL_DEPTH) {
    factors.push(current.args[1]!);
    current = current.args[0]!;
  }
  factors.push(current);
  factors.reverse();
  const powers = factors.map((f) => asPower(f));
  const same = (p: Power | null, q: Power | null) =>
    p !== null && q !== null && p.base === q.base && p.transposed === q.transposed;
  if (!powers.some((p, i) => i > 0 && same(powers[i - 1]!, p))) return null;
  const joined: Node[] = [];
  for (let i = 0; i < factors.length; ) {
    const first = powers[i]!;
    let j = i + 1;
    let exponent = first?.exponent ?? 0;
    while (j < factors.length && same(first, powers[j]!)) exponent += powers[j++]!.exponent;
    if (j - i > 1 && Math.abs(exponent) <= 64) {
      const base = first!.transposed ? apply("transpose", first!.base) : first!.base;
      joined.push(apply("mpow", base, constant(exponent)));
    } else joined.push(...factors.slice(i, j));
    i = j;
  }
  let product = joined[0]!;
  for (const f of joined.slice(1)) {
    const next = tryApply("mul", product, f);
    if (next === null) return null;
    product = next;
  }
  return product;
}

export const constantRules: Ruleset = {
  name: "constants",
  rules: [
    rule("fold-constants", ["neg", ...Object.keys(ARITHMETIC_FOLDS), "pow", "epow"], (n) => {
      const values = n.args.map(constantValue);
      if (n.args.length === 0 || values.some((v) => v === undefined)) return null;
      const [a, b] = values as number[];
      let result: number | undefined;
      if (n.op === "neg") result = -a!;
      else if (n.op in ARITHMETIC_FOLDS) result = ARITHMETIC_FOLDS[n.op]!(a!, b!);
      else if ((n.op === "pow" || n.op === "epow") && Number.isInteger(b) && Math.abs(b!) <= 64)
        result = a! ** b!;
      if (result === undefined || !Number.isFinite(result)) return null;
      // Keep exact values only: binary fractions and fractions of small denominators (1/3, printed so).
      if (!Number.isInteger(result * 1024) && asFraction(result) === null) return null;
      return constant(result);
    }),
  ],
};

export const zeroOneRules: Ruleset = {
  name: "zeros-and-ones",
  rules: [
    rule("add-zero", ["add", "sub"], (n) => {
      if (n.op !== "add" && n.op !== "sub") return null;
      const [a, b] = [n.args[0]!, n.args[1]!];
      if (isZero(b) && sameShape(a, n)) return a;
      if (n.op === "add" && isZero(a) && sameShape(b, n)) return b;
      if (n.op === "sub" && isZero(a) && sameShape(b, n)) return apply("neg", b);
      if (isZero(a) && isZero(b)) return zeroOf(n.shape);
      return null;
    }),
    rule("multiply-by-zero", ["mul", "emul", "dot", "ediv", "div"], (n) => {
      if (!["mul", "emul", "dot", "ediv", "div"].includes(n.op)) return null;
      const zeroNumerator = isZero(n.args[0]!);
      if (zeroNumerator || ((n.op === "mul" || n.op === "emul" || n.op === "dot") && isZero(n.args[1]!)))
        return zeroOf(n.shape);
      return null;
    }),
    rule("multiply-by-one", ["mul", "emul", "div", "ediv"], (n) => {
      const [a, b] = [n.args[0]!, n.args[1]!];
      if ((n.op === "mul" || n.op === "emul") && isConstant(a, 1) && sameShape(b, n)) return b;
      if (
        (n.op === "mul" || n.op === "emul" || n.op === "div" || n.op === "ediv") &&
        isConstant(b, 1) &&
        sameShape(a, n)
      )
        return a;
      if (n.op === "emul" && isAllOnes(a) && sameShape(b, n)) return b;
      if (n.op === "emul" && isAllOnes(b) && sameShape(a, n)) return a;
      return null;
    }),
    rule("multiply-by-identity", ["mul"], (n) => {
      if (n.op !== "mul") return null;
      const [a, b] = [n.args[0]!, n.args[1]!];
      if (a.op === "identity" && sameShape(b, n)) return b;
      if (b.op === "identity" && sameShape(a, n)) return a;
      return null;
    }),
    rule("power-of-one-or-zero", ["pow", "epow"], (n) => {
      if (n.op !== "pow" && n.op !== "epow") return null;
      const [a, b] = [n.args[0]!, n.args[1]!];
      if (isConstant(b, 1) && sameShape(a, n)) return a;
      if (isConstant(b, 0) && isScalar(n)) return constant(1);
      return null;
    }),
    rule("negate-negation", ["neg"], (n) => {
      if (n.op !== "neg") return null;
      const a = n.args[0]!;
      if (a.op === "neg") return a.args[0]!;
      if (isZero(a)) return a;
      const value = constantValue(a);
      if (value !== undefined) return constant(-value);
      return null;
    }),
    rule(
      "zero-passes-through",
      ["transpose", "sum", "tr", "diagMatrix", "diagVector", "norm1", "norm2"],
      (n) => {
        const a = n.args[0];
        if (a === undefined || !isZero(a) || n.args.length !== 1) return null;
        if (["transpose", "sum", "tr", "diagMatrix", "diagVector", "norm1", "norm2"].includes(n.op))
          return zeroOf(n.shape);
        return null;
      },
    ),
    rule("sum-of-scalar", ["sum"], (n) => (n.op === "sum" && isScalar(n.args[0]!) ? n.args[0]! : null)),
    rule("subtract-self", ["sub"], (n) =>
      n.op === "sub" && n.args[0] === n.args[1] ? zeroOf(n.shape) : null,
    ),
  ],
};

/** Transposes move down to leaves and function values; products reverse as they pass. */
export const transposeRules: Ruleset = {
  name: "transpose",
  rules: [
    rule("transpose-of-transpose", ["transpose"], (n) =>
      n.op === "transpose" && n.args[0]!.op === "transpose" && sameShape(n.args[0]!.args[0]!, n)
        ? n.args[0]!.args[0]!
        : null,
    ),
    rule("transpose-of-scalar", ["transpose"], (n) =>
      n.op === "transpose" && isScalar(n.args[0]!) ? n.args[0]! : null,
    ),
    rule("transpose-of-symmetric", ["transpose"], (n) => {
      if (n.op !== "transpose") return null;
      const a = n.args[0]!;
      if (isSymmetric(a) && sameShape(a, n)) return a;
      if (a.op === "zeros") return zeroOf(n.shape);
      return null;
    }),
    rule("transpose-of-product", ["transpose"], (n) => {
      if (n.op !== "transpose" || n.args[0]!.op !== "mul") return null;
      const [a, b] = [n.args[0]!.args[0]!, n.args[0]!.args[1]!];
      if (isScalar(a)) return tryApply("mul", a, apply("transpose", b));
      if (isScalar(b)) return tryApply("mul", b, apply("transpose", a));
      // (a*b)' = b'*a', with the transposes of products inside a and b pushed down the same way at
      // once (a chain of k factors would otherwise take k passes).
      return tryApply("mul", transposeProduct(b), transposeProduct(a));
    }),
    rule("transpose-of-power", ["transpose"], (n) => {
      // (X^k)' = (X')^k: the transpose goes inward, as for a product.
      if (n.op !== "transpose" || n.args[0]!.op !== "mpow") return null;
      const [x, k] = [n.args[0]!.args[0]!, n.args[0]!.args[1]!];
      return tryApply("mpow", apply("transpose", x), k);
    }),
    rule("transpose-of-sum", ["transpose"], (n) => {
      if (n.op !== "transpose") return null;
      const a = n.args[0]!;
      if (a.op === "add" || a.op === "sub") {
        // Only where it does not make the expression larger: (A + A')' → A' + A, but (B*z + c)' stays.
        if (isScalar(a.args[0]!) || isScalar(a.args[1]!)) return null;
        const pushed = tryApply(a.op, pushTranspose(a.args[0]!), pushTranspose(a.args[1]!));
        return pushed !== null && sizeOf(pushed) <= sizeOf(n) ? pushed : null;
      }
      if (a.op === "neg") return apply("neg", apply("transpose", a.args[0]!));
      if (a.op === "div") return tryApply("div", apply("transpose", a.args[0]!), a.args[1]!);
      if (a.op === "emul" && isMatrix(a))
        return tryApply("emul", apply("transpose", a.args[0]!), apply("transpose", a.args[1]!));
      return null;
    }),
    rule("transpose-of-stack", ["transpose"], (n) => {
      if (n.op !== "transpose" || n.args[0]!.op !== "stack") return null;
      const s = n.args[0]!;
      const { rows, cols } = stackLayout(s.shape);
      const entries: Node[] = [];
      for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) entries.push(s.args[r * cols + c]!);
      return stack(entries, cols, rows);
    }),
  ],
};

/** Scalars move to the front of products; products associate to the left (no brackets to print). */
export const productRules: Ruleset = {
  name: "products",
  rules: [
    rule("scalar-factor-first", ["mul"], (n) => {
      // Canonical: a scalar factor stands leftmost in a left-associated chain, s*A*B.
      if (n.op !== "mul") return null;
      const [a, b] = [n.args[0]!, n.args[1]!];
      if (!isScalar(a) && isScalar(b)) return apply("mul", b, a);
      if (!isScalar(a) && b.op === "mul" && isScalar(b.args[0]!) && !isScalar(b.args[1]!)) {
        const scaled = tryApply("mul", b.args[0]!, a);
        return scaled === null ? null : tryApply("mul", scaled, b.args[1]!);
      }
      if (isScalar(a) && b.op === "mul" && isScalar(b.args[0]!) && !isScalar(b.args[1]!)) {
        return tryApply("mul", apply("mul", a, b.args[0]!), b.args[1]!);
      }
      if (isScalar(a) && b.op === "mul" && !isScalar(b.args[0]!) && !isScalar(b.args[1]!)) {
        const scaled = tryApply("mul", a, b.args[0]!);
        return scaled === null ? null : tryApply("mul", scaled, b.args[1]!);
      }
      if (a.op === "mul" && !isScalar(a) && !isScalar(a.args[0]!) && isScalar(a.args[1]!)) {
        return tryApply("mul", apply("mul", a.args[1]!, a.args[0]!), b);
      }
      return null;
    }),
    rule("scalar-leaves-sum", ["sum", "tr"], (n) => {
      if (n.op !== "sum" && n.op !== "tr") return null;
      const a = n.args[0]!;
      if (a.op === "mul" && isScalar(a.args[0]!) && !isScalar(a.args[1]!))
        return apply("mul", a.args[0]!, apply(n.op, a.args[1]!));
      if (a.op === "neg") return apply("neg", apply(n.op, a.args[0]!));
      return null;
    }),
    rule("division-moves-left", ["div"], (n) => {
      // (p*Q)/s → p/s*Q when p is a (transposed) variable: y'/(‖x‖‖y‖)*(I − …) as the lecture writes.
      if (n.op !== "div" || n.args[0]!.op !== "mul" || isScalar(n)) return null;
      const [p, q] = [n.args[0]!.args[0]!, n.args[0]!.args[1]!];
      const simple = p.op === "transpose" && p.args[0]!.op === "var" && p.args[0]!.shape.length === 1;
      if (!simple || isScalar(p) || isScalar(q)) return null;
      const left = tryApply("div", p, n.args[1]!);
      return left === null ? null : tryApply("mul", left, q);
    }),
    rule("negative-scales-difference", ["mul"], (n) => {
      // −c·(a − b)ᵀ·M → c·(b − a)ᵀ·M: a positive coefficient reads better.
      const c = n.op === "mul" ? constantValue(n.args[0]!) : undefined;
      if (c === undefined || !(c < 0)) return null;
      const flipped = flipSign(n.args[1]!);
      return flipped === null ? null : tryApply("mul", constant(-c), flipped);
    }),
    rule("negation-moves-left", ["mul"], (n) => {
      // A·(−B) → (−A)·B, so that a product's sign ends up on its first factor.
      if (n.op !== "mul" || n.args[1]!.op !== "neg" || n.args[0]!.op === "neg") return null;
      return tryApply("mul", apply("neg", n.args[0]!), n.args[1]!.args[0]!);
    }),
    rule("negation-enters-product", ["neg"], (n) => {
      // −(A·B) → (−A)·B and −(A/s) → (−A)/s: a product carries its sign on its first factor.
      if (n.op !== "neg") return null;
      const a = n.args[0]!;
      if ((a.op !== "mul" && a.op !== "div") || a.args[0]!.op === "neg") return null;
      return tryApply(a.op, apply("neg", a.args[0]!), a.args[1]!);
    }),
    {
      ...rule("product-associates-left", ["mul"], (n) => {
        const rotated = associateLeft(n);
        return rotated === n ? null : rotated;
      }),
      // The top of a product chain associates the whole chain in one sweep; doing it at every inner
      // product too (the driver visits those first) would redo the chain below at each level.
      onlyAtChainTop: true,
    },
  ],
};

export const diagonalRules: Ruleset = {
  name: "diagonal",
  rules: [
    rule("diag-times-vector", ["mul"], (n) => {
      if (n.op !== "mul") return null;
      const [a, b] = [n.args[0]!, n.args[1]!];
      if (a.op === "diagMatrix" && isVector(b)) return tryApply("emul", a.args[0]!, b);
      // diag(u)*M*v, associated to the left, is u .* (M*v) as well.
      if (a.op === "mul" && a.args[0]!.op === "diagMatrix" && isVector(b)) {
        const mv = tryApply("mul", a.args[1]!, b);
        return mv === null ? null : tryApply("emul", a.args[0]!.args[0]!, mv);
      }
      return null;
    }),
    rule("diag-times-diag", ["mul"], (n) => {
      if (n.op !== "mul" || n.args[0]!.op !== "diagMatrix" || n.args[1]!.op !== "diagMatrix") return null;
      return tryApply("diagMatrix", apply("emul", n.args[0]!.args[0]!, n.args[1]!.args[0]!));
    }),
    rule("sum-of-diags", ["add", "sub"], (n) => {
      // diag(u) ± diag(v) → diag(u ± v)
      if (
        (n.op !== "add" && n.op !== "sub") ||
        n.args[0]!.op !== "diagMatrix" ||
        n.args[1]!.op !== "diagMatrix"
      )
        return null;
      return tryApply("diagMatrix", apply(n.op, n.args[0]!.args[0]!, n.args[1]!.args[0]!));
    }),
    rule("diag-times-diag-in-chain", ["mul"], (n) => {
      // (M*diag(u))*diag(v) → M*diag(u .* v), for left-associated chains.
      if (
        n.op !== "mul" ||
        n.args[1]!.op !== "diagMatrix" ||
        n.args[0]!.op !== "mul" ||
        n.args[0]!.args[1]!.op !== "diagMatrix"
      )
        return null;
      const merged = apply("diagMatrix", apply("emul", n.args[0]!.args[1]!.args[0]!, n.args[1]!.args[0]!));
      return tryApply("mul", n.args[0]!.args[0]!, merged);
    }),
    rule("inner-product-with-ones-is-sum", ["mul"], (n) => {
      // ones'*v and v'*ones are sum(v).
      if (n.op !== "mul" || !isScalar(n)) return null;
      const [a, b] = [n.args[0]!, n.args[1]!];
      const onesRow = (x: Node) => x.op === "transpose" && x.args[0]!.op === "ones";
      if (onesRow(a) && b.shape.length === 1) return apply("sum", b);
      if (b.op === "ones" && a.op === "transpose" && a.args[0]!.shape.length === 1)
        return apply("sum", a.args[0]!);
      return null;
    }),
    rule("diag-of-ones", ["diagMatrix"], (n) => {
      if (n.op !== "diagMatrix") return null;
      const a = n.args[0]!;
      if (a.op === "ones") return identity(a.shape[0]!);
      if (a.op === "mul" && isScalar(a.args[0]!) && a.args[1]!.op === "ones")
        return apply("mul", a.args[0]!, identity(a.shape[0]!));
      return null;
    }),
    rule("negation-enters-diag", ["neg"], (n) =>
      n.op === "neg" && n.args[0]!.op === "diagMatrix"
        ? apply("diagMatrix", apply("neg", n.args[0]!.args[0]!))
        : null,
    ),
    rule("scalar-leaves-diag", ["diagMatrix"], (n) => {
      if (n.op !== "diagMatrix" || n.args[0]!.op !== "mul" || !isScalar(n.args[0]!.args[0]!)) return null;
      return apply("mul", n.args[0]!.args[0]!, apply("diagMatrix", n.args[0]!.args[1]!));
    }),
    rule("trace-is-sum-of-diagonal", ["sum"], (n) => {
      // sum(I .* A) is tr(A).
      if (n.op !== "sum" || n.args[0]!.op !== "emul") return null;
      const [p, q] = [n.args[0]!.args[0]!, n.args[0]!.args[1]!];
      const a = p.op === "identity" ? q : q.op === "identity" ? p : null;
      return a !== null && a.shape.length === 2 ? apply("tr", a) : null;
    }),
    rule("kron-adjoint-of-identity", ["kronT1", "kronT2"], (n) => {
      // kronT1(I, B) = tr(B)*I and kronT2(A, I) = tr(A)*I: the adjoints of kron against an identity.
      if (n.op !== "kronT1" && n.op !== "kronT2") return null;
      const [g, factor] = n.op === "kronT1" ? [n.args[0]!, n.args[1]!] : [n.args[1]!, n.args[0]!];
      if (g.op !== "identity" || factor.shape.length !== 2 || factor.shape[0] !== factor.shape[1])
        return null;
      if (n.shape.length !== 2 || n.shape[0] !== n.shape[1]) return null;
      return apply("mul", apply("tr", factor), identity(n.shape[0]!));
    }),
    rule("inverse-of-inverse", ["inv"], (n) =>
      n.op === "inv" && n.args[0]!.op === "inv" ? n.args[0]!.args[0]! : null,
    ),
    rule("inverse-cancels", ["mul"], (n) => {
      // P⁻¹·P = P·P⁻¹ = I, also transposed, and inside a left-associated chain R·P⁻¹·P = R.
      if (n.op !== "mul") return null;
      const [a, b] = [n.args[0]!, n.args[1]!];
      // Only an inverse (or its transpose) can cancel: most products have none, so check that first.
      const inverse = (t: Node) => t.op === "inv" || (t.op === "transpose" && t.args[0]!.op === "inv");
      if (!inverse(a) && !inverse(b) && !(a.op === "mul" && inverse(a.args[1]!))) return null;
      const cancels = (p: Node, q: Node) => {
        const strip = (t: Node) =>
          t.op === "transpose" ? { inner: t.args[0]!, t: true } : { inner: t, t: false };
        const [x, y] = [strip(p), strip(q)];
        if (x.t !== y.t) return false;
        return (
          (x.inner.op === "inv" && x.inner.args[0] === y.inner) ||
          (y.inner.op === "inv" && y.inner.args[0] === x.inner)
        );
      };
      if (cancels(a, b)) return identity(a.shape[0]!);
      if (a.op === "mul" && cancels(a.args[1]!, b)) {
        const rest = a.args[0]!;
        return sameShape(rest, n) ? rest : isScalar(rest) ? apply("mul", rest, identity(b.shape[1]!)) : null;
      }
      return null;
    }),
    // X^a·X^b = X^(a+b), with inverses and transposes: X'^2*inv(X^3)' is inv(X)' (the Cookbook's
    // det(X^k)); X·X = X^2. The whole chain at its top.
    { ...rule("powers-of-one-matrix-multiply", ["mul"], joinPowers), onlyAtChainTop: true },
    rule("diagonal-of-diag", ["diagVector"], (n) =>
      n.op === "diagVector" && n.args[0]!.op === "diagMatrix" ? n.args[0]!.args[0]! : null,
    ),
    rule("diagonal-of-outer-product", ["diagVector"], (n) => {
      // diag(u v') = u .* v
      if (n.op !== "diagVector" || n.args[0]!.op !== "mul") return null;
      const [u, r] = [n.args[0]!.args[0]!, n.args[0]!.args[1]!];
      if (!isVector(u) || !(r.shape.length === 2 && r.shape[0] === 1)) return null;
      return tryApply("emul", u, apply("transpose", r));
    }),
    rule("hadamard-row-becomes-diag", ["mul"], (n) => {
      // (p .* q)' M → q' diag(p) M: the lecture's form for a chain through an element-wise function.
      if (n.op !== "mul") return null;
      const [a, m] = [n.args[0]!, n.args[1]!];
      if (a.op !== "transpose" || a.args[0]!.op !== "emul" || !isMatrix(m)) return null;
      let [p, q] = [a.args[0]!.args[0]!, a.args[0]!.args[1]!];
      if (!isVector(p) || !isVector(q)) return null;
      // The factor computed by a matrix product reads as the row; the other goes on the diagonal.
      if (p.op === "mul" && q.op !== "mul") [p, q] = [q, p];
      return tryApply("mul", apply("mul", apply("transpose", q), apply("diagMatrix", p)), m);
    }),
  ],
};

export const elementwiseRules: Ruleset = {
  name: "element-wise",
  rules: [
    rule("scalar-element-wise-is-ordinary", ["emul", "ediv", "epow"], (n) => {
      const [a, b] = [n.args[0]!, n.args[1]!];
      if (n.op === "emul" && (isScalar(a) || isScalar(b)))
        return isScalar(a) ? apply("mul", a, b) : apply("mul", b, a);
      if (n.op === "ediv" && isScalar(b)) return apply("div", a, b);
      if (n.op === "epow" && isScalar(a) && isScalar(b)) return apply("pow", a, b);
      return null;
    }),
    rule("monomial", FACTOR_OPS, normalizeMonomial),
    rule("step-masks-relu", ["emul"], (n) => {
      // step(z) .* E(max(0, z)) = step(z) .* E(z): where step(z) is 0 the product is 0 anyway.
      if (n.op !== "emul") return null;
      for (const [mask, other] of [
        [n.args[0]!, n.args[1]!],
        [n.args[1]!, n.args[0]!],
      ] as const) {
        if (mask.op !== "step") continue;
        const z = mask.args[0]!;
        const replaced = replaceRelu(other, z);
        if (replaced !== other)
          return tryApply("emul", n.args[0] === mask ? mask : replaced, n.args[0] === mask ? replaced : mask);
      }
      return null;
    }),
  ],
};

/** Stacks of scalars absorb the arithmetic around them: s*[a; b] = [s*a; s*b], [a; b] + [c; d] = [a + c; b + d]. */
export const stackRules: Ruleset = {
  name: "stacks",
  rules: [
    rule("scalar-enters-stack", ["mul", "div"], (n) => {
      if ((n.op !== "mul" && n.op !== "div") || n.args[n.op === "mul" ? 1 : 0]!.op !== "stack") return null;
      const [s, st] = n.op === "mul" ? [n.args[0]!, n.args[1]!] : [n.args[1]!, n.args[0]!];
      if (!isScalar(s)) return null;
      const { rows, cols } = stackLayout(st.shape);
      return stack(
        st.args.map((e) => apply(n.op, n.op === "mul" ? s : e, n.op === "mul" ? e : s)),
        rows,
        cols,
      );
    }),
    rule("stacks-entry-wise", ["add", "sub", "emul", "ediv"], (n) => {
      // [a; b] + [c; d] = [a + c; b + d], and likewise for - .* ./
      const entryOp = { add: "add", sub: "sub", emul: "mul", ediv: "div" }[
        n.op as "add" | "sub" | "emul" | "ediv"
      ];
      const [a, b] = [n.args[0], n.args[1]];
      if (entryOp === undefined || a?.op !== "stack" || b?.op !== "stack" || !sameShape(a, b)) return null;
      const { rows, cols } = stackLayout(n.shape);
      return stack(
        a.args.map((e, k) => apply(entryOp, e, b.args[k]!)),
        rows,
        cols,
      );
    }),
    rule("transpose-of-block", ["transpose"], (n) => {
      // [A, B; C, D]' = [A', C'; B', D'] (a number stays as it is)
      if (n.op !== "transpose" || n.args[0]!.op !== "block") return null;
      const b = n.args[0]!;
      const cols = b.attrs.columns!;
      const rows = b.args.length / cols;
      const entries: Node[] = [];
      for (let c = 0; c < cols; c++)
        for (let r = 0; r < rows; r++) {
          const e = b.args[r * cols + c]!;
          entries.push(isScalar(e) ? e : apply("transpose", e));
        }
      return tryBlock(entries, cols, rows, n);
    }),
    rule("blocks-multiply-by-blocks", ["mul"], (n) => {
      // [A, B]*[x; y] = A*x + B*y where the blocks' sizes match: picks a block out of a block matrix.
      if (n.op !== "mul") return null;
      const [p, q] = [scaledBlock(n.args[0]), scaledBlock(n.args[1])];
      if (p?.op !== "block" || q?.op !== "block") return null;
      const inner = p.attrs.columns!;
      const rows = p.args.length / inner;
      const cols = q.attrs.columns!;
      if (q.args.length / cols !== inner) return null;
      const entries: Node[] = [];
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) {
          let sum: Node | null = null;
          for (let k = 0; k < inner; k++) {
            const [left, right] = [p.args[r * inner + k]!, q.args[k * cols + c]!];
            if (isZero(left) || isZero(right)) continue; // a zero block adds nothing
            const term = tryApply("mul", left, right);
            if (term === null) return null;
            sum = sum === null ? term : tryApply("add", sum, term);
            if (sum === null) return null;
          }
          if (sum === null) return null;
          entries.push(sum);
        }
      return tryBlock(entries, rows, cols, n);
    }),
    rule("blocks-entry-wise", ["add", "sub", "emul", "ediv"], (n) => {
      // [A, B] + [C, D] = [A + C, B + D] where the blocks' sizes match, and likewise for - .* ./; a
      // number times a block matrix enters it here (s*[A, B] + [C, D] = [s*A + C, B + D]).
      if (n.op !== "add" && n.op !== "sub" && n.op !== "emul" && n.op !== "ediv") return null;
      const [a, b] = [scaledBlock(n.args[0]), scaledBlock(n.args[1])];
      if (a?.op !== "block" || b?.op !== "block" || a.attrs.columns !== b.attrs.columns) return null;
      if (a.args.length !== b.args.length || !a.args.every((e, k) => sameShape(e, b.args[k]!))) return null;
      const entries: Node[] = [];
      for (let k = 0; k < a.args.length; k++) {
        const e = tryApply(n.op, a.args[k]!, b.args[k]!);
        if (e === null) return null;
        entries.push(e);
      }
      return tryBlock(entries, a.args.length / a.attrs.columns!, a.attrs.columns!, n);
    }),
  ],
};

/** s*[A, B] as [s*A, s*B] (a block matrix scaled by a number), or x as it is. */
function scaledBlock(x: Node | undefined): Node | undefined {
  if (x?.op !== "mul" || !isScalar(x.args[0]!) || x.args[1]!.op !== "block") return x;
  return rebuild(
    x.args[1]!,
    x.args[1]!.args.map((e) => apply("mul", x.args[0]!, e)),
  );
}

/**
 * A block matrix of these blocks if it has the shape of `replacing` (a single block is itself); null
 * where it would not (a product of blocks can give a column where a vector was).
 */
function tryBlock(entries: readonly Node[], rows: number, cols: number, replacing: Node): Node | null {
  if (entries.length === 1) return sameShape(entries[0]!, replacing) ? entries[0]! : null;
  let made: Node;
  try {
    made = entries.every(isScalar) ? stack(entries, rows, cols) : block(entries, rows, cols);
  } catch {
    return null;
  }
  return sameShape(made, replacing) ? made : null;
}

export const sumRules: Ruleset = {
  name: "sums",
  rules: [
    // At the top of a sum only: the top collects every term of it at once.
    { ...rule("collect-like-terms", ["add", "sub"], collectTerms), remember: true, onlyAtChainTop: true },
    { ...rule("expand-to-collect", ["add", "sub"], expandToCollect), remember: true, onlyAtChainTop: true },
    rule("cancel-scalar-factors", ["div"], cancelScalarFactors),
    { ...rule("factor-common", ["add", "sub"], factorCommon), remember: true },
    rule("factor-hadamard", ["add", "sub"], factorHadamard),
  ],
};

/** The default pipeline, in the order the rules are tried at each node. */
export const DEFAULT_RULESETS: readonly Ruleset[] = [
  constantRules,
  zeroOneRules,
  transposeRules,
  elementwiseRules,
  productRules,
  diagonalRules,
  stackRules,
  sumRules,
];
