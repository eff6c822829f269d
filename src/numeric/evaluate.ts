// The plain evaluator: every node once, bottom-up, through the operators' kernels. A result that is
// not finite, or a kernel that refuses (a singular matrix), is reported against the node that did it.
import { type Dim, dimValue, MatcalcError } from "../core/index.js";
import { type Node, postorderOf } from "../ir/index.js";
import { type EvalContext, OPERATORS, type OperatorName, operands } from "../ops/index.js";
import { PLAIN_LINEAR_ALGEBRA, type Tensor } from "../tensor/index.js";
import type { Bindings } from "./values.js";

/** A numeric failure at a node; the API names the node in the message and points at its source. */
export class EvaluationError extends MatcalcError {
  constructor(
    readonly node: Node,
    readonly reason: string,
    kind: "numeric" | "value" = "numeric",
  ) {
    super(kind, reason);
  }
}

export function contextFor(bindings: Bindings): EvalContext {
  return {
    linalg: bindings.linalg ?? PLAIN_LINEAR_ALGEBRA,
    variable(name) {
      const value = bindings.variables.get(name);
      if (!value) throw new MatcalcError("value", `no value for ${name}`);
      return value;
    },
    size(dim: Dim) {
      const n = dimValue(dim, (s) => bindings.sizes.get(s));
      if (n === undefined) throw new MatcalcError("value", `no value fixes the size ${dim}`);
      return n;
    },
  };
}

export function numericShape(node: Node, context: EvalContext): number[] {
  return node.shape.map((d) => context.size(d));
}

/** Evaluates the roots (sharing common subexpressions) and returns their values in order. */
export function evaluateNodes(roots: readonly Node[], bindings: Bindings): Tensor[] {
  const context = contextFor(bindings);
  const values = new Map<number, Tensor>();
  for (const node of postorderOf(roots)) {
    const args = node.args.map((a) => values.get(a.id)!);
    let result: Tensor;
    try {
      result = OPERATORS[node.op as OperatorName].evaluate(operands(args), node, context);
    } catch (error) {
      if (error instanceof EvaluationError) throw error;
      const kind = error instanceof MatcalcError && error.diagnostic.kind === "value" ? "value" : "numeric";
      throw new EvaluationError(node, error instanceof Error ? error.message : String(error), kind);
    }
    const shape = node.op === "var" ? result.shape : numericShape(node, context);
    if (result.data.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new EvaluationError(
        node,
        `has ${result.data.length} entries, but its shape [${shape.join(", ")}] needs more or fewer`,
      );
    }
    for (const x of result.data) {
      if (!Number.isFinite(x)) {
        throw new EvaluationError(node, Number.isNaN(x) ? "gives NaN" : "gives an infinite value");
      }
    }
    values.set(node.id, { shape, data: result.data });
  }
  return roots.map((r) => values.get(r.id)!);
}

export function evaluate(root: Node, bindings: Bindings): Tensor {
  return evaluateNodes([root], bindings)[0]!;
}
