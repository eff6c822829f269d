// The built-in numeric check: a derivative's numbers against central finite differences of the
// expression (or of the previous order), at given or random values.
import { fromNaturalEntries, toNaturalEntries } from "../calculus/index.js";
import { dimValue, isMatcalcError, MatcalcError } from "../core/index.js";
import {
  bindProblemValues,
  type Derivative,
  type DifferentiateOptions,
  differentiate,
  evaluateAt,
  type Problem,
} from "../derive/index.js";
import type { Node } from "../ir/index.js";
import type { Tensor } from "../tensor/index.js";
import { forwardModeProducts, reverseModeProducts, units } from "./ad.js";

export interface CheckReport {
  readonly values: Record<string, unknown>;
  readonly symbolic: Tensor;
  /**
   * The central differences, in the symbolic result's shape and layout; null when the check went
   * along random directions (a variable of more than CHECK_ENTRIES entries).
   */
  readonly finiteDifferences: Tensor | null;
  /**
   * max |symbolic − fd| / max(1, |fd|) over the entries (or directions) that differences resolve,
   * less the rounding error of the differences themselves.
   */
  readonly maxRelativeError: number;
  /**
   * max |symbolic − AD| / max(1, |AD|) against numeric reverse-mode AD, or null where AD does not
   * apply (a previous order in index notation) or cannot be evaluated at these values.
   */
  readonly reverseModeError: number | null;
  /** The same against forward-mode AD (one sweep per entry of the variable, or per direction). */
  readonly forwardModeError: number | null;
  readonly passed: boolean;
  readonly tolerance: number;
  /** "entries": every entry of the variable; "directions": random directions (a large variable). */
  readonly method: "entries" | "directions";
  /** How many entries or directions were differenced. */
  readonly probes: number;
  /**
   * Probes at which central differences cannot resolve the derivative: their own rounding error
   * (of a large value) is larger than the number. Those are checked against AD alone.
   */
  readonly unresolved: number;
  /** What the check did differently and why (a smaller step, directions, unresolved entries). */
  readonly notes: readonly string[];
}

/** Up to this many entries of the variable, every entry is differenced; beyond, random directions. */
export const CHECK_ENTRIES = 64;
/** The number of random directions (and of random cotangents) for a large variable or output. */
export const CHECK_DIRECTIONS = 6;

/** max |a − b| / max(1, |b|), with `slack[k]` of each difference forgiven (the rounding of b). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>, slack?: ArrayLike<number>): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) {
    const e = Math.max(0, Math.abs(a[k]! - b[k]!) - (slack?.[k] ?? 0)) / Math.max(1, Math.abs(b[k]!));
    if (!(e <= worst)) worst = e;
  }
  return worst;
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
/**
 * Kinds of random point, in the order the check tries them: entries of any sign in (-1.5, 1.5);
 * positive entries (log, sqrt, the sine's positive half); entries in (0, 1) (arcsin); and square
 * matrices positive definite, other entries positive (logdet).
 */
export const POINT_KINDS = ["any", "positive", "unit", "definite"] as const;
export type PointKind = (typeof POINT_KINDS)[number];

export function randomValues(problem: Problem, seed = 1, kind: PointKind = "any"): Record<string, unknown> {
  const random = randomSource(seed);
  const sizes = new Map<string, number>();
  const sizeOf = (d: number | string) =>
    dimValue(d, (s) => {
      if (!sizes.has(s)) sizes.set(s, 2 + Math.floor(random() * 3));
      return sizes.get(s)!;
    })!;
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  const entry =
    kind === "any"
      ? () => round((random() * 2 - 1) * 1.5) || 0.25
      : kind === "unit"
        ? () => round(0.05 + random() * 0.85)
        : () => round(0.1 + random() * 1.4);
  const values: Record<string, unknown> = {};
  for (const v of problem.variables) {
    const shape = v.shape.map(sizeOf);
    if (shape.length === 0) values[v.name] = entry();
    else if (shape.length === 1) values[v.name] = Array.from({ length: shape[0]! }, entry);
    else if (kind === "definite" && shape[0] === shape[1]) values[v.name] = definite(shape[0]!, random);
    else {
      const m = Array.from({ length: shape[0]! }, () => Array.from({ length: shape[1]! }, entry));
      if (v.kind === "symmetric")
        for (let i = 0; i < shape[0]!; i++) for (let j = 0; j < i; j++) m[i]![j] = m[j]![i]!;
      values[v.name] = m;
    }
  }
  return values;
}

