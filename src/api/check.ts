// The built-in numeric check: a derivative's numbers against central finite differences of the
// expression (or of the previous order), at given or random values.
import { MatcalcError } from "../core/index.js";
import type { Tensor } from "../tensor/index.js";
import { type Derivative, type DifferentiateOptions, differentiate } from "./derivative.js";
import { bindProblemValues, evaluateAt, type Problem } from "./problem.js";
import { forwardModeDerivative, reverseModeDerivative } from "./reverse-ad.js";

export interface CheckReport {
  readonly values: Record<string, unknown>;
  readonly symbolic: Tensor;
  /** The central differences, in the symbolic result's shape and layout. */
  readonly finiteDifferences: Tensor;
  /** max |symbolic − fd| / max(1, |fd|) over the entries. */
  readonly maxRelativeError: number;
  /**
   * max |symbolic − AD| / max(1, |AD|) against numeric reverse-mode AD, or null where AD does not
   * apply (a previous order in index notation).
   */
  readonly reverseModeError: number | null;
  /** The same against forward-mode AD (one sweep per entry of the variable). */
  readonly forwardModeError: number | null;
  readonly passed: boolean;
  readonly tolerance: number;
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) {
    const e = Math.abs(a[k]! - b[k]!) / Math.max(1, Math.abs(b[k]!));
    if (!(e <= worst)) worst = e;
  }
  return worst;
}

/**
 * Forward- or reverse-mode AD of the expression (order 1) or of the previous order's natural result,
 * with the symmetric convention applied as the symbolic result applies it.
 */
function adReference(
  derivative: Derivative,
  values: Record<string, unknown>,
  options: DifferentiateOptions,
  mode: "forward" | "reverse",
): Float64Array | null {
  const problem = derivative.problem;
  let root = problem.expression;
  if (derivative.order > 1) {
    const scalarOutput = problem.expression.shape.length === 0;
    const layout = scalarOutput && derivative.order === 2 ? "denominator" : "numerator";
    const previous = differentiate(problem, derivative.wrt, {
      ...options,
      order: derivative.order - 1,
      layout,
    });
    if (previous.node === null) return null;
    root = previous.node;
  }
  const ad = (mode === "forward" ? forwardModeDerivative : reverseModeDerivative)(
    problem,
    root,
    derivative.wrt,
    values,
  );
  if (ad === null) return null;
  const info = problem.variables.find((v) => v.name === derivative.wrt[0]);
  if (derivative.wrt.length === 1 && info?.kind === "symmetric") {
    // The natural derivative is [outputs, n·n]: each output's n×n block acts on symmetric matrices.
    const n = (values[info.name] as unknown[]).length;
    const out = new Float64Array(ad.length);
    const cookbook = derivative.symmetrized === "cookbook";
    for (let o = 0; o < ad.length; o += n * n) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const [g, gt] = [ad[o + i * n + j]!, ad[o + j * n + i]!];
          out[o + i * n + j] = cookbook ? g + gt - (i === j ? g : 0) : (g + gt) / 2;
        }
      }
    }
    return out;
  }
  return ad;
}

