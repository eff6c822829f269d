// Isolating a symbolic vector w in an expression linear in it: e = C·w. Reverse mode with the
// cotangent w gives Jᵀw, so C is the transposed Jacobian — in the lecture's forms (diag(f′(u))·B…).
// When no rule fits (a matrix-valued intermediate that is linear in w), it says so and the caller
// falls back to index notation.
import { type Node, postorderOf, signedTerms } from "../ir/index.js";
import { apply, block, constant, identity, ones, zeros } from "../ops/index.js";
import { dependsOn } from "./linearize.js";

export class NoMatrixForm extends Error {}

const FAILED = Symbol("no matrix form");

const T = (a: Node) => apply("transpose", a);
const M = (a: Node, b: Node) => apply("mul", a, b);

/** C with e = C·w for a column w of size k; e is a scalar or a column vector. Null means zero. */
export function coefficientOf(e: Node, w: Node): Node | null {
  const depends = dependsOn(e, w);
  /** Each node's coefficient, or FAILED where it has no matrix form. */
  const memo = new Map<number, Node | null | typeof FAILED>();
  const k = w.shape[0]!;

  const rowsOf = (node: Node): number | string =>
    node.shape.length === 0
      ? 1
      : node.shape.length === 2 && node.shape[0] === 1
        ? node.shape[1]!
        : node.shape[0]!;

  const coefficient = (node: Node): Node | null => {
    if (!depends.has(node.id)) return null;
    const cached = memo.get(node.id);
    if (cached === FAILED) throw new NoMatrixForm();
    if (cached !== undefined) return cached;
    try {
      const result = rule(node);
      memo.set(node.id, result);
      return result;
    } catch (error) {
      if (error instanceof NoMatrixForm) memo.set(node.id, FAILED);
      throw error;
    }
  };

  /** Coefficients are kept for columns: a row is used as its transpose, a matrix has no such form. */
  const asColumn = (x: Node): Node => {
    if (x.shape.length === 1) return x;
    if (x.shape.length === 2 && x.shape[0] === 1) return T(x);
    throw new NoMatrixForm();
  };
  const sum = (a: Node | null, b: Node | null): Node | null =>
    a === null ? b : b === null ? a : apply("add", a, b);
  const scaled = (s: Node, c: Node | null) => (c === null ? null : M(s, c));

  const rule = (node: Node): Node | null => {
    if (node === w) return identity(k);
    const [a, b] = [node.args[0]!, node.args[1]!];
    const la = node.args.length > 0 && depends.has(a.id);
    const lb = node.args.length > 1 && depends.has(b.id);
    switch (node.op) {
      case "add":
        return sum(coefficient(a), coefficient(b));
      case "sub": {
        const cb = coefficient(b);
        return sum(coefficient(a), cb === null ? null : apply("neg", cb));
      }
      case "neg": {
        const c = coefficient(a);
        return c === null ? null : apply("neg", c);
      }
      case "transpose":
        // A row and its column share their coefficient (the entries are the same, in order).
        if (a.shape.length <= 1 || a.shape[0] === 1 || node.shape.length === 0) return coefficient(a);
        throw new NoMatrixForm();
      case "mul": {
        if (la && lb) throw new NoMatrixForm();
        if (lb) {
          // a is constant: scalar scaling, matrix times vector, vector times scalar, row times vector.
          if (a.shape.length === 0) return scaled(a, coefficient(b));
          if (b.shape.length === 0) return scaled(asColumn(a), coefficient(b));
          if (b.shape.length === 1) return scaled(a, coefficient(b));
          // A constant matrix times a matrix-valued linear term has no form here.
          throw new NoMatrixForm();
        }
        if (b.shape.length === 0) return scaled(b, coefficient(a));
        // a (linear) times constant b.
        if (a.shape.length === 0) {
          const c = coefficient(a);
          return c === null ? null : M(asColumn(b), c);
        }
        if (a.shape[0] === 1 && b.shape.length === 1) {
          // row a times column b: the scalar bᵀ·aᵀ.
          const c = coefficient(a);
          return c === null ? null : M(T(b), c);
        }
        return linearMatrixTimes(a, b);
      }
      case "div":
        return scaled(apply("div", constant(1), b), coefficient(a));
      case "emul": {
        const [linear, other] = la ? [a, b] : [b, a];
        const c = coefficient(linear);
        if (c === null) return null;
        if (other.shape.length === 0) return M(other, c);
        if (linear.shape.length === 0) return M(other, c);
        if (other.shape.length === 1) return M(apply("diagMatrix", other), c);
        throw new NoMatrixForm();
      }
      case "ediv": {
        const c = coefficient(a);
        if (c === null) return null;
        if (b.shape.length === 0) return M(apply("div", constant(1), b), c);
        if (b.shape.length === 1 && a.shape.length === 1)
          return M(apply("diagMatrix", apply("ediv", constant(1), b)), c);
        throw new NoMatrixForm();
      }
      case "sum": {
        const c = coefficient(a);
        if (c === null) return null;
        if (a.shape.length === 0) return c;
        if (a.shape.length === 1 || a.shape[0] === 1) return M(T(ones(rowsOf(a))), c);
        throw new NoMatrixForm();
      }
      case "dot": {
        const [linear, other] = la ? [a, b] : [b, a];
        const c = coefficient(linear);
        return c === null ? null : M(T(other), c);
      }
      case "diagVector":
        return diagonalOfLinear(a);
      case "block": {
        // A stack of vectors and numbers: the stack of their coefficients (a number's is a row).
        if (node.shape.length !== 1) throw new NoMatrixForm();
        const rows = node.args.map((entry) => {
          const c = coefficient(entry);
          if (c !== null) return entry.shape.length === 0 && c.shape.length === 1 ? T(c) : c;
          return zeros(entry.shape.length === 0 ? [1, k] : [entry.shape[0]!, k]);
        });
        return block(rows, rows.length, 1);
      }
      // Of vectors: kron(w, y) = kron(I, y)·w, kron(x, w) = kron(x, I)·w; and linear in the product's
      // slot, kronT1(w, y) = kron(I, y')·w, kronT2(x, w) = kron(x', I)·w.
      case "kron": {
        if ((la && lb) || a.shape.length !== 1 || b.shape.length !== 1) throw new NoMatrixForm();
        const c = coefficient(la ? a : b);
        if (c === null) return null;
        return M(la ? apply("kron", identity(a.shape[0]!), b) : apply("kron", a, identity(b.shape[0]!)), c);
      }
      case "kronT1": {
        if (lb || a.shape.length !== 1) throw new NoMatrixForm();
        const c = coefficient(a);
        return c === null ? null : M(apply("kron", identity(node.shape[0]!), T(b)), c);
      }
      case "kronT2": {
        if (la || b.shape.length !== 1) throw new NoMatrixForm();
        const c = coefficient(b);
        return c === null ? null : M(apply("kron", T(a), identity(node.shape[0]!)), c);
      }
      case "zeros":
        return null;
      default:
        throw new NoMatrixForm();
    }
  };

  /** Linear matrix a times constant column b: outer products (u·vᵀ)·b regrouped as u·(vᵀb). */
  const linearMatrixTimes = (a: Node, b: Node): Node | null => {
    if (a.op === "mul" && b.shape.length === 1) {
      const [u, v] = [a.args[0]!, a.args[1]!];
      if (u.shape.length === 1 && v.shape[0] === 1) {
        // (u vᵀ) b = u (vᵀ b) with one side linear.
        if (depends.has(u.id) && !depends.has(v.id)) return scaled(M(v, b), coefficient(u));
        if (!depends.has(u.id) && depends.has(v.id)) {
          // u (v_linᵀ b) = u bᵀ v_lin
          const cv = coefficient(v);
          return cv === null ? null : M(M(u, T(b)), cv);
        }
      }
    }
    if (a.op === "diagMatrix" && b.shape.length === 1) {
      const c = coefficient(a.args[0]!);
      return c === null ? null : M(apply("diagMatrix", b), c);
    }
    throw new NoMatrixForm();
  };

  /** diag(M) for M linear in w: diag(u·vᵀ) = u .* v, diag(diag(u)) = u. */
  const diagonalOfLinear = (m: Node): Node | null => {
    if (m.op === "diagMatrix") return coefficient(m.args[0]!);
    if (m.op === "mul") {
      const [u, v] = [m.args[0]!, m.args[1]!];
      if (u.shape.length === 1 && v.shape[0] === 1 && v.shape.length === 2) {
        const vt = v.op === "transpose" ? v.args[0]! : T(v);
        if (depends.has(u.id) && !depends.has(v.id)) {
          const c = coefficient(u);
          return c === null ? null : M(apply("diagMatrix", vt), c);
        }
        if (!depends.has(u.id) && depends.has(v.id)) {
          const c = coefficient(v);
          return c === null ? null : M(apply("diagMatrix", u), c);
        }
      }
    }
    if (m.op === "add" || m.op === "sub") {
      // Term by term (a long sum is a deep chain).
      let total: Node | null = null;
      for (const { term, negative } of signedTerms(m, (t) => t.op === "add" || t.op === "sub")) {
        const c = diagonalOfLinear(term);
        total = sum(total, c === null || !negative ? c : apply("neg", c));
      }
      return total;
    }
    throw new NoMatrixForm();
  };

  // Every node's coefficient in post-order, so that each rule finds its operands' ready: the
  // recursion stays one level deep however deep the expression (a long sum is a deep chain).
  for (const node of postorderOf([e])) {
    if (!depends.has(node.id)) continue;
    try {
      coefficient(node);
    } catch (error) {
      if (!(error instanceof NoMatrixForm)) throw error;
    }
  }
  return coefficient(e);
}