/** A random symmetric positive definite n×n matrix, R·R'/n + I. */
function definite(n: number, random: () => number): number[][] {
  const r = Array.from({ length: n }, () => Array.from({ length: n }, () => random() * 2 - 1));
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) s += (r[i]![k]! * r[j]![k]!) / n;
      return Math.round(s * 1e6) / 1e6;
    }),
  );
}

/** The function the check differences: the expression, or for a higher order the one before it. */
interface Base {
  /** The function's node, where it has a matrix form (what numeric AD differentiates). */
  readonly root: Node | null;
  /** Its numbers in natural order at the given values. */
  at(values: Record<string, unknown>): Float64Array;
}

function baseOf(derivative: Derivative): Base {
  const problem = derivative.problem;
  if (derivative.order === 1) {
    return {
      root: problem.expression,
      at: (v) => evaluateAt(problem, [problem.expression], bindProblemValues(problem, v))[0]!.data,
    };
  }
  // The previous order as the derivation went through it: nothing is derived again.
  const lowerNatural = derivative.lowerNatural;
  if (lowerNatural !== null) {
    return {
      root: lowerNatural,
      at: (v) => evaluateAt(problem, [lowerNatural], bindProblemValues(problem, v))[0]!.data,
    };
  }
  const scalarOutput = problem.expression.shape.length === 0;
  const symmetric = derivative.symmetrized === null ? {} : { symmetric: derivative.symmetrized };
  const lower = differentiate(problem, derivative.wrt, {
    order: derivative.order - 1,
    layout: "numerator",
    ...symmetric,
  });
  // Numeric AD differentiates the previous order's natural result: a gradient, for a scalar's Hessian.
  const natural = differentiate(problem, derivative.wrt, {
    order: derivative.order - 1,
    layout: scalarOutput && derivative.order === 2 ? "denominator" : "numerator",
    ...symmetric,
  });
  return { root: natural.node, at: (v) => toNatural(lower, lower.evaluate(v)) };
}

/** The variables' entries as one list: where each sits, and how to set them all at once. */
interface Coordinates {
  readonly count: number;
  readonly values: Float64Array;
  /** Per entry: 1, or for the Matrix Cookbook's convention ½ off the diagonal of a symmetric matrix. */
  readonly weights: Float64Array;
  /** The mirror entry of a symmetric matrix's off-diagonal entry (a symmetric direction moves both), or -1. */
  readonly mirror: Int32Array;
  /** The values with the variables' entries replaced. */
  with(entries: Float64Array): Record<string, unknown>;
}

function coordinatesOf(derivative: Derivative, values: Record<string, unknown>): Coordinates {
  const problem = derivative.problem;
  const bound = bindProblemValues(problem, values);
  const parts = derivative.wrt.map((name) => {
    const t = bound.variables.get(name);
    if (t === undefined) throw new MatcalcError("value", `no value for ${name}`);
    const symmetric = problem.variables.find((v) => v.name === name)?.kind === "symmetric";
    return { name, shape: t.shape, data: t.data, symmetric };
  });
  const count = parts.reduce((n, p) => n + p.data.length, 0);
  const all = new Float64Array(count);
  const weights = new Float64Array(count).fill(1);
  const mirror = new Int32Array(count).fill(-1);
  let offset = 0;
  for (const p of parts) {
    all.set(p.data, offset);
    const cols = p.shape.length === 2 ? p.shape[1]! : 1;
    for (let e = 0; p.symmetric && e < p.data.length; e++) {
      const [i, j] = [Math.floor(e / cols), e % cols];
      if (i === j) continue;
      mirror[offset + e] = offset + j * cols + i;
      if (derivative.symmetrized === "cookbook") weights[offset + e] = 0.5;
    }
    offset += p.data.length;
  }
  return {
    count,
    values: all,
    weights,
    mirror,
    with(entries) {
      const out: Record<string, unknown> = { ...values };
      let at = 0;
      for (const p of parts) {
        const data = entries.subarray(at, at + p.data.length);
        at += p.data.length;
        if (p.shape.length === 0) out[p.name] = data[0]!;
        else if (p.shape.length === 1) out[p.name] = Float64Array.from(data);
        else {
          const cols = p.shape[1]!;
          out[p.name] = Array.from({ length: p.shape[0]! }, (_, i) => data.slice(i * cols, (i + 1) * cols));
        }
      }
      return out;
    },
  };
}

