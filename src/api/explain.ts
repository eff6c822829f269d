// Step-by-step derivations through the public API, rendered as text for a terminal, Markdown with
// LaTeX for notes, and JSON for the web page.
import { type Layout, transposesJacobian } from "../calculus/index.js";
import { formatShape, MatcalcError, type Shape } from "../core/index.js";
import {
  asProblem,
  bindProblemValues,
  checkedOptions,
  type Derivative,
  differentiate,
  evaluateAt,
  type Problem,
  shownOrWhy,
} from "../derive/index.js";
import {
  type Derivation,
  explainDerivative,
  formatPolynomial,
  type Mode,
  STEP_LIMIT,
} from "../explain/index.js";
import type { Node } from "../ir/index.js";
import { apply, variable } from "../ops/index.js";
import { printedLength, toLatex, toText } from "../render/index.js";
import { searchShorter, simplify, type TraceEntry } from "../simplify/index.js";
import { randomValues } from "../verify/index.js";

export type { Mode };

export interface ExplainOptions {
  readonly mode?: Mode;
  readonly layout?: Layout;
}

export interface Explanation extends Derivation {
  readonly problem: Problem;
  /** The simplifier's rewrites from the substituted chain to the result, each named. */
  readonly simplification: readonly TraceEntry[];
  /** The simplified chain, in the chosen layout (null when a local derivative is a tensor). */
  readonly final: Node | null;
  /** `matcalc diff`'s result, which the derivation must reach. */
  readonly result: Derivative;
  /** Whether the derivation's final form has the same numbers as diff's at random values. */
  readonly agrees: boolean | null;
}

/** A Jacobian (the numerator form the chain rule writes) in the requested layout. */
function inLayout(node: Node, layout: Layout, scalarOutput: boolean): Node {
  if (node.shape.length === 0 || !transposesJacobian(layout, scalarOutput)) return node;
  return simplify(apply("transpose", node)).node;
}

export function explain(problem: string | Problem, wrt: string, options: ExplainOptions = {}): Explanation {
  const p = asProblem(problem);
  checkedOptions(options.layout === undefined ? {} : { layout: options.layout });
  if (options.mode !== undefined && options.mode !== "forward" && options.mode !== "backward")
    throw new MatcalcError("usage", `mode must be forward or backward; got ${JSON.stringify(options.mode)}`);
  const info = p.variables.find((v) => v.name === wrt);
  if (!info)
    throw new MatcalcError("name", `cannot differentiate by ${wrt}: it is not a variable of the problem`);
  const x = variable(wrt, info.shape, info.kind === "symmetric");
  const layout = options.layout ?? "numerator";
  const tidy = (n: Node) => simplify(n).node;
  const derivation = explainDerivative(p.expression, x, {
    mode: options.mode ?? "forward",
    layout,
    simplify: tidy,
  });
  const result = differentiate(p, wrt, { layout });
  let final: Node | null = null;
  let simplification: TraceEntry[] = [];
  if (derivation.substituted !== null) {
    const simplified = simplify(derivation.substituted, { trace: true });
    simplification = [...simplified.trace];
    // The search for a shorter form, as diff's result has it (its rewrites are steps too).
    const searched = searchShorter(
      inLayout(simplified.node, layout, p.expression.shape.length === 0),
      printedLength,
    );
    for (const step of searched.trace) simplification.push(step);
    final = searched.node;
  }
  let agrees: boolean | null = null;
  if (final !== null && result.node !== null) {
    agrees = [1, 2].every((seed) => {
      try {
        const values = randomValues(p, seed);
        const [a, b] = evaluateAt(p, [final!, result.node!], bindProblemValues(p, values));
        return (
          a!.data.length === b!.data.length &&
          a!.data.every((v, k) => Math.abs(v - b!.data[k]!) <= 1e-9 * Math.max(1, Math.abs(v)))
        );
      } catch {
        return true; // values outside the domain say nothing either way
      }
    });
  }
  return { ...derivation, problem: p, simplification, final, result, agrees };
}

