// The page's engine, in a Web Worker: every derivation, check, step-by-step explanation, piece of
// generated code, answer verdict and export runs here, so typing stays responsive while a large
// derivative is computed. The page cancels stale work by ending this worker and starting another.
import {
  analyze,
  checkResult,
  compareAnswer,
  compareWithDerivative,
  type Derivative,
  differentiate,
  emit,
  explain,
  explanationJson,
  formatError,
  formatShape,
  leadingForm,
  NEURON_PROBLEM,
  neuronData,
  type Problem,
  randomValues,
  shownOrWhy,
  toLatex,
} from "../src/index.js";
import type {
  DeriveReply,
  Exercise,
  ExerciseReply,
  ExportReply,
  PageState,
  Reply,
  Request,
  StepsView,
  VariableInfo,
  Verdict,
} from "./protocol.js";

function variablesOf(problem: Problem): VariableInfo[] {
  return problem.variables.map((v) => ({
    name: v.name,
    type:
      v.kind === "symmetric"
        ? `symmetric(${v.shape[0]})`
        : v.shape.length === 0
          ? "scalar"
          : formatShape(v.shape),
    scalar: v.shape.length === 0,
    symmetric: v.kind === "symmetric",
  }));
}

/** The wanted variables the problem has; else x, or its first variable. */
function chosen(problem: Problem, wanted: readonly string[]): string[] {
  const names = problem.variables.map((v) => v.name);
  const kept = wanted.filter((w) => names.includes(w));
  if (kept.length > 0) return kept;
  return names.length === 0 ? [] : [names.find((n) => n === "x") ?? names[0]!];
}