/** A direction that moves a symmetric matrix symmetrically (its mirror entries along with it). */
function symmetricDirection(d: Float64Array, c: Coordinates): Float64Array {
  const out = Float64Array.from(d);
  for (let e = 0; e < c.count; e++) if (c.mirror[e]! > e) out[c.mirror[e]!] = out[e]!;
  return out;
}

/** Central differences along a direction, with the rounding error they carry, or why they cannot be taken. */
interface Differenced {
  readonly value: Float64Array;
  /** Per output entry: the rounding error of the difference (of f's own size over the step). */
  readonly noise: Float64Array;
  /** The step the direction was scaled by (smaller than asked where the function is not defined). */
  readonly step: number;
}

/** The largest magnitude among the entries a direction moves. */
function magnitudeAlong(c: Coordinates, direction: Float64Array): number {
  let scale = 0;
  for (let e = 0; e < c.count; e++) if (direction[e] !== 0) scale = Math.max(scale, Math.abs(c.values[e]!));
  return scale;
}

function difference(base: Base, c: Coordinates, direction: Float64Array, firstStep: number): Differenced {
  let step = firstStep;
  let last: unknown = null;
  // Where a step leaves the domain (logdet of a nearly singular matrix), smaller steps are tried.
  for (let attempt = 0; attempt < 8; attempt++, step /= 10) {
    const moved = (sign: number) => {
      const x = Float64Array.from(c.values);
      for (let e = 0; e < c.count; e++) x[e]! += sign * step * direction[e]!;
      return base.at(c.with(x));
    };
    try {
      const plus = moved(1);
      const minus = moved(-1);
      const value = new Float64Array(plus.length);
      const noise = new Float64Array(plus.length);
      for (let k = 0; k < plus.length; k++) {
        value[k] = (plus[k]! - minus[k]!) / (2 * step);
        noise[k] = (8 * Number.EPSILON * Math.max(Math.abs(plus[k]!), Math.abs(minus[k]!))) / step;
      }
      return { value, noise, step };
    } catch (error) {
      if (!isMatcalcError(error)) throw error;
      last = error;
    }
  }
  throw last;
}

/** T·(w∘d) over the natural derivative T[outputs, entries]. */
function symbolicAlong(natural: Float64Array, c: Coordinates, d: Float64Array): Float64Array {
  const outputs = natural.length / c.count;
  const out = new Float64Array(outputs);
  for (let o = 0; o < outputs; o++) {
    let s = 0;
    for (let e = 0; e < c.count; e++) if (d[e] !== 0) s += natural[o * c.count + e]! * c.weights[e]! * d[e]!;
    out[o] = s;
  }
  return out;
}

/** The unit direction of one entry (and its mirror, for a symmetric matrix). */
function entryDirection(c: Coordinates, e: number): Float64Array {
  const d = new Float64Array(c.count);
  d[e] = 1;
  if (c.mirror[e]! >= 0) d[c.mirror[e]!] = 1;
  return d;
}

/** Random directions with entries in [-1, 1], moving symmetric matrices symmetrically. */
function randomDirections(c: Coordinates, count: number, random: () => number): Float64Array[] {
  return Array.from({ length: count }, () =>
    symmetricDirection(
      Float64Array.from({ length: c.count }, () => 2 * random() - 1),
      c,
    ),
  );
}

/**
 * A numeric AD reference as the check compares it: along the same directions (forward), or against
 * uᵀ·T for cotangents u (reverse), with a symmetric matrix's cotangent symmetrized as the symbolic
 * result is. Null where AD does not apply; a note and null where it cannot be evaluated here.
 */