function shapeText(shape: Shape): string {
  if (shape.length === 0) return "scalar";
  if (shape.length === 1) return formatShape([shape[0]!, 1]);
  return formatShape(shape);
}

function localText(node: Node | null, layout: Layout): string {
  if (node === null) return "(a tensor: see index notation)";
  return toText(inLayout(node, layout, false));
}

/** A printed form, or why it is not shown where it is too large. */
function shown(read: () => string): string {
  const { text, why } = shownOrWhy(read);
  return text ?? `(${why})`;
}

const resultText = (e: Explanation) => shown(() => e.result.text);
const resultLatex = (e: Explanation) => shown(() => e.result.latex);

/** Why no steps are written, for a derivation of more than STEP_LIMIT operations. */
function tooManyStepsText(e: Explanation): string {
  return `Too many operations to show step by step: ${e.tooManySteps!.toLocaleString("en-US")} intermediate variables (at most ${STEP_LIMIT} are written out).`;
}

/** The derivation for a terminal. */
export function explanationText(e: Explanation): string {
  const lines: string[] = [];
  lines.push(
    `Derivative of ${toText(e.problem.expression)} by ${e.variable} — ${e.mode} mode, ${e.layout} layout`,
    "",
  );
  if (e.tooManySteps !== null) {
    lines.push(tooManyStepsText(e), "", `Result:      ${resultText(e)}    (${formatShape(e.result.shape)})`);
    return `${lines.join("\n")}\n`;
  }
  const y = e.intermediates[e.intermediates.length - 1]!;
  lines.push("Intermediate variables:");
  for (const u of e.intermediates) {
    const name = u === y ? `y = ${u.name}` : u.name;
    lines.push(`  ${`${name} = ${toText(u.definition)}`.padEnd(40)} ${shapeText(u.shape)}`);
  }
  lines.push("", "Local derivatives:");
  for (const l of e.locals) {
    lines.push(
      `  ${`∂${l.of}/∂${l.by} = ${localText(l.derivative, e.layout)}`.padEnd(40)} ${l.shape[0]}×${l.shape[1]}`,
    );
  }
  lines.push(
    "",
    `Chain rule, ${e.mode === "forward" ? `forward (from ${e.variable})` : "backward (from y)"}:`,
  );
  for (const step of e.chain) {
    const terms = step.terms.map((factors) => factors.join(" · ")).join(" + ");
    lines.push(`  ${step.target} = ${terms}`);
    for (const b of step.bookkeeping) lines.push(`      ${b}`);
  }
  if (e.applied) lines.push("", `Apply:       d${y.name}/d${e.variable} = ${toText(e.applied)}`);
  if (e.substituted) lines.push(`Substitute:  d${y.name}/d${e.variable} = ${toText(e.substituted)}`);
  if (e.simplification.length > 0) {
    lines.push("Simplify:");
    for (const step of e.simplification.slice(-12))
      lines.push(`  ${step.rule}: ${toText(step.before)}  →  ${toText(step.after)}`);
    if (e.simplification.length > 12) lines.push(`  (and ${e.simplification.length - 12} earlier rewrites)`);
  }
  lines.push(
    "",
    `Result:      ${e.final ? toText(e.final) : resultText(e)}    (${formatShape(e.result.shape)})`,
  );
  if (e.final && e.result.node && toText(e.final) !== resultText(e))
    lines.push(`             = ${resultText(e)}  (matcalc diff)`);
  if (e.agrees === false)
    lines.push("warning: the derivation's result does not match matcalc diff's numbers");
  lines.push(
    "",
    `Cost of the chain (scalar multiplications): forward ${formatPolynomial(e.costs.forward)}, backward ${formatPolynomial(e.costs.backward)}`,
  );
  return `${lines.join("\n")}\n`;
}

