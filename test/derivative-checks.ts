// Helpers for property tests of derivatives: a problem is skipped when its values are unusable (a
// domain error, or numbers so large that differences lose all precision), and a disagreement with
// finite differences counts only if it persists at several step sizes (curvature makes one step
// size unreliable; a wrong derivative is wrong at all of them).
import {
  checkDerivative,
  type DifferentiateOptions,
  differentiate,
  evaluateProblem,
  isMatcalcError,
  loadProblem,
  type Problem,
  randomValues,
} from "../src/api/index.js";
import { bindProblemValues } from "../src/derive/index.js";
import { type Node, postorder } from "../src/ir/index.js";
import { inverseOf } from "../src/kernels/index.js";
import { evaluateNodes } from "../src/numeric/index.js";
import type { Tensor } from "../src/tensor/index.js";

export type Verdict =
  | { readonly kind: "skip"; readonly reason: string }
  | { readonly kind: "checked"; readonly error: number };

/**
 * Random values at which every intermediate of the expression stays below 1e6 in magnitude (beyond
 * that, exp of a large argument saturating a softmax, say, floating-point cancellation, not the
 * derivative, decides what the numbers show) and no matrix that det, logdet or inv factors is
 * numerically singular.
 */
export function usableValues(problem: Problem, seed: number): Record<string, unknown> | null {
  const usable = usableScaled(problem, seed);
  return "values" in usable ? usable.values : null;
}

/** `usableValues` with the largest magnitude among the expression's intermediates, or why not. */
function usableScaled(
  problem: Problem,
  seed: number,
): { values: Record<string, unknown>; largest: number } | { reason: string } {
  const values = randomValues(problem, seed);
  try {
    evaluateProblem(problem, values);
    const nodes = postorder(problem.expression);
    const all = evaluateNodes(nodes, bindProblemValues(problem, values));
    let largest = 0;
    for (const t of all) for (const e of t.data) largest = Math.max(largest, Math.abs(e));
    if (!(largest <= 1e6)) return { reason: "values out of range" };
    if (singularArgument(nodes, all)) return { reason: "a factored matrix is numerically singular" };
    return { values, largest };
  } catch (error) {
    if (isMatcalcError(error)) return { reason: "values out of the domain" };
    throw error;
  }
}

/** Operators that factor their matrix argument: at a singular matrix their value is rounding noise. */
const FACTORED = new Set(["det", "logdet", "inv"]);

/**
 * Whether a matrix that det, logdet or inv factors is numerically singular at these values (1-norm
 * condition number above 1e10, or no inverse at all). C*C' with C of fewer columns than rows is
 * singular whatever the values are, and then its determinant is a residue of rounding that changes
 * with the order of the products: a derivative that writes the product in another order evaluates
 * another residue (logdet −27.2 against −27.7), and no finite difference can check it.
 */
function singularArgument(nodes: readonly Node[], values: readonly Tensor[]): boolean {
  const tensorOf = new Map(nodes.map((node, k) => [node, values[k]!]));
  for (const node of nodes) {
    if (!FACTORED.has(node.op)) continue;
    const m = tensorOf.get(node.args[0]!)!;
    const n = m.shape[0]!;
    const inverse = inverseOf(m.data, n);
    if (inverse === null || !(norm1(m.data, n) * norm1(inverse, n) <= 1e10)) return true;
  }
  return false;
}

/** The largest column sum of absolute values of an n×n row-major matrix. */
function norm1(a: Float64Array, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.abs(a[i * n + j]!);
    best = Math.max(best, sum);
  }
  return best;
}

/**
 * The size below which a derivative's entries are rounding noise: products of two intermediates of
 * magnitude `largest` (a saturated softmax's exp terms, say) carry an absolute error of about
 * largest² · 2⁻⁵², and a derivative that is exactly zero can come out as such a residue.
 */
function roundingLevel(largest: number): number {
  return 16 * Math.max(1, largest) ** 2 * Number.EPSILON;
}

/**
 * The one derivative refused by design: through a Kronecker product, beyond a matrix form (its rows
 * are index pairs, which index notation here does not write).
 */