function adError(
  derivative: Derivative,
  base: Base,
  values: Record<string, unknown>,
  c: Coordinates,
  natural: Float64Array,
  directions: readonly Float64Array[],
  mode: "forward" | "reverse",
  random: () => number,
  notes: string[],
): number | null {
  if (base.root === null) return null;
  const problem = derivative.problem;
  const outputs = natural.length / c.count;
  try {
    if (mode === "forward") {
      const ad = forwardModeProducts(problem, base.root, derivative.wrt, values, directions);
      if (ad === null) return null;
      let worst = 0;
      directions.forEach((d, k) => {
        worst = Math.max(worst, relativeError(symbolicAlong(natural, c, d), ad[k]!));
      });
      return worst;
    }
    // Every output entry as a cotangent up to CHECK_ENTRIES outputs; random ones beyond.
    const cotangents =
      outputs <= CHECK_ENTRIES
        ? units(outputs)
        : Array.from({ length: CHECK_DIRECTIONS }, () =>
            Float64Array.from({ length: outputs }, () => 2 * random() - 1),
          );
    const ad = reverseModeProducts(problem, base.root, derivative.wrt, values, cotangents);
    if (ad === null) return null;
    let worst = 0;
    cotangents.forEach((u, k) => {
      // uᵀ·T, and the AD row made to act on symmetric matrices as the symbolic result does.
      const symbolic = new Float64Array(c.count);
      for (let o = 0; o < outputs; o++) {
        if (u[o] === 0) continue;
        for (let e = 0; e < c.count; e++) symbolic[e]! += u[o]! * natural[o * c.count + e]!;
      }
      const row = ad[k]!;
      const reference = new Float64Array(c.count);
      for (let e = 0; e < c.count; e++) {
        const m = c.mirror[e]!;
        if (m < 0) reference[e] = row[e]!;
        else
          reference[e] = derivative.symmetrized === "cookbook" ? row[e]! + row[m]! : (row[e]! + row[m]!) / 2;
      }
      worst = Math.max(worst, relativeError(symbolic, reference));
    });
    return worst;
  } catch (error) {
    if (!isMatcalcError(error)) throw error;
    notes.push(`${mode}-mode AD could not be evaluated at these values: ${error.message}`);
    return null;
  }
}

/** A derivative's numbers in natural order (output first, then variable): its layout undone. */
export function toNatural(d: Derivative, t: Tensor): Float64Array {
  return toNaturalEntries(d.view, t.shape, t.data);
}

/**
 * Random values at which the expression and its derivative are defined (log(det(X)) needs
 * det(X) > 0), trying each kind of point in turn; with the derivative's numbers there.
 */
function definedRandomValues(
  derivative: Derivative,
  seed: number,
): { values: Record<string, unknown>; symbolic: Tensor } {
  const problem = derivative.problem;
  for (const kind of POINT_KINDS)
    for (let attempt = 0; attempt < ATTEMPTS_PER_KIND; attempt++) {
      const values = randomValues(problem, seed + attempt * 7919, kind);
      try {
        evaluateAt(problem, [problem.expression], bindProblemValues(problem, values));
        return { values, symbolic: derivative.evaluate(values) };
      } catch (error) {
        if (!(error instanceof MatcalcError)) throw error;
      }
    }
  throw new MatcalcError(
    "numeric",
    `no random point was found where the expression and its derivative are defined (tried ${POINT_KINDS.length * ATTEMPTS_PER_KIND}: entries of any sign, positive, in (0, 1), positive definite matrices); give values with --at to check there`,
  );
}

/** Random points of each kind tried before the next kind. */
const ATTEMPTS_PER_KIND = 8;

export interface CheckOptions extends DifferentiateOptions {
  values?: Record<string, unknown>;
  seed?: number;
  tolerance?: number;
  /** Relative step of the central differences (default 1e-5; 1e-7 is tried too where it disagrees). */
  step?: number;
}

export function checkDerivative(
  problem: string | Problem,
  wrt: string | readonly string[],
  options: CheckOptions = {},
): CheckReport {
  return checkResult(differentiate(problem, wrt, options), options);
}

