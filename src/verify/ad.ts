// Numeric AD as a cross-check: the forward-mode rules linearize the expression at the point, and the
// transpose rules carry cotangents back (as JAX does); the resulting graphs are evaluated numerically
// without any simplification, Jacobian extraction or layout. They give the natural derivative
// T[output…, variable…] of first order, or its products with given directions (forward: T·v) and
// cotangents (reverse: uᵀ·T), one sweep each — for a large variable or output, a few random ones.
import { jvp, transposeLinear } from "../calculus/index.js";
import { bindProblemValues, type Problem } from "../derive/index.js";
import type { Node } from "../ir/index.js";
import { evaluateNodes } from "../numeric/index.js";
import { constant, variable, zeros } from "../ops/index.js";

const SEED = "\u2202ad";
const COTANGENT = "\u2202ct";

/** Unit vectors e_0 … e_{n−1}. */
export function units(n: number): Float64Array[] {
  return Array.from({ length: n }, (_, k) => {
    const e = new Float64Array(n);
    e[k] = 1;
    return e;
  });
}

/** The variables' entries, in order: each variable's name, node and number of entries. */
function variablesOf(problem: Problem, wrt: readonly string[], values: Record<string, unknown>) {
  const bindings = bindProblemValues(problem, values);
  const parts: Array<{ name: string; x: Node; entries: number; shape: readonly number[] }> = [];
  for (const name of wrt) {
    const info = problem.variables.find((v) => v.name === name);
    if (!info) return null;
    const value = bindings.variables.get(name)!;
    parts.push({
      name,
      x: variable(name, info.shape, info.kind === "symmetric"),
      entries: value.data.length,
      shape: value.shape,
    });
  }
  return { bindings, parts };
}

/**
 * uᵀ·T for each cotangent u (of the output's entries): one reverse sweep each, giving a vector over
 * the variables' entries (in order). Null when a variable is not the problem's.
 */
export function reverseModeProducts(
  problem: Problem,
  root: Node,
  wrt: readonly string[],
  values: Record<string, unknown>,
  cotangents: readonly Float64Array[],
): Float64Array[] | null {
  const found = variablesOf(problem, wrt, values);
  if (found === null) return null;
  const { bindings, parts } = found;
  const output = evaluateNodes([root], bindings)[0]!;
  const total = parts.reduce((n, p) => n + p.entries, 0);
  const results = cotangents.map(() => new Float64Array(total));
  let offset = 0;
  for (const { x, entries } of parts) {
    const seed = variable(SEED, x.shape);
    const tangent = jvp(root, x, seed);
    const cotangent = root.shape.length === 0 ? null : variable(COTANGENT, root.shape);
    const back = tangent === null ? null : transposeLinear(tangent, seed, cotangent ?? constant(1));
    const gradientNode = back ?? zeros(x.shape);
    cotangents.forEach((u, r) => {
      const local = new Map(bindings.variables);
      if (cotangent !== null) local.set(COTANGENT, { shape: output.shape, data: u });
      const [g] = evaluateNodes([gradientNode], { ...bindings, variables: local });
      // A scalar output's cotangent is the number u[0].
      const scale = cotangent === null ? u[0]! : 1;
      for (let e = 0; e < entries; e++) results[r]![offset + e] = scale * (g!.data[e] ?? g!.data[0]!);
    });
    offset += entries;
  }
  return results;
}

/**
 * T·v for each direction v (over the variables' entries, in order): one forward sweep each, giving a
 * vector over the output's entries. Null when a variable is not the problem's.
 */
export function forwardModeProducts(
  problem: Problem,
  root: Node,
  wrt: readonly string[],
  values: Record<string, unknown>,
  directions: readonly Float64Array[],
): Float64Array[] | null {
  const found = variablesOf(problem, wrt, values);
  if (found === null) return null;
  const { bindings, parts } = found;
  const outputCount = evaluateNodes([root], bindings)[0]!.data.length;
  const results = directions.map(() => new Float64Array(outputCount));
  let offset = 0;
  for (const { x, entries, shape } of parts) {
    const seed = variable(SEED, x.shape);
    const tangent = jvp(root, x, seed);
    if (tangent !== null) {
      directions.forEach((v, r) => {
        const local = new Map(bindings.variables);
        local.set(SEED, { shape: [...shape], data: v.slice(offset, offset + entries) });
        const [t] = evaluateNodes([tangent], { ...bindings, variables: local });
        // A tangent may come out as a scalar spread over the output (a constant direction).
        for (let o = 0; o < outputCount; o++)
          results[r]![o]! += t!.data.length === outputCount ? t!.data[o]! : t!.data[0]!;
      });
    }
    offset += entries;
  }
  return results;
}

/** T[output, variable entry] from one vector per variable entry (columns). */
function fromColumns(columns: readonly Float64Array[], outputCount: number): Float64Array {
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
  const outputCount = evaluateNodes([root], bindProblemValues(problem, values))[0]!.data.length;
  const rows = reverseModeProducts(problem, root, wrt, values, units(outputCount));
  if (rows === null) return null;
  const natural = new Float64Array(rows.reduce((n, r) => n + r.length, 0));
  for (const [o, row] of rows.entries()) natural.set(row, o * row.length);
  return natural;
}

/** The same by forward mode: one sweep per entry of the variables. */
export function forwardModeDerivative(
  problem: Problem,
  root: Node,
  wrt: readonly string[],
  values: Record<string, unknown>,
): Float64Array | null {
  const found = variablesOf(problem, wrt, values);
  if (found === null) return null;
  const total = found.parts.reduce((n, p) => n + p.entries, 0);
  const columns = forwardModeProducts(problem, root, wrt, values, units(total));
  if (columns === null) return null;
  const outputCount = columns[0]?.length ?? 0;
  return fromColumns(columns, outputCount);
}