export function refusedByDesign(error: unknown): boolean {
  return isMatcalcError(error) && /through kron(T1|T2)? has no index notation/.test(error.message);
}

/** The smallest max relative error over three step sizes, or a reason to skip the case. */
export function derivativeError(
  source: string,
  wrt: string,
  options: DifferentiateOptions,
  seed: number,
): Verdict {
  const problem = loadProblem(source);
  const usable = usableScaled(problem, seed);
  if (!("values" in usable)) return { kind: "skip", reason: usable.reason };
  const { values } = usable;
  const noise = roundingLevel(usable.largest);
  let best = Number.POSITIVE_INFINITY;
  let largest = 0;
  const estimates: Float64Array[] = [];
  for (const step of [1e-5, 1e-7, 1e-3, 1e-6]) {
    try {
      const report = checkDerivative(problem, wrt, { ...options, values, step });
      // Numbers beyond 1e8 (a division by a denormal constant, say) leave differences no precision.
      const magnitude = Math.max(
        ...Array.from(report.symbolic.data, Math.abs),
        ...Array.from(report.finiteDifferences!.data, Math.abs),
      );
      if (!(magnitude < 1e8)) return { kind: "skip", reason: "derivative values out of range" };
      largest = Math.max(largest, magnitude);
      best = Math.min(best, report.maxRelativeError);
      if (best < 1e-5) break;
      estimates.push(report.finiteDifferences!.data);
    } catch (error) {
      if (isMatcalcError(error) && error.diagnostic.kind !== "derivative")
        return { kind: "skip", reason: error.message };
      if (refusedByDesign(error)) return { kind: "skip", reason: (error as Error).message };
      throw error;
    }
  }
  // Near a kink (abs, norm1, max) differences at neighbouring steps disagree with each other: the
  // point says nothing about the derivative. A wrong derivative is wrong against consistent ones.
  if (best >= 1e-5 && estimates.length >= 2) {
    const [fine, finer] = [estimates[0]!, estimates[3] ?? estimates[1]!];
    const spread = Math.max(
      ...Array.from(fine, (v, k) => Math.abs(v - finer[k]!) / Math.max(1, Math.abs(finer[k]!))),
    );
    if (spread > best / 10)
      return { kind: "skip", reason: "finite differences disagree with each other (a kink nearby)" };
  }
  // A disagreement where both sides are indistinguishable from zero at the rounding level of the
  // intermediates: the point cannot tell a right derivative from a wrong one.
  if (best >= 1e-5 && largest <= noise)
    return { kind: "skip", reason: "derivative values at the rounding level" };
  // A disagreement no larger than the rounding error of evaluating the symbolic form itself: a form
  // whose terms are products of large intermediates (x*x'*diag(exp(...)) in a saturated softmax's
  // Hessian) and cancel to an exact zero leaves a residue of about ε times their size, where the
  // finite differences and both modes of numeric AD give the zero.
  if (best >= 1e-5 && best <= 64 * Number.EPSILON * symbolicScale(problem, wrt, options, values))
    return { kind: "skip", reason: "disagreement at the rounding level of the symbolic form" };
  return { kind: "checked", error: best };
}

/**
 * The size of the largest term the symbolic derivative adds up at `values`: the largest intermediate
 * of its matrix form, or, for an index form, the largest product of its factors' largest entries.
 */
function symbolicScale(
  problem: Problem,
  wrt: string,
  options: DifferentiateOptions,
  values: Record<string, unknown>,
): number {
  const d = differentiate(problem, wrt, options);
  const bound = bindProblemValues(problem, values);
  const largestOf = (nodes: readonly Node[]) =>
    evaluateNodes(nodes, bound).map((t) => t.data.reduce((m, e) => Math.max(m, Math.abs(e)), 0));
  if (d.node) return Math.max(1, ...largestOf(postorder(d.node)));
  let scale = 1;
  for (const term of d.indexForm?.terms ?? []) {
    // Each factor counts with its largest intermediate (its own matrix expression may cancel too).
    let product = Math.abs(term.coefficient);
    for (const f of term.factors)
      if (f.kind === "tensor") product *= Math.max(1, ...largestOf(postorder(f.node)));
    scale = Math.max(scale, product);
  }
  return scale;
}