/** The derivation as Markdown with LaTeX (KaTeX renders the math). */
export function explanationMarkdown(e: Explanation): string {
  const out: string[] = [];
  out.push(
    `### Derivative of $${toLatex(e.problem.expression)}$ by $${e.variable}$ (${e.mode} mode, ${e.layout} layout)`,
    "",
  );
  if (e.tooManySteps !== null) {
    out.push(tooManyStepsText(e), "", `Result: $$\\frac{dy}{d${e.variable}} = ${resultLatex(e)}$$`);
    return `${out.join("\n")}\n`;
  }
  const y = e.intermediates[e.intermediates.length - 1]!;
  out.push("| Intermediate variables | Local derivatives |", "|---|---|");
  for (const u of e.intermediates) {
    const locals = e.locals
      .filter((l) => l.of === u.name)
      .map(
        (l) =>
          `$\\frac{\\partial ${l.of}}{\\partial ${l.by}} = ${l.derivative ? toLatex(inLayout(l.derivative, e.layout, false)) : "\\text{(tensor)}"}$`,
      )
      .join("<br>");
    out.push(`| $${u === y ? "y = " : ""}${u.name} = ${toLatex(u.definition)}$ | ${locals} |`);
  }
  out.push("", `Chain rule, ${e.mode === "forward" ? "forward" : "backward"}:`, "");
  for (const step of e.chain) {
    const terms = step.terms.map((factors) => factors.join(" \\cdot ")).join(" + ");
    out.push(
      `- $${step.target.replace(/∂/g, "\\partial ").replace(/d(u\d+|\w+)\/d/g, "d$1/d")} = ${terms.replace(/∂/g, "\\partial ")}$ — ${step.bookkeeping.join("; ")}`,
    );
  }
  if (e.applied) out.push("", `Apply: $$\\frac{d${y.name}}{d${e.variable}} = ${toLatex(e.applied)}$$`);
  if (e.substituted)
    out.push("", `Substitute: $$\\frac{d${y.name}}{d${e.variable}} = ${toLatex(e.substituted)}$$`);
  out.push("", `Result: $$\\frac{dy}{d${e.variable}} = ${e.final ? toLatex(e.final) : resultLatex(e)}$$`);
  out.push(
    "",
    `Cost: forward ${formatPolynomial(e.costs.forward)}, backward ${formatPolynomial(e.costs.backward)} scalar multiplications.`,
  );
  return `${out.join("\n")}\n`;
}

/** The most simplifier rewrites the JSON form lists (the last ones). */
const JSON_REWRITES = 100;

export function explanationJson(e: Explanation): Record<string, unknown> {
  return {
    variable: e.variable,
    mode: e.mode,
    layout: e.layout,
    intermediates: e.intermediates.map((u) => ({
      name: u.name,
      definition: toText(u.definition),
      latex: toLatex(u.definition),
      shape: u.shape,
    })),
    locals: e.locals.map((l) => ({
      of: l.of,
      by: l.by,
      derivative: l.derivative ? toText(inLayout(l.derivative, e.layout, false)) : null,
      latex: l.derivative ? toLatex(inLayout(l.derivative, e.layout, false)) : null,
      shape: l.shape,
    })),
    chain: e.chain.map((s) => ({
      target: s.target,
      terms: s.terms,
      bookkeeping: s.bookkeeping,
      cost: formatPolynomial(s.cost),
    })),
    applied: e.applied ? toText(e.applied) : null,
    appliedLatex: e.applied ? toLatex(e.applied) : null,
    substituted: e.substituted ? toText(e.substituted) : null,
    substitutedLatex: e.substituted ? toLatex(e.substituted) : null,
    // The last rewrites (each may print a long expression twice); how many came before them.
    simplification: e.simplification.slice(-JSON_REWRITES).map((t) => ({
      rule: t.rule,
      before: toText(t.before),
      after: toText(t.after),
      beforeLatex: toLatex(t.before),
      afterLatex: toLatex(t.after),
    })),
    earlierRewrites: Math.max(0, e.simplification.length - JSON_REWRITES),
    tooManySteps: e.tooManySteps,
    result: {
      text: e.final ? toText(e.final) : resultText(e),
      latex: e.final ? toLatex(e.final) : resultLatex(e),
      shape: e.result.shape,
    },
    diff: resultText(e),
    agrees: e.agrees,
    costs: { forward: formatPolynomial(e.costs.forward), backward: formatPolynomial(e.costs.backward) },
  };
}
