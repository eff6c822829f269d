// Short names for building expressions inside derivative rules. They go through the shape rules and
// never simplify; tangent helpers treat null as a symbolic zero.
import type { Shape } from "../core/index.js";
import type { Node } from "../ir/index.js";
import { apply, constant, identity, ones, stack } from "./build.js";
import type { Tangent } from "./types.js";

export const add = (a: Node, b: Node) => apply("add", a, b);
export const sub = (a: Node, b: Node) => apply("sub", a, b);
export const neg = (a: Node) => apply("neg", a);
export const mul = (a: Node, b: Node) => apply("mul", a, b);
export const div = (a: Node, b: Node) => apply("div", a, b);
export const emul = (a: Node, b: Node) => apply("emul", a, b);
export const ediv = (a: Node, b: Node) => apply("ediv", a, b);
export const pow = (a: Node, b: Node) =>
  apply(a.shape.length === 0 && b.shape.length === 0 ? "pow" : "epow", a, b);
export const tr = (a: Node) => apply("transpose", a);
export const call = (name: string, ...args: Node[]) => apply(name, ...args);
export const num = constant;

/** A scalar spread over a shape: s·1 for a vector, s·1ᵀ for a row, s·11ᵀ for a matrix. */
export function broadcast(s: Node, shape: Shape): Node {
  if (shape.length === 0) return s;
  if (shape.length === 1) return mul(s, ones(shape[0]!));
  if (shape[0] === 1) return mul(s, tr(ones(shape[1]!)));
  return mul(s, mul(ones(shape[0]!), tr(ones(shape[1]!))));
}

/** The sum of the entries of `a` that a scalar operand received by expansion (the adjoint of broadcast). */
export function unbroadcast(cotangent: Node, target: Node): Node {
  if (target.shape.length === 0 && cotangent.shape.length !== 0) return apply("sum", cotangent);
  return cotangent;
}

export function plus(a: Tangent, b: Tangent): Tangent {
  if (a === null) return b;
  if (b === null) return a;
  return add(a, b);
}

export function minus(a: Tangent, b: Tangent): Tangent {
  if (b === null) return a;
  if (a === null) return neg(b);
  return sub(a, b);
}

/** derivative .* du, element-wise (both may be scalars). */
export function times(derivative: Node, du: Tangent): Tangent {
  return du === null ? null : emul(derivative, du);
}

/** The tangent of a result of shape `shape` whose scalar-expanded operand has tangent t. */
export function spread(t: Tangent, shape: Shape): Tangent {
  if (t === null || t.shape.length === shape.length) return t;
  return broadcast(t, shape);
}

/** Entry k (0-based) of a stacked vector or matrix, as e_kᵀ·v (and ·e_j for matrices). */
export function entryOf(v: Node, row: number, col: number, rows: number, cols: number): Node {
  const unit = (k: number, n: number) =>
    stack(
      Array.from({ length: n }, (_, i) => constant(i === k ? 1 : 0)),
      n,
      1,
    );
  if (cols === 1) return mul(tr(unit(row, rows)), v);
  if (rows === 1) return mul(v, unit(col, cols));
  return mul(mul(tr(unit(row, rows)), v), unit(col, cols));
}

export { constant, identity, ones };