function checkVerdict(d: Derivative): Verdict {
  try {
    const report = checkResult(d, { seed: 7 });
    const ad =
      report.reverseModeError === null
        ? ""
        : `, ${report.reverseModeError.toExponential(1)} vs reverse-mode AD`;
    const forward =
      report.forwardModeError === null
        ? ""
        : `, ${report.forwardModeError.toExponential(1)} vs forward-mode AD`;
    return {
      status: report.passed ? "pass" : "fail",
      text: `${report.passed ? "✓ check passed" : "✗ check failed"}: max rel. error ${report.maxRelativeError.toExponential(1)} vs finite differences${ad}${forward}`,
    };
  } catch (error) {
    return {
      status: "none",
      text: `no numeric check: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * The verdict on an answer: equal (in which layout), or how it differs, with a counterexample. It is
 * judged against `d` (derived once for the page) where that is the derivative the answer is of: by
 * one variable, of the order asked.
 */
function answerVerdict(problem: string, wrt: string, answer: string, order: number, d: Derivative): Verdict {
  try {
    const c =
      d.wrt.length === 1 && d.wrt[0] === wrt && d.order === order
        ? compareWithDerivative(d, answer)
        : compareAnswer(problem, wrt, answer, { order });
    const where = c.counterexample
      ? `\nfor example at ${Object.entries(c.counterexample.values)
          .map(([name, value]) => `${name} = ${JSON.stringify(value)}`)
          .join(", ")}`
      : "";
    return { status: c.equal ? "pass" : "fail", text: `${c.equal ? "✓" : "✗"} ${c.message}${where}` };
  } catch (error) {
    return { status: "none", text: formatError(error) };
  }
}

/** u1 → u_{1}, as the expressions themselves write it. */
const sub = (name: string) => name.replace(/^([a-z]+)(\d+)$/, "$1_{$2}");

/** du2/dx → \frac{d u_{2}}{d x}, ∂u2/∂u1 → \frac{\partial u_{2}}{\partial u_{1}}. */
function fraction(text: string): string {
  const m = /^(d|∂)([A-Za-z_][A-Za-z0-9_]*)\/(d|∂)([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (m === null) return `\\text{${text}}`;
  const d = (mark: string) => (mark === "∂" ? "\\partial " : "d ");
  return `\\frac{${d(m[1]!)}${sub(m[2]!)}}{${d(m[3]!)}${sub(m[4]!)}}`;
}

function stepsOf(state: PageState, wrt: readonly string[]): StepsView {
  const empty = { intermediates: [], locals: [], chain: [], lines: [], cost: "" };
  if (wrt.length !== 1 || state.order !== 1)
    return { ...empty, why: "Steps are shown for first derivatives by one variable." };
  const json = explanationJson(explain(state.problem, wrt[0]!, { mode: state.mode, layout: state.layout }));
  if (json.tooManySteps !== null)
    return {
      ...empty,
      why: `Too many operations to show step by step: ${(json.tooManySteps as number).toLocaleString("en-US")} intermediate variables.`,
    };
  const intermediates = json.intermediates as Array<{ name: string; latex: string }>;
  const locals = json.locals as Array<{ of: string; by: string; latex: string | null }>;
  const lines: { label: string; text: string; latex: string | null }[] = [];
  const line = (label: string, text: unknown, latex: unknown) => {
    if (typeof text === "string")
      lines.push({ label, text, latex: typeof latex === "string" ? latex : null });
  };
  line("Apply", json.applied, json.appliedLatex);
  line("Substitute", json.substituted, json.substitutedLatex);
  for (const s of json.simplification as Array<Record<string, string>>)
    line(s.rule!, `${s.before} → ${s.after}`, `${s.beforeLatex} \\;\\to\\; ${s.afterLatex}`);
  const result = json.result as { text: string; latex: string };
  line("Result", result.text, result.latex);
  const costs = json.costs as { forward: string; backward: string };
  return {
    why: null,
    intermediates: intermediates.map((u, k) => ({
      name: u.name,
      latex: `${k === intermediates.length - 1 ? "y = " : ""}${sub(u.name)} = ${u.latex}`,
    })),
    locals: locals.map((l) => ({
      of: l.of,
      by: l.by,
      latex: `\\frac{\\partial ${sub(l.of)}}{\\partial ${sub(l.by)}} = ${l.latex ?? "\\text{(tensor)}"}`,
    })),
    chain: (json.chain as Array<{ target: string; terms: string[][]; bookkeeping: string[] }>).map((s) => ({
      text: `${s.target} = ${s.terms.map((t) => t.join(" · ")).join(" + ")}   [${s.bookkeeping.join("; ")}]`,
      latex: `${fraction(s.target)} = ${s.terms.map((t) => t.map(fraction).join(" \\cdot ")).join(" + ")} \\qquad ${s.bookkeeping.map((b) => b.replace(/×/g, "\\times ").replace(/·/g, "\\cdot ")).join(",\\; ")}`,
    })),
    lines,
    cost: `forward ${costs.forward}, backward ${costs.backward} scalar multiplications`,
  };
}

function resultOf(d: Derivative) {
  // A tensor with a Kronecker form leads with it; its index form is the first note.
  const lead = leadingForm(d);
  const beside = lead.beside === null ? null : shownOrWhy(lead.beside.text);
  return {
    title: `${d.order === 1 ? "" : `order ${d.order}, `}by ${d.wrt.join(",")} — ${d.layout} layout, shape ${formatShape(d.shape) || "scalar"}${lead.heading === null ? "" : `, ${lead.heading}`}`,
    // A result too large to show is said so; its numbers and code still come.
    latex: shownOrWhy(lead.latex).text,
    text: shownOrWhy(lead.text).text,
    notes: [...(beside === null ? [] : [`index notation: ${beside.text ?? `(${beside.why})`}`]), ...d.notes],
    index: d.index,
  };
}

function derive(request: Extract<Request, { kind: "derive" }>): DeriveReply {
  const { state } = request;
  const none = {
    kind: "derive" as const,
    variables: null,
    wrt: state.wrt,
    error: null,
    result: null,
    check: null,
    steps: null,
    code: null,
    answer: null,
    scalar: false,
    data: null,
  };
  const analysis = analyze(state.problem);
  const first = analysis.diagnostics[0];
  if (analysis.problem === null || first !== undefined)
    return { ...none, error: first ? formatError(first, state.problem) : null };
  const problem = analysis.problem;
  const wrt = chosen(problem, state.wrt);
  const scalar = problem.expression.shape.length === 0;
  const base = {
    ...none,
    variables: variablesOf(problem),
    wrt,
    scalar,
    data: scalar
      ? problem.source === NEURON_PROBLEM
        ? { ...neuronData() }
        : (randomValues(problem, 3) as Record<string, unknown>)
      : null,
  };
  if (wrt.length === 0) return base;
  try {
    const d = differentiate(problem, wrt, {
      order: state.order,
      layout: state.layout,
      symmetric: state.symmetric,
    });
    const current = { ...state, wrt };
    let code: string | null = null;
    if (request.code !== null) {
      try {
        code = emit(state.problem, wrt, {
          target: request.code,
          order: state.order,
          layout: state.layout,
          symmetric: state.symmetric,
        }).code;
      } catch (error) {
        code = `no code: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return {
      ...base,
      result: resultOf(d),
      check: checkVerdict(d),
      steps: request.steps ? stepsOf(current, wrt) : null,
      code,
      answer:
        request.answer === null || request.answer.trim() === ""
          ? null
          : answerVerdict(state.problem, wrt[0]!, request.answer, 1, d),
    };
  } catch (error) {
    return { ...base, error: formatError(error, state.problem) };
  }
}

function exercise(request: Extract<Request, { kind: "exercise" }>): ExerciseReply {
  const e: Exercise = request.exercise;
  const none = {
    kind: "exercise" as const,
    problemLatex: null,
    verdict: null,
    solved: false,
    hints: [],
    answer: null,
  };
  const analysis = analyze(e.problem);
  const first = analysis.diagnostics[0];
  if (analysis.problem === null || first !== undefined)
    return { ...none, error: first ? formatError(first, e.problem) : "the exercise has no problem" };
  try {
    const wrt = e.wrt.split(",");
    const d = differentiate(analysis.problem, wrt, { order: e.order, layout: e.layout });
    const verdict =
      request.answer.trim() === "" ? null : answerVerdict(e.problem, e.wrt, request.answer, e.order, d);
    const hints: { title: string; lines: { text: string; latex: string | null }[] }[] = [];
    if (wrt.length === 1 && e.order === 1) {
      const steps = stepsOf(
        { problem: e.problem, wrt, order: 1, layout: e.layout, symmetric: "projection", mode: "forward" },
        wrt,
      );
      if (steps.why === null) {
        hints.push({
          title: "Name the intermediate variables",
          lines: steps.intermediates.map((u) => ({ text: u.name, latex: u.latex })),
        });
        hints.push({
          title: "Take each one's local derivatives",
          lines: steps.locals.map((l) => ({ text: `∂${l.of}/∂${l.by}`, latex: l.latex })),
        });
        hints.push({
          title: "Chain them (forward, from the variable)",
          lines: steps.chain.map((c) => ({ text: c.text, latex: c.latex })),
        });
        hints.push({
          title: "Substitute back",
          lines: steps.lines
            .filter((l) => l.label === "Apply" || l.label === "Substitute")
            .map((l) => ({ text: `${l.label}: ${l.text}`, latex: l.latex })),
        });
      }
    }
    const expected = e.expected ? `\n(the sheet writes it ${e.expected})` : "";
    return {
      kind: "exercise",
      problemLatex: toLatex(analysis.problem.expression),
      error: null,
      verdict,
      solved: verdict?.status === "pass",
      hints,
      answer: {
        text: `${shownOrWhy(() => d.text).text ?? "(too large to show)"}${expected}`,
        latex: shownOrWhy(() => d.latex).text,
      },
    };
  } catch (error) {
    return { ...none, error: formatError(error, e.problem) };
  }
}

/** The derivation as a LaTeX document or Markdown: the problem, the result, the check and the steps. */
function exported(request: Extract<Request, { kind: "export" }>): ExportReply {
  const reply = derive({ kind: "derive", state: request.state, steps: true, code: null, answer: null });
  if (reply.result === null) return { kind: "export", text: null, error: reply.error ?? "nothing to export" };
  const r = reply.result;
  const steps = reply.steps;
  const latex = request.format === "latex";
  const out: string[] = [];
  if (latex) {
    out.push(
      "\\documentclass{article}",
      "\\usepackage{amsmath,amssymb}",
      "\\begin{document}",
      "\\section*{Derivative}",
      // Verbatim, so nothing in it is read as TeX (a comment may hold anything): its delimiter and
      // line ends, which would end it, are replaced.
      `Problem: \\verb|${request.state.problem.replace(/\|/g, "!").replace(/\r\n|\r|\n/g, "; ")}|\\\\`,
      `${r.title}.`,
      "\\[",
      r.latex ?? "\\text{(too large to show)}",
      "\\]",
    );
    if (reply.check) out.push(`Numeric check: ${reply.check.text.replace(/[✓✗]/g, "").trim()}.`);
    if (steps && steps.why === null) {
      out.push("\\section*{Steps}", "\\begin{align*}");
      for (const u of steps.intermediates) out.push(`& ${u.latex} \\\\`);
      for (const l of steps.locals) out.push(`& ${l.latex} \\\\`);
      out.push("\\end{align*}", "\\begin{enumerate}");
      for (const c of steps.chain) out.push(`\\item $${c.latex}$`);
      out.push("\\end{enumerate}", "\\begin{align*}");
      for (const l of steps.lines)
        out.push(`&\\text{${l.label}:}\\quad ${l.latex ?? `\\text{${l.text}}`} \\\\`);
      out.push("\\end{align*}");
    }
    out.push("\\end{document}", "");
  } else {
    // The fence is longer than any run of backticks in the problem, so the problem cannot close it.
    const longest = Math.max(0, ...(request.state.problem.match(/`+/g) ?? []).map((run) => run.length));
    const fence = "`".repeat(Math.max(3, longest + 1));
    out.push("# Derivative", "", "Problem:", "", fence, request.state.problem, fence, "", `${r.title}.`, "");
    out.push(
      "$$",
      r.latex ?? "\\text{(too large to show)}",
      "$$",
      "",
      `In matcalc's notation: \`${r.text ?? "(too large to show)"}\``,
      "",
    );
    if (reply.check) out.push(`Numeric check: ${reply.check.text}`, "");
    if (steps && steps.why === null) {
      out.push("## Steps", "", "Intermediate variables:", "");
      for (const u of steps.intermediates) out.push(`- $${u.latex}$`);
      out.push("", "Local derivatives:", "");
      for (const l of steps.locals) out.push(`- $${l.latex}$`);
      out.push("", "The chain:", "");
      for (const c of steps.chain) out.push(`1. \`${c.text}\``);
      out.push("");
      for (const l of steps.lines) out.push(`- ${l.label}: \`${l.text}\``);
      out.push("", `Cost: ${steps.cost}`, "");
    }
  }
  return { kind: "export", text: out.join("\n"), error: null };
}

export function compute(request: Request): Reply {
  switch (request.kind) {
    case "derive":
      return derive(request);
    case "exercise":
      return exercise(request);
    case "export":
      return exported(request);
  }
}

// As a worker: one request in, one reply out. Anything thrown becomes an error in the reply.
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage: (reply: Reply) => void;
};
if (typeof document === "undefined")
  scope.onmessage = (event) => {
    try {
      scope.postMessage(compute(event.data));
    } catch (error) {
      const message = `internal error: ${error instanceof Error ? error.message : String(error)}`;
      scope.postMessage({ kind: "failed", error: message });
    }
  };