/** A small deterministic generator, so a check can be repeated. */
export function randomSource(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** Random values for every variable of a problem; free sizes get 2, 3 or 4. */
export function randomValues(problem: Problem, seed = 1): Record<string, unknown> {
  const random = randomSource(seed);
  const sizes = new Map<string, number>();
  const sizeOf = (d: number | string) => {
    if (typeof d === "number") return d;
    if (!sizes.has(d)) sizes.set(d, 2 + Math.floor(random() * 3));
    return sizes.get(d)!;
  };
  const entry = () => Math.round((random() * 2 - 1) * 1.5 * 1e6) / 1e6 || 0.25;
  const values: Record<string, unknown> = {};
  for (const v of problem.variables) {
    const shape = v.shape.map(sizeOf);
    if (shape.length === 0) values[v.name] = entry();
    else if (shape.length === 1) values[v.name] = Array.from({ length: shape[0]! }, entry);
    else {
      const m = Array.from({ length: shape[0]! }, () => Array.from({ length: shape[1]! }, entry));
      if (v.kind === "symmetric")
        for (let i = 0; i < shape[0]!; i++) for (let j = 0; j < i; j++) m[i]![j] = m[j]![i]!;
      values[v.name] = m;
    }
  }
  return values;
}

function perturb(
  values: Record<string, unknown>,
  name: string,
  entry: number,
  delta: number,
  symmetric: boolean,
): Record<string, unknown> {
  const copy = structuredClone(values);
  const v = copy[name];
  if (typeof v === "number") copy[name] = v + delta;
  else if (Array.isArray(v) && typeof v[0] === "number") (v as number[])[entry]! += delta;
  else {
    const m = v as number[][];
    const cols = m[0]!.length;
    const [i, j] = [Math.floor(entry / cols), entry % cols];
    m[i]![j]! += delta;
    // A symmetric matrix moves along E_ij + E_ji, which keeps it symmetric.
    if (symmetric && i !== j) m[j]![i]! += delta;
  }
  return copy;
}

function entryCount(value: unknown): number {
  if (typeof value === "number") return 1;
  const a = value as unknown[];
  return Array.isArray(a[0]) ? a.length * (a[0] as unknown[]).length : a.length;
}

/**
 * Central differences of the natural derivative T[output…, variable…] of the derivative's order,
 * entries in natural order (output first, then variable), shaped [outputs, variable entries].
 */
function finiteDifferences(derivative: Derivative, values: Record<string, unknown>, step: number): Tensor {
  const problem = derivative.problem;
  const lower =
    derivative.order === 1
      ? null
      : differentiate(problem, derivative.wrt, {
          order: derivative.order - 1,
          layout: "numerator",
          ...(derivative.symmetrized === null ? {} : { symmetric: derivative.symmetrized }),
        });
  const base = (at: Record<string, unknown>): Float64Array => {
    if (lower) return naturalData(lower, at);
    return evaluateAt(problem, [problem.expression], bindProblemValues(problem, at))[0]!.data;
  };
  const columns: Float64Array[] = [];
  for (const name of derivative.wrt) {
    const info = problem.variables.find((v) => v.name === name)!;
    const count = entryCount(values[name]);
    for (let e = 0; e < count; e++) {
      const symmetricOffDiagonal = info.kind === "symmetric";
      const current = entryValue(values[name], e);
      const h = step * Math.max(1, Math.abs(current));
      const plus = base(perturb(values, name, e, h, symmetricOffDiagonal));
      const minus = base(perturb(values, name, e, -h, symmetricOffDiagonal));
      const column = new Float64Array(plus.length);
      for (let k = 0; k < plus.length; k++) column[k] = (plus[k]! - minus[k]!) / (2 * h);
      if (symmetricOffDiagonal)
        halveOffDiagonal(column, values[name], e, derivative.symmetrized === "cookbook");
      columns.push(column);
    }
  }
  // natural[out, var] in row-major order: output entries first, then variable entries.
  const outputCount = columns[0]?.length ?? 0;
  const natural = new Float64Array(outputCount * columns.length);
  for (let o = 0; o < outputCount; o++)
    for (let v = 0; v < columns.length; v++) natural[o * columns.length + v] = columns[v]![o]!;
  return { shape: [outputCount, columns.length], data: natural };
}

/** With the projection convention, an off-diagonal direction E_ij + E_ji counts the gradient twice. */
function halveOffDiagonal(column: Float64Array, value: unknown, entry: number, cookbook: boolean): void {
  const m = value as number[][];
  const cols = m[0]!.length;
  const [i, j] = [Math.floor(entry / cols), entry % cols];
  if (i === j) return;
  const factor = cookbook ? 1 : 0.5;
  for (let k = 0; k < column.length; k++) column[k]! *= factor;
}

function entryValue(value: unknown, entry: number): number {
  if (typeof value === "number") return value;
  const a = value as unknown[];
  if (typeof a[0] === "number") return (a as number[])[entry]!;
  const m = a as number[][];
  const cols = m[0]!.length;
  return m[Math.floor(entry / cols)]![entry % cols]!;
}

/** The derivative's data in natural order (output indices first, then the variable's). */
function naturalData(d: Derivative, at: Record<string, unknown>): Float64Array {
  const t = d.evaluate(at);
  return toNatural(d, t);
}

/** Undoes the layout: returns the entries ordered output first, then variable. */
export function toNatural(d: Derivative, t: Tensor): Float64Array {
  const outputRank = d.problem.expression.shape.length === 0 ? 0 : 1;
  const variableScalar =
    d.wrt.length === 1 && d.problem.variables.find((v) => v.name === d.wrt[0])!.shape.length === 0;
  const transpose2d = (data: Float64Array, rows: number, cols: number) => {
    const out = new Float64Array(data.length);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j]!;
    return out;
  };
  if (d.kind === "index") {
    if (d.layout !== "denominator") return t.data;
    // Denominator tensors list the variable's axes first: move them back behind the output's.
    const variableAxes = d.shape.length - outputAxes(d);
    const sizes = t.shape;
    const front = sizes.slice(0, variableAxes).reduce((a, b) => a * b, 1);
    const back = sizes.slice(variableAxes).reduce((a, b) => a * b, 1);
    return transpose2d(t.data, front, back);
  }
  if (t.shape.length < 2) return t.data;
  const [rows, cols] = [t.shape[0]!, t.shape[1]!];
  if (variableScalar) return d.layout === "denominator" ? transpose2d(t.data, rows, cols) : t.data;
  const gradient = outputRank === 0 && d.order === 1;
  if (gradient) return d.layout === "numerator" ? transpose2d(t.data, rows, cols) : t.data;
  return d.layout === "denominator" ? transpose2d(t.data, rows, cols) : t.data;
}

