// Forward mode: the tangent of every node from its arguments' tangents by the operators' JVP rules
// (JAX's `jvp`), and reverse mode as the transpose of that linear map (JAX's `linear_transpose`).
import { MatcalcError, type Shape, shapesEqual } from "../core/index.js";
import { type Node, postorder } from "../ir/index.js";
import { algebra, apply, OPERATORS, type OperatorName, ones, operands, type Tangent } from "../ops/index.js";

const isUnit = (shape: Shape) => shape.every((d) => d === 1);

/**
 * A 1×1 value written in the shape another place expects: a scalar, a 1-vector and a 1×1 row are the
 * same number, but a size that unifies to 1 can give one where a rule builds for another.
 */
function asShape(node: Node, shape: Shape): Node {
  if (shapesEqual(node.shape, shape) || !isUnit(node.shape) || !isUnit(shape)) return node;
  const scalar = node.shape.length === 0 ? node : apply("sum", node);
  if (shape.length === 0) return scalar;
  return apply("mul", scalar, shape.length === 1 ? ones(1) : apply("transpose", ones(1)));
}

/** Does `node` depend on `leaf`? Memoized over a shared table. */
export function dependsOn(root: Node, leaf: Node): Set<number> {
  const depends = new Set<number>();
  for (const node of postorder(root)) {
    if (node === leaf || node.args.some((a) => depends.has(a.id))) depends.add(node.id);
  }
  return depends;
}

/**
 * The tangent of `root` when `variable` moves along `seed` (a node of the variable's shape, often a
 * placeholder variable dX, or the constant 1 for a scalar). Null when root does not depend on it.
 */
export function jvp(root: Node, variable: Node, seed: Node): Tangent {
  const tangents = new Map<number, Tangent>();
  const depends = dependsOn(root, variable);
  for (const node of postorder(root)) {
    if (!depends.has(node.id)) continue;
    if (node === variable) {
      tangents.set(node.id, seed);
      continue;
    }
    const args = node.args.map((a) => (depends.has(a.id) ? tangents.get(a.id)! : null));
    const rule = OPERATORS[node.op as OperatorName].jvp;
    const tangent = rule(operands(node.args), operands(args), node);
    tangents.set(node.id, tangent === null ? null : asShape(tangent, node.shape));
  }
  return tangents.get(root.id) ?? null;
}

/**
 * Reverse mode: given a tangent expression linear in `seed` and a cotangent for it, the cotangent of
 * the seed, by running each linear operator's transpose rule from the root down.
 */
export function transposeLinear(tangent: Node, seed: Node, cotangent: Node): Tangent {
  const depends = dependsOn(tangent, seed);
  if (!depends.has(tangent.id)) return null;
  const order = postorder(tangent).filter((n) => depends.has(n.id));
  const cotangents = new Map<number, Node>([[tangent.id, cotangent]]);
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    if (node === seed) continue;
    const given = cotangents.get(node.id);
    if (given === undefined) continue;
    const ct = asShape(given, node.shape);
    const definition = OPERATORS[node.op as OperatorName];
    if (!definition.transpose) {
      throw new MatcalcError("derivative", `internal: ${node.op} is not linear but carries a tangent`);
    }
    const linear = node.args.map((a) => depends.has(a.id));
    const parts = definition.transpose(ct, operands(node.args), operands(linear), node);
    node.args.forEach((arg, k) => {
      const computed = parts[k];
      if (!linear[k] || computed === null || computed === undefined) return;
      const part = asShape(computed, arg.shape);
      const previous = cotangents.get(arg.id);
      cotangents.set(arg.id, previous === undefined ? part : algebra.add(previous, part));
    });
  }
  return cotangents.get(seed.id) ?? null;
}
