// Checking an answer: is the expression a student wrote the derivative, in which layout, and if not,
// how does it differ? Equality is decided by numbers at several random points of random sizes (an
// answer must hold at every size), and symbolically where the answer is the derivative's own form. A
// wrong answer is diagnosed against the common mistakes — the other layout, a constant factor, a
// missing symmetric part, a missing or extra term, the wrong shape — and comes with a counterexample.
import {
  type Dim,
  dimSymbols,
  dimValue,
  formatShape,
  isMatcalcError,
  MatcalcError,
  type Shape,
  shapesEqual,
} from "../core/index.js";
import {
  bindProblemValues,
  type Derivative,
  differentiate,
  evaluateAt,
  inLayout,
  loadProblem,
  type Problem,
  sizeSymbols,
} from "../derive/index.js";
import { freeVariables, type Node, signedTerms } from "../ir/index.js";
import { apply, formatNumber, fractionText } from "../ops/index.js";
import { toText } from "../render/index.js";
import type { Tensor } from "../tensor/index.js";
import { POINT_KINDS, randomValues } from "./check.js";

type AnswerLayout = "numerator" | "denominator";

export type Verdict =
  | "equal"
  | "factor"
  | "symmetric-only"
  | "missing-term"
  | "extra-term"
  | "shape"
  | "different";

export interface Counterexample {
  readonly values: Record<string, unknown>;
  /** The derivative there, in the layout compared with. */
  readonly expected: Tensor;
  readonly answer: Tensor;
}

export interface Comparison {
  readonly equal: boolean;
  readonly verdict: Verdict;
  /** The layout the answer is written in (or is closest to): its shape matches the derivative's there. */
  readonly layout: AnswerLayout | null;
  /** One line: the verdict and its reason. */
  readonly message: string;
  /** The derivative in that layout (numerator where the shape matches neither). */
  readonly derivative: string;
  /** Whether equality was also seen symbolically (the answer is the derivative's own form). */
  readonly symbolic: boolean;
  /** The answer over the derivative, where that is a constant other than 1. */
  readonly factor?: number;
  /** The assumption that would make the answer right ("A is symmetric"). */
  readonly assumption?: string;
  /** The term missing from the answer, or extra in it. */
  readonly term?: string;
  /** Where the answer and the derivative differ (absent when they are equal). */
  readonly counterexample?: Counterexample;
  /** How many random points (of random sizes) were compared. */
  readonly points: number;
}

export interface CompareOptions {
  /** The order of the derivative the answer is (default 1). */
  readonly order?: number;
  /** Random points compared (default 4), each with its own sizes. */
  readonly points?: number;
  readonly seed?: number;
}

const TOLERANCE = 1e-8;

/** The declaration of a variable as the language writes it (a row is a 1×n matrix). */
function declaration(v: Problem["variables"][number]): string {
  if (v.kind === "symmetric") return `${v.name}: symmetric(${v.shape[0]})`;
  if (v.shape.length === 0) return `${v.name}: scalar`;
  if (v.shape.length === 1) return `${v.name}: vector(${v.shape[0]})`;
  return `${v.name}: matrix(${v.shape[0]}, ${v.shape[1]})`;
}

/** The answer as a problem over the problem's variables, with their types and sizes. */
function answerProblem(problem: Problem, answer: string): Problem {
  // A size may stand in the answer as the number it is (mean's 1/m), as the derivative prints it.
  const sizes = sizeNamesOf(problem).map((name) => `${name}: scalar`);
  const declarations = [...problem.variables.map(declaration), ...sizes].join(", ");
  let loaded: Problem;
  try {
    loaded = loadProblem(`${declarations}\n${answer}`);
  } catch (error) {
    if (isMatcalcError(error)) throw new MatcalcError(error.diagnostic.kind, `the answer: ${error.message}`);
    throw error;
  }
  const known = new Set([...problem.variables.map((v) => v.name), ...sizeNamesOf(problem)]);
  const stranger = freeVariables(loaded.expression).find((name) => !known.has(name));
  if (stranger !== undefined)
    throw new MatcalcError(
      "name",
      `the answer uses ${stranger}, which is not in the problem (its variables: ${[...known].join(", ") || "none"})`,
    );
  return loaded;
}

/** The problem's size symbols that are not also the names of its variables. */
function sizeNamesOf(problem: Problem): string[] {
  const variables = new Set(problem.variables.map((v) => v.name));
  return sizeSymbols(problem).filter((s) => !variables.has(s));
}

/**
 * Whether two shapes hold the same entries in the same order: equal once axes of size 1 are dropped
 * (an answer typed as a vector is the column n×1 a vector's derivative by a scalar is).
 */
