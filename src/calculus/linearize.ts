// Forward mode: the tangent of every node from its arguments' tangents by the operators' JVP rules
// (JAX's `jvp`), and reverse mode as the transpose of that linear map (JAX's `linear_transpose`).
import { MatcalcError } from "../core/index.js";
import { type Node, postorder } from "../ir/index.js";
import { algebra, OPERATORS, type OperatorName, operands, type Tangent } from "../ops/index.js";

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
    tangents.set(node.id, rule(operands(node.args), operands(args), node));
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
    const ct = cotangents.get(node.id);
    if (ct === undefined) continue;
    const definition = OPERATORS[node.op as OperatorName];
    if (!definition.transpose) {
      throw new MatcalcError("derivative", `internal: ${node.op} is not linear but carries a tangent`);
    }
    const linear = node.args.map((a) => depends.has(a.id));
    const parts = definition.transpose(ct, operands(node.args), operands(linear), node);
    node.args.forEach((arg, k) => {
      const part = parts[k];
      if (!linear[k] || part === null || part === undefined) return;
      const previous = cotangents.get(arg.id);
      cotangents.set(arg.id, previous === undefined ? part : algebra.add(previous, part));
    });
  }
  return cotangents.get(seed.id) ?? null;
}