/** Puts entries in natural order back into the derivative's layout (the inverse of toNatural). */
function fromNatural(d: Derivative, shape: readonly number[], natural: Float64Array): Float64Array {
  const positions = toNatural(d, { shape: [...shape], data: Float64Array.from(natural, (_v, i) => i) });
  const out = new Float64Array(natural.length);
  for (let k = 0; k < natural.length; k++) out[positions[k]!] = natural[k]!;
  return out;
}

function outputAxes(d: Derivative): number {
  const shape = d.problem.expression.shape;
  return shape.length === 2 && shape[0] === 1 ? 1 : shape.length;
}

/** Random values at which the expression is defined (log(det(X)) needs det(X) > 0), trying a few. */
function definedRandomValues(problem: Problem, seed: number): Record<string, unknown> {
  for (let attempt = 0; attempt < 30; attempt++) {
    const values = randomValues(problem, seed + attempt * 7919);
    try {
      evaluateAt(problem, [problem.expression], bindProblemValues(problem, values));
      return values;
    } catch (error) {
      if (!(error instanceof MatcalcError)) throw error;
    }
  }
  return randomValues(problem, seed);
}

export function checkDerivative(
  problem: string | Problem,
  wrt: string | readonly string[],
  options: DifferentiateOptions & {
    values?: Record<string, unknown>;
    seed?: number;
    tolerance?: number;
    /** Relative step of the central differences (default 1e-5). */
    step?: number;
  } = {},
): CheckReport {
  const derivative = differentiate(problem, wrt, options);
  const values = options.values ?? definedRandomValues(derivative.problem, options.seed ?? 1);
  const symbolic = derivative.evaluate(values);
  const fd = finiteDifferences(derivative, values, options.step ?? 1e-5);
  const natural = toNatural(derivative, symbolic);
  if (natural.length !== fd.data.length) {
    throw new MatcalcError(
      "derivative",
      `internal: the derivative has ${natural.length} entries, finite differences ${fd.data.length}`,
    );
  }
  const worst = relativeError(natural, fd.data);
  const ad = adReference(derivative, values, options, "reverse");
  const reverseModeError = ad === null ? null : relativeError(natural, ad);
  const forward = adReference(derivative, values, options, "forward");
  const forwardModeError = forward === null ? null : relativeError(natural, forward);
  const tolerance = options.tolerance ?? 1e-5;
  return {
    values,
    symbolic,
    finiteDifferences: { shape: symbolic.shape, data: fromNatural(derivative, symbolic.shape, fd.data) },
    maxRelativeError: worst,
    reverseModeError,
    forwardModeError,
    passed:
      worst <= tolerance &&
      (reverseModeError === null || reverseModeError <= 1e-8) &&
      (forwardModeError === null || forwardModeError <= 1e-8),
    tolerance,
  };
}