function sameEntries(a: Shape, b: Shape): boolean {
  const squeeze = (s: Shape) => s.filter((d) => d !== 1);
  return shapesEqual(squeeze(a), squeeze(b));
}

/** Whether b·c ≈ a entry by entry (c = 1 for plain equality). */
function close(a: Tensor, b: Tensor, c = 1): boolean {
  if (!sameEntries(a.shape, b.shape)) return false;
  let scale = 1;
  for (const v of b.data) scale = Math.max(scale, Math.abs(c * v));
  for (let i = 0; i < a.data.length; i++)
    if (!(Math.abs(a.data[i]! - c * b.data[i]!) <= TOLERANCE * scale)) return false;
  return true;
}

interface Point {
  readonly values: Record<string, unknown>;
  readonly derivative: Record<AnswerLayout, Tensor>;
  readonly answer: Tensor;
}

/** Does the answer match c times the derivative in this layout at every point? */
function holds(points: readonly Point[], layout: AnswerLayout, c = 1): boolean {
  return points.every((p) => close(p.answer, p.derivative[layout], c));
}

/** Random points of the problem where both the derivative and the answer are defined. */
function pointsFor(
  problem: Problem,
  answer: Problem,
  derivatives: Record<AnswerLayout, Derivative>,
  count: number,
  seed: number,
  sizesFrom: AnswerLayout,
  adjust: (values: Record<string, unknown>) => Record<string, unknown> = (v) => v,
): Point[] {
  const points: Point[] = [];
  for (let k = 0; k < count; k++) {
    let found: Point | null = null;
    for (const kind of POINT_KINDS) {
      for (let attempt = 0; attempt < 4 && found === null; attempt++) {
        const values = adjust(randomValues(problem, seed + 1000 * k + 7919 * attempt, kind));
        try {
          found = {
            values,
            derivative: {
              numerator: derivatives.numerator.evaluate(values),
              denominator: derivatives.denominator.evaluate(values),
            },
            answer: evaluateAt(
              answer,
              [answer.expression],
              answerValues(problem, answer, values, derivatives, sizesFrom),
            )[0]!,
          };
        } catch (error) {
          if (!(error instanceof MatcalcError)) throw error;
        }
      }
      if (found !== null) break;
    }
    if (found === null)
      throw new MatcalcError(
        "numeric",
        "no random point was found where the derivative and the answer are defined",
      );
    points.push(found);
  }
  return points;
}

/** The sizes only the answer has (the size of ones in ones'/n, of an I), not the problem's. */
function answerOnlySizes(problem: Problem, answer: Problem): string[] {
  const own = new Set([...sizeSymbols(problem), ...problem.variables.map((v) => v.name)]);
  return sizeSymbols(answer).filter((s) => !own.has(s));
}

/**
 * The values the answer is evaluated at: the problem's, its sizes as numbers (the derivative prints
 * mean's 1/m), and the sizes only the answer has (the size of ones in ones'/n) read off the
 * derivative's shape where they stand in it.
 */
function answerValues(
  problem: Problem,
  answer: Problem,
  values: Record<string, unknown>,
  derivatives: Record<AnswerLayout, Derivative>,
  sizesFrom: AnswerLayout,
): Record<string, unknown> {
  const sizes = bindProblemValues(problem, values).sizes;
  const out = { ...values };
  for (const name of sizeNamesOf(problem)) {
    const n = sizes.get(name);
    if (n !== undefined) out[name] = n;
  }
  const free = answerOnlySizes(problem, answer);
  if (free.length === 0) return out;
  const shape = answer.expression.shape;
  const size = (d: Dim) => dimValue(d, (name) => sizes.get(name));
  // The layout whose shape the answer's known sizes fit (sizesFrom first): its sizes give the
  // answer's free ones.
  for (const layout of sizesFrom === "numerator"
    ? (["numerator", "denominator"] as const)
    : (["denominator", "numerator"] as const)) {
    const target = derivatives[layout].shape.filter((d) => d !== 1 || shape.length === 2);
    if (target.length !== shape.length) continue;
    const fits = shape.every(
      (d, i) => dimSymbols(d).some((s) => free.includes(s)) || size(d) === size(target[i]!),
    );
    if (!fits) continue;
    shape.forEach((d, i) => {
      const n = size(target[i]!);
      if (typeof d === "string" && free.includes(d) && n !== undefined) out[d] = n;
    });
    break;
  }
  return out;
}

/** A square matrix variable's values made symmetric: (M + M')/2. */
function symmetrized(name: string): (values: Record<string, unknown>) => Record<string, unknown> {
  return (values) => {
    const m = values[name] as number[][];
    return { ...values, [name]: m.map((row, i) => row.map((v, j) => (v + m[j]![i]!) / 2)) };
  };
}

