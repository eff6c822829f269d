// Checks rewrite steps numerically: both sides of a trace entry evaluated at random values of every
// variable they mention (including the calculus layer's placeholder directions).
import { MatcalcError, type Node, type Tensor, toText } from "../src/api/index.js";
import { type Dim, dimValue } from "../src/core/index.js";
import { freeVariables, postorder, postorderOf } from "../src/ir/index.js";
import { bindValues, contextFor, evaluate } from "../src/numeric/index.js";
import { OPERATORS, type OperatorName, operands } from "../src/ops/index.js";
import { maxRelativeError } from "../src/tensor/index.js";

/**
 * Random values for every variable under the nodes. With `jitter`, each entry is moved by up to that
 * relative amount (the same seed gives the same values otherwise).
 */
export function randomBindingsFor(nodes: readonly Node[], seed: number, jitter = 0) {
  let s = seed >>> 0 || 7;
  const random = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
  const sizes = new Map<string, number>();
  const sizeOf = (d: Dim) =>
    dimValue(d, (symbol) => {
      if (!sizes.has(symbol)) sizes.set(symbol, 3);
      return sizes.get(symbol)!;
    })!;
  const variables = new Map<string, Node>();
  for (const root of nodes)
    for (const n of postorder(root)) if (n.op === "var") variables.set(n.attrs.name!, n);
  const json: Record<string, unknown> = {};
  for (const [name, v] of variables) {
    const shape = v.shape.map(sizeOf);
    let wobble = (seed * 2654435761) >>> 0 || 1;
    const nudge = () => {
      wobble = (Math.imul(wobble, 1103515245) + 12345) >>> 0;
      return 1 + jitter * ((wobble / 2 ** 32) * 2 - 1);
    };
    const entry = () => (random() * 1.5 + (random() > 0 ? 0.3 : -0.3)) * (jitter === 0 ? 1 : nudge());
    if (shape.length === 0) json[name] = entry();
    else if (shape.length === 1) json[name] = Array.from({ length: shape[0]! }, entry);
    else {
      const m = Array.from({ length: shape[0]! }, () => Array.from({ length: shape[1]! }, entry));
      if (v.attrs.symmetric)
        for (let i = 0; i < shape[0]!; i++) for (let j = 0; j < i; j++) m[i]![j] = m[j]![i]!;
      json[name] = m;
    }
  }
  for (const root of nodes)
    for (const n of postorder(root)) for (const d of n.shape) if (typeof d === "string") sizeOf(d);
  for (const [name, size] of sizes) if (!(name in json)) json[name] = size;
  return bindValues(
    [...variables.values()].map((v) => ({ name: v.attrs.name!, shape: v.shape })),
    json,
    [...sizes.keys()],
  );
}

/** The value of a node, or null when it is not finite at these values. */
export function valueAt(node: Node, seed: number, nodes: readonly Node[], jitter = 0): Tensor | null {
  try {
    return evaluate(node, randomBindingsFor(nodes, seed, jitter));
  } catch (error) {
    if (error instanceof MatcalcError) return null;
    throw error;
  }
}

/** Relative change of the inputs, near rounding, used to see how much `before` moves by itself. */
const JITTER = 1e-13;

/**
 * How far the two sides of a rewrite differ, relative to their size and to how much `before` moves
 * when its inputs move at the level of rounding: for an ill-conditioned expression (an inverse of a
 * long product of random matrices, a step near its edge) an exact rewrite, such as reassociating a
 * product, changes the result by more than 1e-8 through rounding alone. A wrong rewrite still differs
 * by far more than that noise.
 */
export function rewriteError(before: Node, after: Node, seed: number): number | null {
  const nodes = [before, after];
  const a = valueAt(before, seed, nodes);
  const b = valueAt(after, seed, nodes);
  if (a === null || b === null) return null;
  if (a.data.length !== b.data.length) return Number.POSITIVE_INFINITY;
  const error = maxRelativeError(b, a);
  if (error < 1e-8) return error;
  const moved = valueAt(before, seed, nodes, JITTER);
  if (moved === null || moved.data.length !== a.data.length) return error;
  // The error counts against the callers' 1e-8 tolerance only beyond 100 times that noise.
  const noise = maxRelativeError(moved, a);
  const conditioned = error / Math.max(1, (100 * noise) / 1e-8);
  if (conditioned < 1e-8) return conditioned;
  // Rounding in an evaluation that cancels: a well-conditioned result (the noise above is small)
  // computed through intermediates that cancel, such as P'*(v*m'*P') against (P'*v)*(m'*P') with P
  // an inverse near singular, loses digits that moving the inputs does not show. Evaluating each
  // side again with every intermediate rounded to single precision shows them, 2^29 times larger
  // than double precision's rounding; against that (times 100) an exact rewrite agrees, and a wrong
  // one still differs by the size of its result.
  // Where single precision cannot evaluate a side at all (an inverse singular to its rounding), the
  // point is too ill-conditioned to judge a rewrite by: no verdict here; other points still judge.
  const bindings = randomBindingsFor(nodes, seed);
  let rounding = 0;
  for (const [node, value] of [
    [before, a],
    [after, b],
  ] as const) {
    const single = singlePrecisionValue(node, bindings);
    if (single === null) return null;
    rounding = Math.max(rounding, maxRelativeError(single, value) * 2 ** -29);
  }
  return Math.min(conditioned, error / Math.max(1, (100 * rounding) / 1e-8));
}

/** The node evaluated with every intermediate value rounded to single precision, or null. */
function singlePrecisionValue(root: Node, bindings: ReturnType<typeof randomBindingsFor>): Tensor | null {
  const context = contextFor(bindings);
  const values = new Map<number, Tensor>();
  try {
    for (const node of postorderOf([root])) {
      const args = node.args.map((arg) => values.get(arg.id)!);
      const value = OPERATORS[node.op as OperatorName].evaluate(operands(args), node, context);
      values.set(node.id, { shape: value.shape, data: Float64Array.from(value.data, Math.fround) });
    }
  } catch (error) {
    if (error instanceof MatcalcError) return null;
    throw error;
  }
  const value = values.get(root.id)!;
  return value.data.every(Number.isFinite) ? value : null;
}

export function describeRewrite(before: Node, after: Node): string {
  return `${toText(before)}  →  ${toText(after)}  [${freeVariables(before).join(",")}]`;
}
