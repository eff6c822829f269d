// Reverse-mode AD as a cross-check: the forward-mode rules linearize the expression at the point,
// the transpose rules carry cotangents back (as JAX does), and the resulting graph is evaluated
// numerically without any simplification, Jacobian extraction or layout — one cotangent per output
// entry. It gives the natural derivative T[output…, variable…] of first order.
import { jvp, transposeLinear } from "../calculus/index.js";
import type { Node } from "../ir/index.js";
import { evaluateNodes } from "../numeric/index.js";
import { constant, variable, zeros } from "../ops/index.js";
import { bindProblemValues, type Problem } from "./problem.js";

const SEED = "\u2202ad";
const COTANGENT = "\u2202ct";

/** T[output, variable entry] from one column per variable entry. */
function naturalFromColumns(columns: readonly Float64Array[], outputCount: number): Float64Array {
  const natural = new Float64Array(outputCount * columns.length);
  for (let o = 0; o < outputCount; o++)
    for (let v = 0; v < columns.length; v++) natural[o * columns.length + v] = columns[v]![o]!;
  return natural;
}

/** The natural first derivative of `root` by the named variables (entries in order), or null. */
export function reverseModeDerivative(
  problem: Problem,
  root: Node,
  wrt: readonly string[],
  values: Record<string, unknown>,
): Float64Array | null {
  const columns: Float64Array[] = [];
  const outputShape = root.shape;
  const bindings = bindProblemValues(problem, values);
  const output = evaluateNodes([root], bindings)[0]!;
  const outputCount = output.data.length;
  for (const name of wrt) {
    const info = problem.variables.find((v) => v.name === name);
    if (!info) return null;
    const x = variable(name, info.shape, info.kind === "symmetric");
    const seed = variable(SEED, info.shape);
    const tangent = jvp(root, x, seed);
    const cotangent = outputShape.length === 0 ? constant(1) : variable(COTANGENT, outputShape);
    const back = tangent === null ? null : transposeLinear(tangent, seed, cotangent);
    const gradientNode = back ?? zeros(info.shape);
    // One reverse sweep per output entry, with a unit cotangent there.
    const rows: Float64Array[] = [];
    for (let o = 0; o < outputCount; o++) {
      const local = new Map(bindings.variables);
      if (outputShape.length > 0) {
        const data = new Float64Array(outputCount);
        data[o] = 1;
        local.set(COTANGENT, { shape: output.shape, data });
      }
      const [g] = evaluateNodes([gradientNode], { variables: local, sizes: bindings.sizes });
      rows.push(g!.data);
    }
    const entries = rows[0]?.length ?? 0;
    for (let e = 0; e < entries; e++) columns.push(Float64Array.from(rows, (r) => r[e]!));
  }
  return naturalFromColumns(columns, outputCount);
}

/**
 * Forward-mode AD as the other cross-check: the forward rules' tangent graph, evaluated numerically
 * once per entry of the variables with a unit seed there — one column of the natural derivative
 * T[output…, variable…] per sweep, without simplification, Jacobian extraction or layout.
 */
export function forwardModeDerivative(
  problem: Problem,
  root: Node,
  wrt: readonly string[],
  values: Record<string, unknown>,
): Float64Array | null {
  const bindings = bindProblemValues(problem, values);
  const output = evaluateNodes([root], bindings)[0]!;
  const outputCount = output.data.length;
  const columns: Float64Array[] = [];
  for (const name of wrt) {
    const info = problem.variables.find((v) => v.name === name);
    if (!info) return null;
    const x = variable(name, info.shape, info.kind === "symmetric");
    const seed = variable(SEED, info.shape);
    const tangent = jvp(root, x, seed);
    const value = bindings.variables.get(name)!;
    for (let e = 0; e < value.data.length; e++) {
      if (tangent === null) {
        columns.push(new Float64Array(outputCount));
        continue;
      }
      const data = new Float64Array(value.data.length);
      data[e] = 1;
      const local = new Map(bindings.variables);
      local.set(SEED, { shape: value.shape, data });
      const [t] = evaluateNodes([tangent], { variables: local, sizes: bindings.sizes });
      // A tangent may come out as a scalar spread over the output (a constant direction): widen it.
      columns.push(
        t!.data.length === outputCount ? t!.data : new Float64Array(outputCount).fill(t!.data[0]!),
      );
    }
  }
  return naturalFromColumns(columns, outputCount);
}