/** The constant c with answer = c·derivative at every point, if there is one (and it is not 1). */
function constantFactor(points: readonly Point[], layout: AnswerLayout): number | undefined {
  const first = points[0]!;
  const d = first.derivative[layout];
  let k = -1;
  for (let i = 0; i < d.data.length; i++) if (k < 0 || Math.abs(d.data[i]!) > Math.abs(d.data[k]!)) k = i;
  if (k < 0 || Math.abs(d.data[k]!) < 1e-12) return undefined;
  const raw = first.answer.data[k]! / d.data[k]!;
  // Read the ratio as the simple number it should be (2, 1/2, -1, 3/2) where it is one.
  const simple = Math.round(raw * 12) / 12;
  const c = Math.abs(simple - raw) < 1e-9 * Math.max(1, Math.abs(raw)) ? simple : raw;
  if (Math.abs(c - 1) < 1e-12 || c === 0) return undefined;
  return holds(points, layout, c) ? c : undefined;
}

/** A factor as the engine prints a number: a fraction where it is one (1/3), else its decimal. */
const plainNumber = (c: number) => fractionText(c) ?? formatNumber(c);

/** The terms of a sum, each with its sign (a lone expression is one term). */
function termsOf(n: Node): Array<{ node: Node; negative: boolean }> {
  return signedTerms(n, (t) => t.op === "add" || t.op === "sub").map((t) => ({
    node: t.term,
    negative: t.negative,
  }));
}

/** The terms of a sum, and those of a product with a sum for a factor, multiplied out: (A + A')*x is A*x + A'*x. */
function expandedTermsOf(n: Node): Array<{ node: Node; negative: boolean }> {
  return termsOf(n).flatMap((t) => {
    const [a, b] = [t.node.args[0], t.node.args[1]];
    if (t.node.op !== "mul" || a === undefined || b === undefined) return [t];
    const sum = (x: Node) => x.op === "add" || x.op === "sub";
    const pieces = sum(b)
      ? termsOf(b).map((u) => ({ ...u, node: apply("mul", a, u.node) }))
      : sum(a)
        ? termsOf(a).map((u) => ({ ...u, node: apply("mul", u.node, b) }))
        : null;
    return pieces === null ? [t] : pieces.map((u) => ({ node: u.node, negative: u.negative !== t.negative }));
  });
}

export function compareAnswer(
  problem: string | Problem,
  wrt: string,
  answer: string,
  options: CompareOptions = {},
): Comparison {
  const p = typeof problem === "string" ? loadProblem(problem) : problem;
  return compareWithDerivative(
    differentiate(p, wrt, { layout: "numerator", order: options.order ?? 1 }),
    answer,
    options,
  );
}

/**
 * The comparison with a derivative already computed (its problem, variable and order; `order` of the
 * options is not read): a caller that shows the derivative too does not derive it again.
 */
export function compareWithDerivative(
  derivative: Derivative,
  answer: string,
  options: Omit<CompareOptions, "order"> = {},
): Comparison {
  const p = derivative.problem;
  const a = answerProblem(p, answer);
  // The other layout is a view of the one derivative.
  const numerator = inLayout(derivative, "numerator");
  const derivatives: Record<AnswerLayout, Derivative> = {
    numerator,
    denominator: inLayout(numerator, "denominator"),
  };
  // Sizes only the answer has (ones, I) are read off the layout tried first; where they fit either
  // layout (both free), an answer not equal in the numerator's sizes is tried in the denominator's.
  const first = judge(p, a, derivatives, options, "numerator");
  if (first.equal || answerOnlySizes(p, a).length === 0) return first;
  const second = judge(p, a, derivatives, options, "denominator");
  // Equal, or a diagnosed mistake, in the denominator's sizes says more than "different".
  return second.equal || (first.verdict === "different" && second.verdict !== "different") ? second : first;
}