/** The check of a derivative already computed (its own order, layout and convention). */
export function checkResult(
  derivative: Derivative,
  options: Omit<CheckOptions, keyof DifferentiateOptions> = {},
): CheckReport {
  // Random values are searched for where the derivative can be evaluated: it is, once.
  const { values, symbolic } =
    options.values === undefined
      ? definedRandomValues(derivative, options.seed ?? 1)
      : { values: options.values, symbolic: derivative.evaluate(options.values) };
  const natural = toNatural(derivative, symbolic);
  const base = baseOf(derivative);
  const c = coordinatesOf(derivative, values);
  const tolerance = options.tolerance ?? 1e-5;
  const step = options.step ?? 1e-5;
  const random = randomSource(options.seed ?? 1);
  const notes: string[] = [];
  const outputs = natural.length / c.count;
  if (!Number.isInteger(outputs)) {
    throw new MatcalcError(
      "derivative",
      `internal: the derivative has ${natural.length} entries for ${c.count} entries of the variable`,
    );
  }

  // Every entry of a small variable; random directions through a large one.
  const method = c.count <= CHECK_ENTRIES ? "entries" : "directions";
  const directions =
    method === "entries"
      ? Array.from({ length: c.count }, (_, e) => entryDirection(c, e))
      : randomDirections(c, CHECK_DIRECTIONS, random);
  if (method === "directions")
    notes.push(
      `the variable has ${c.count} entries: checked along ${CHECK_DIRECTIONS} random directions instead of each entry`,
    );

  let worst = 0;
  let unresolved = 0;
  let domainLimited = false;
  const columns: Float64Array[] = [];
  for (const d of directions) {
    const expected = symbolicAlong(natural, c, d);
    let best: { error: number; column: Float64Array; resolved: boolean } | null = null;
    // A step relative to max(1, |x|), then tenfold smaller ones while the differences disagree
    // (curvature: logdet near a singular matrix moves fast along a tiny pivot), until they are all
    // rounding. A wrong derivative disagrees at every step.
    const first = step * Math.max(1, magnitudeAlong(c, d));
    for (let k = 0; k < 7; k++) {
      const absolute = first / 10 ** k;
      const fd = difference(base, c, d, absolute);
      if (fd.step < absolute) domainLimited = true;
      // Differences whose rounding error comes near the tolerance decide nothing (a small partial of
      // a huge value, or a step so small that only rounding is left); smaller steps are noisier still.
      let resolved = true;
      for (let o = 0; o < fd.value.length; o++)
        if (fd.noise[o]! > 0.1 * tolerance * Math.max(1, Math.abs(expected[o]!))) resolved = false;
      const error = relativeError(expected, fd.value, fd.noise);
      if (best === null || (resolved && !best.resolved) || (resolved === best.resolved && error < best.error))
        best = { error, column: fd.value, resolved };
      if (error <= tolerance || !resolved) break;
    }
    if (!best!.resolved) unresolved++;
    else worst = Math.max(worst, best!.error);
    // The column as an estimate of T[·, e] itself: a symmetric direction counts its pair.
    let norm = 0;
    for (let e = 0; e < c.count; e++) norm += c.weights[e]! * d[e]!;
    columns.push(method === "entries" ? best!.column.map((v) => v / norm) : best!.column);
  }
  if (domainLimited) notes.push("where a step left the function's domain, smaller steps were used");
  if (unresolved > 0)
    notes.push(
      `finite differences cannot resolve ${unresolved} of ${directions.length} ${method === "entries" ? "entries" : "directions"} at these values (their rounding error is too large to decide); those are checked against AD alone`,
    );

  const forwardModeError = adError(
    derivative,
    base,
    values,
    c,
    natural,
    directions,
    "forward",
    random,
    notes,
  );
  const reverseModeError = adError(
    derivative,
    base,
    values,
    c,
    natural,
    directions,
    "reverse",
    random,
    notes,
  );
  const adChecked = forwardModeError !== null || reverseModeError !== null;
  let finiteDifferences: Tensor | null = null;
  if (method === "entries") {
    const fdNatural = new Float64Array(natural.length);
    for (let o = 0; o < outputs; o++)
      for (let e = 0; e < c.count; e++) fdNatural[o * c.count + e] = columns[e]![o]!;
    finiteDifferences = {
      shape: symbolic.shape,
      data: fromNaturalEntries(derivative.view, symbolic.shape, fdNatural),
    };
  }
  return {
    values,
    symbolic,
    finiteDifferences,
    maxRelativeError: worst,
    reverseModeError,
    forwardModeError,
    passed:
      worst <= tolerance &&
      (unresolved === 0 || adChecked) &&
      (reverseModeError === null || reverseModeError <= 1e-8) &&
      (forwardModeError === null || forwardModeError <= 1e-8),
    tolerance,
    method,
    probes: directions.length,
    unresolved,
    notes,
  };
}