function judge(
  p: Problem,
  a: Problem,
  derivatives: Record<AnswerLayout, Derivative>,
  options: Omit<CompareOptions, "order">,
  sizesFrom: AnswerLayout,
): Comparison {
  const count = options.points ?? 4;
  const seed = options.seed ?? 1;
  const points = pointsFor(p, a, derivatives, count, seed, sizesFrom);
  const answerShape = points[0]!.answer.shape;
  // The layouts of the answer's shape; where neither is, those whose entries it holds in order (a
  // vector for the column n×1 a vector's derivative by a scalar is).
  const shaped = (same: (a: Shape, b: Shape) => boolean) =>
    (["numerator", "denominator"] as const).filter((l) => same(points[0]!.derivative[l].shape, answerShape));
  const exact = shaped(shapesEqual);
  const layouts = exact.length > 0 ? exact : shaped(sameEntries);
  const base = { points: count };
  const text = (l: AnswerLayout) => derivatives[l].text;

  for (const layout of layouts)
    if (holds(points, layout)) {
      const symbolic = derivatives[layout].node === a.expression;
      return {
        ...base,
        equal: true,
        verdict: "equal",
        layout,
        symbolic,
        derivative: text(layout),
        message: `equal: the answer is the derivative in ${layout} layout${symbolic ? " (the same expression)" : ""}`,
      };
    }

  if (layouts.length === 0) {
    const [dn, dd] = [derivatives.numerator.shape, derivatives.denominator.shape];
    return {
      ...base,
      equal: false,
      verdict: "shape",
      layout: null,
      symbolic: false,
      derivative: text("numerator"),
      message: `wrong shape: the answer is ${formatShape(a.expression.shape)}, the derivative ${formatShape(dn)} in numerator layout${shapesEqual(dn, dd) ? "" : ` or ${formatShape(dd)} in denominator layout`}`,
      counterexample: {
        values: points[0]!.values,
        expected: points[0]!.derivative.numerator,
        answer: points[0]!.answer,
      },
    };
  }

  const layout = layouts[0]!;
  const counterexample = (l: AnswerLayout): Counterexample => {
    const at = points.find((pt) => !close(pt.answer, pt.derivative[l])) ?? points[0]!;
    return { values: at.values, expected: at.derivative[l], answer: at.answer };
  };
  const mistake = (verdict: Verdict, l: AnswerLayout, message: string, extra: Partial<Comparison> = {}) => ({
    ...base,
    equal: false,
    verdict,
    layout: l,
    symbolic: false,
    derivative: text(l),
    message,
    counterexample: counterexample(l),
    ...extra,
  });

  for (const l of layouts) {
    const c = constantFactor(points, l);
    if (c !== undefined)
      return mistake(
        "factor",
        l,
        `off by a factor of ${plainNumber(c)}: the answer is ${plainNumber(c)} times the derivative (${l} layout)`,
        {
          factor: c,
        },
      );
  }

  // Right only for a symmetric matrix (x'*A*x gives x'*(A + A'), and 2*A*x only when A = A').
  for (const v of p.variables) {
    if (v.kind === "symmetric" || v.shape.length !== 2 || v.shape[0] !== v.shape[1]) continue;
    const symmetric = pointsFor(p, a, derivatives, count, seed, sizesFrom, symmetrized(v.name));
    for (const l of layouts)
      if (holds(symmetric, l))
        return mistake(
          "symmetric-only",
          l,
          `holds only when ${v.name} is symmetric (${v.name} = ${v.name}'): in general the derivative is ${text(l)}`,
          { assumption: `${v.name} is symmetric` },
        );
  }

  // A term of the derivative missing from the answer, or a term of the answer that does not belong.
  const answerTerms = termsOf(a.expression);
  for (const l of layouts) {
    const d = derivatives[l].node;
    if (d !== null)
      for (const t of expandedTermsOf(d)) {
        const missing = points.every((pt) => {
          const [term] = evaluateAt(p, [t.node], pt.values);
          const sign = t.negative ? -1 : 1;
          const sum = {
            shape: pt.answer.shape,
            data: pt.answer.data.map((v, i) => v + sign * term!.data[i]!),
          };
          return sameEntries(term!.shape, pt.answer.shape) && close(sum, pt.derivative[l]);
        });
        if (missing)
          return mistake("missing-term", l, `a term is missing: ${t.negative ? "-" : ""}${toText(t.node)}`, {
            term: toText(t.node),
          });
      }
    for (const t of answerTerms.length > 1 ? answerTerms : []) {
      const extra = points.every((pt) => {
        const [term] = evaluateAt(a, [t.node], answerValues(p, a, pt.values, derivatives, sizesFrom));
        const sign = t.negative ? -1 : 1;
        const rest = {
          shape: pt.answer.shape,
          data: pt.answer.data.map((v, i) => v - sign * term!.data[i]!),
        };
        return sameEntries(term!.shape, pt.answer.shape) && close(rest, pt.derivative[l]);
      });
      if (extra)
        return mistake("extra-term", l, `a term does not belong: ${t.negative ? "-" : ""}${toText(t.node)}`, {
          term: toText(t.node),
        });
    }
  }

  return mistake("different", layout, `different: the derivative (${layout} layout) is ${text(layout)}`);
}
