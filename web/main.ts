// The playground: the whole engine in the page. It reads the problem and options, recomputes as the
// user types (debounced), renders with KaTeX, and keeps its state in the URL so it can be shared.
// Whatever is typed, it shows a result or an inline error; it never throws.
import katex from "katex";
import "katex/dist/katex.min.css";
import "./style.css";
import {
  analyze,
  COOKBOOK_EXAMPLES,
  checkDerivative,
  compareAnswer,
  createTrainer,
  type Derivative,
  differentiate,
  type Example,
  emit,
  explain,
  explanationJson,
  formatError,
  formatShape,
  type Layout,
  LECTURE_EXAMPLES,
  linePlotSvg,
  type Mode,
  NEURON_PROBLEM,
  neuronData,
  type Optimizer,
  type Problem,
  randomValues,
  type SymmetricConvention,
  shownOrWhy,
  type Target,
  type Trainer,
} from "../src/index.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const problemInput = $<HTMLTextAreaElement>("problem");
const orderInput = $<HTMLInputElement>("order");
const symmetricSelect = $<HTMLSelectElement>("symmetric");

interface State {
  problem: string;
  wrt: string[];
  order: number;
  layout: Layout;
  symmetric: SymmetricConvention;
  mode: Mode;
}

const DEFAULT: State = {
  problem: "A: matrix(n, n), x: vector(n)\nx'*A*x",
  wrt: ["x"],
  order: 1,
  layout: "numerator",
  symmetric: "projection",
  mode: "forward",
};

/** Past this many characters a formula is shown as text: typesetting it would hold the page up. */
const TYPESET_LIMIT = 20_000;

function tex(target: HTMLElement, latex: string, display = true): void {
  if (latex.length > TYPESET_LIMIT) {
    target.textContent = `(a formula of ${latex.length.toLocaleString("en-US")} characters: too long to typeset here)`;
    return;
  }
  try {
    katex.render(latex, target, { displayMode: display, throwOnError: false, output: "htmlAndMathml" });
  } catch {
    target.textContent = latex;
  }
}

function readState(): State {
  const checked = [...document.querySelectorAll<HTMLInputElement>("#wrt input:checked")].map((i) => i.value);
  const layout = (document.querySelector<HTMLInputElement>("input[name=layout]:checked")?.value ??
    "numerator") as Layout;
  const mode = (document.querySelector<HTMLInputElement>("input[name=mode]:checked")?.value ??
    "forward") as Mode;
  const order = Math.min(4, Math.max(1, Math.round(Number(orderInput.value) || 1)));
  return {
    problem: problemInput.value,
    wrt: checked,
    order,
    layout,
    symmetric: symmetricSelect.value as SymmetricConvention,
    mode,
  };
}

function writeState(state: State): void {
  problemInput.value = state.problem;
  orderInput.value = String(state.order);
  symmetricSelect.value = state.symmetric;
  for (const input of document.querySelectorAll<HTMLInputElement>("input[name=layout]"))
    input.checked = input.value === state.layout;
  for (const input of document.querySelectorAll<HTMLInputElement>("input[name=mode]"))
    input.checked = input.value === state.mode;
}

function stateFromUrl(): State {
  const params = new URLSearchParams(location.hash.slice(1));
  const problem = params.get("p");
  if (problem === null) return DEFAULT;
  const layout = params.get("layout");
  const mode = params.get("mode");
  return {
    problem,
    wrt: (params.get("wrt") ?? "").split(",").filter((w) => w.length > 0),
    order: Number(params.get("order") ?? 1) || 1,
    layout: layout === "denominator" || layout === "mixed" ? layout : "numerator",
    symmetric: params.get("sym") === "cookbook" ? "cookbook" : "projection",
    mode: mode === "backward" ? "backward" : "forward",
  };
}

function stateToUrl(state: State): void {
  const params = new URLSearchParams({
    p: state.problem,
    wrt: state.wrt.join(","),
    order: String(state.order),
    layout: state.layout,
    sym: state.symmetric,
    mode: state.mode,
  });
  history.replaceState(null, "", `#${params.toString()}`);
}

/** Rebuilds the variable checkboxes for the problem's variables, keeping what was chosen. */
function updateVariables(problem: Problem | null, wanted: readonly string[]): string[] {
  const box = $("wrt");
  const names = problem?.variables.map((v) => v.name) ?? [];
  const current = [...box.querySelectorAll<HTMLInputElement>("input")].map((i) => i.value);
  let chosen = wanted.filter((w) => names.includes(w));
  if (chosen.length === 0 && names.length > 0) chosen = [names.find((n) => n === "x") ?? names[0]!];
  if (current.join(",") !== names.join(",")) {
    box.replaceChildren(
      ...names.map((name) => {
        const info = problem!.variables.find((v) => v.name === name)!;
        const label = document.createElement("label");
        const input = document.createElement("input");
        input.type = "checkbox";
        input.value = name;
        input.addEventListener("change", () => onVariableToggle(input));
        label.append(input, ` ${name} `);
        const kind = document.createElement("span");
        kind.className = "help";
        kind.textContent =
          info.kind === "symmetric"
            ? `symmetric(${info.shape[0]})`
            : info.shape.length === 0
              ? "scalar"
              : formatShape(info.shape);
        label.append(kind);
        return label;
      }),
    );
  }
  for (const input of box.querySelectorAll<HTMLInputElement>("input"))
    input.checked = chosen.includes(input.value);
  return chosen;
}

/** Several variables may be chosen only when all are scalars (they are stacked into one vector). */
function onVariableToggle(changed: HTMLInputElement): void {
  const analysis = analyze(problemInput.value);
  const scalar = (name: string) =>
    analysis.problem?.variables.find((v) => v.name === name)?.shape.length === 0;
  if (changed.checked && !(scalar(changed.value) && readState().wrt.every(scalar))) {
    for (const input of document.querySelectorAll<HTMLInputElement>("#wrt input"))
      input.checked = input === changed;
  }
  schedule();
}

function showError(message: string): void {
  const box = $("error");
  const pre = document.createElement("pre");
  pre.textContent = message;
  box.replaceChildren(pre);
  box.hidden = false;
}

function clearResult(): void {
  for (const id of ["result", "result-text", "notes", "index", "steps", "check", "result-title"])
    $(id).replaceChildren();
  $("check").className = "badge";
}

function renderDerivative(d: Derivative): void {
  const by = d.wrt.join(",");
  $("result-title").textContent =
    `${d.order === 1 ? "" : `order ${d.order}, `}by ${by} — ${d.layout} layout, shape ${formatShape(d.shape) || "scalar"}${d.kind === "index" ? ", index notation" : ""}`;
  // A result too large to show is said so; its numbers and code still come.
  const text = shownOrWhy(() => d.text).text;
  const latex = shownOrWhy(() => d.latex).text;
  if (latex === null) $("result").textContent = "(too large to show)";
  else tex($("result"), latex);
  $("result-text").textContent = text ?? "(too large to show)";
  $("notes").replaceChildren(
    ...d.notes.map((note) => {
      const p = document.createElement("p");
      p.className = "help";
      p.textContent = note;
      return p;
    }),
  );
  const index = $("index");
  index.textContent = d.index;
}

function renderSteps(state: State): void {
  const steps = $("steps");
  if (state.wrt.length !== 1 || state.order !== 1) {
    steps.textContent = "Steps are shown for first derivatives by one variable.";
    return;
  }
  const json = explanationJson(
    explain(problemInput.value, state.wrt[0]!, { mode: state.mode, layout: state.layout }),
  );
  if (json.tooManySteps !== null) {
    steps.textContent = `Too many operations to show step by step: ${(json.tooManySteps as number).toLocaleString("en-US")} intermediate variables.`;
    return;
  }
  const table = document.createElement("table");
  table.innerHTML = "<thead><tr><th>Intermediate variable</th><th>Local derivatives</th></tr></thead>";
  const body = document.createElement("tbody");
  const intermediates = json.intermediates as Array<{ name: string; latex: string }>;
  // u1 → u_{1}, as the expressions themselves write it.
  const sub = (name: string) => name.replace(/^([a-z]+)(\d+)$/, "$1_{$2}");
  const locals = json.locals as Array<{ of: string; by: string; latex: string | null }>;
  intermediates.forEach((u, k) => {
    const row = document.createElement("tr");
    const left = document.createElement("td");
    const right = document.createElement("td");
    tex(left, `${k === intermediates.length - 1 ? "y = " : ""}${sub(u.name)} = ${u.latex}`, false);
    for (const l of locals.filter((x) => x.of === u.name)) {
      const span = document.createElement("div");
      tex(
        span,
        `\\frac{\\partial ${sub(l.of)}}{\\partial ${sub(l.by)}} = ${l.latex ?? "\\text{(tensor)}"}`,
        false,
      );
      right.append(span);
    }
    row.append(left, right);
    body.append(row);
  });
  table.append(body);
  const chain = document.createElement("ol");
  for (const step of json.chain as Array<{ target: string; terms: string[][]; bookkeeping: string[] }>) {
    const li = document.createElement("li");
    li.textContent = `${step.target} = ${step.terms.map((t) => t.join(" · ")).join(" + ")}   [${step.bookkeeping.join("; ")}]`;
    chain.append(li);
  }
  const lines = document.createElement("div");
  const line = (label: string, text: string | null) => {
    if (text === null) return;
    const p = document.createElement("p");
    p.className = "mono";
    p.textContent = `${label} ${text}`;
    lines.append(p);
  };
  line("Apply:", json.applied as string | null);
  line("Substitute:", json.substituted as string | null);
  for (const s of json.simplification as Array<{ rule: string; before: string; after: string }>)
    line(`${s.rule}:`, `${s.before} → ${s.after}`);
  line("Result:", (json.result as { text: string }).text);
  const costs = json.costs as { forward: string; backward: string };
  line("Cost:", `forward ${costs.forward}, backward ${costs.backward} scalar multiplications`);
  steps.replaceChildren(table, chain, lines);
}

function renderCheck(state: State): void {
  const badge = $("check");
  try {
    const report = checkDerivative(problemInput.value, state.wrt, {
      order: state.order,
      layout: state.layout,
      symmetric: state.symmetric,
      seed: 7,
    });
    badge.className = `badge ${report.passed ? "pass" : "fail"}`;
    const ad =
      report.reverseModeError === null
        ? ""
        : `, ${report.reverseModeError.toExponential(1)} vs reverse-mode AD`;
    const forward =
      report.forwardModeError === null
        ? ""
        : `, ${report.forwardModeError.toExponential(1)} vs forward-mode AD`;
    badge.textContent = `${report.passed ? "✓ check passed" : "✗ check failed"}: max rel. error ${report.maxRelativeError.toExponential(1)} vs finite differences${ad}${forward}`;
  } catch (error) {
    badge.className = "badge";
    badge.textContent = `no numeric check: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The verdict on the answer typed: equal (in which layout), or how it differs, with a counterexample. */
function renderAnswer(state: State): void {
  const out = $("answer-verdict");
  const answer = $<HTMLInputElement>("answer").value.trim();
  out.className = "mono";
  if (answer === "" || state.wrt.length === 0) {
    out.textContent = "";
    return;
  }
  try {
    const c = compareAnswer(problemInput.value, state.wrt[0]!, answer);
    out.className = `mono ${c.equal ? "pass" : "fail"}`;
    const where = c.counterexample
      ? `\nfor example at ${Object.entries(c.counterexample.values)
          .map(([name, value]) => `${name} = ${JSON.stringify(value)}`)
          .join(", ")}`
      : "";
    out.textContent = `${c.equal ? "✓" : "✗"} ${c.message}${where}`;
  } catch (error) {
    out.textContent = formatError(error);
  }
}

function renderCode(state: State): void {
  const code = $("code");
  try {
    code.textContent = emit(problemInput.value, state.wrt, {
      target: $<HTMLSelectElement>("target").value as Target,
      order: state.order,
      layout: state.layout,
      symmetric: state.symmetric,
    }).code;
  } catch (error) {
    code.textContent = `no code: ${error instanceof Error ? error.message : String(error)}`;
  }
}

// The Train panel: runs the same loop as `matcalc train`, a chunk of steps per frame, drawing the
// loss curve as it goes.
let running: { trainer: Trainer; stop: boolean } | null = null;
let dataFor = "";

function dataValues(problem: Problem, params: readonly string[]): Record<string, unknown> {
  if (problem.source === NEURON_PROBLEM) {
    const { X, y } = neuronData();
    return { X, y };
  }
  const values = randomValues(problem, 3);
  for (const p of params) delete values[p];
  return values;
}

function paramsList(): string[] {
  return $<HTMLInputElement>("params")
    .value.split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

function updateTrainPanel(problem: Problem | null, wrt: readonly string[]): void {
  const scalar = problem !== null && problem.expression.shape.length === 0;
  $("train-controls").hidden = !scalar;
  const note = $("train-unavailable");
  note.hidden = scalar;
  note.textContent = problem === null ? "" : "Training needs a scalar problem (a loss).";
  if (!scalar || running) return;
  if (dataFor !== problem.source) {
    dataFor = problem.source;
    const names = problem.variables.map((v) => v.name);
    const params =
      problem.source === NEURON_PROBLEM
        ? ["w", "b"]
        : paramsList().every((p) => names.includes(p)) && paramsList().length > 0
          ? paramsList()
          : [...wrt];
    $<HTMLInputElement>("params").value = params.join(",");
    $<HTMLTextAreaElement>("data").value = JSON.stringify(dataValues(problem, params));
    $("train-status").textContent = "";
    $("train-result").textContent = "";
    $("loss-plot").replaceChildren();
  }
}

function showTraining(trainer: Trainer): void {
  const state = trainer.state();
  const check = state.checks.at(-1);
  $("train-status").textContent =
    `step ${state.step}/${state.steps}  loss ${state.loss.toPrecision(4)}` +
    (check ? `  check ${check.error < 1e-6 ? "ok" : "FAILED"} (${check.error.toExponential(1)})` : "");
  $("loss-plot").innerHTML = linePlotSvg(state.losses, { title: "loss", width: 640, height: 300 });
  if (state.done) {
    $("train-result").textContent = Object.entries(trainer.values())
      .map(
        ([name, value]) =>
          `${name} = ${JSON.stringify(value, (_k, v) => (typeof v === "number" ? Number(v.toPrecision(6)) : v))}`,
      )
      .join("   ");
  }
}

function startTraining(): void {
  const button = $<HTMLButtonElement>("train");
  if (running) {
    running.stop = true;
    return;
  }
  try {
    const trainer = createTrainer({
      problem: problemInput.value,
      params: paramsList(),
      data: JSON.parse($<HTMLTextAreaElement>("data").value) as Record<string, unknown>,
      optimizer: $<HTMLSelectElement>("optimizer").value as Optimizer,
      learningRate: Number($<HTMLInputElement>("lr").value),
      steps: Math.round(Number($<HTMLInputElement>("train-steps").value)),
    });
    running = { trainer, stop: false };
    button.textContent = "Stop";
    $("train-result").textContent = "";
    const chunk = Math.max(1, Math.ceil(trainer.state().steps / 60));
    const tick = () => {
      if (!running) return;
      try {
        const state = running.trainer.advance(chunk);
        showTraining(running.trainer);
        if (state.done || running.stop) {
          running = null;
          button.textContent = "Train";
          return;
        }
        requestAnimationFrame(tick);
      } catch (error) {
        running = null;
        button.textContent = "Train";
        $("train-status").textContent = formatError(error, problemInput.value);
      }
    };
    requestAnimationFrame(tick);
  } catch (error) {
    $("train-status").textContent =
      error instanceof SyntaxError
        ? `the data are not valid JSON: ${error.message}`
        : formatError(error, problemInput.value);
  }
}

function recompute(): void {
  const state = readState();
  $("error").hidden = true;
  clearResult();
  try {
    const analysis = analyze(state.problem);
    if (analysis.diagnostics.length > 0 || analysis.problem === null) {
      updateVariables(null, state.wrt);
      updateTrainPanel(null, []);
      const first = analysis.diagnostics[0];
      if (first) showError(formatError(first, state.problem));
      stateToUrl(state);
      return;
    }
    const wrt = updateVariables(analysis.problem, state.wrt);
    updateTrainPanel(analysis.problem, wrt);
    const info = analysis.problem.variables.find((v) => v.name === wrt[0]);
    $("symmetric-label").hidden = !(wrt.length === 1 && info?.kind === "symmetric");
    const current = { ...state, wrt };
    stateToUrl(current);
    if (wrt.length === 0) return;
    const d = differentiate(analysis.problem, wrt, {
      order: current.order,
      layout: current.layout,
      symmetric: current.symmetric,
    });
    renderDerivative(d);
    renderCheck(current);
    if (($("answer-details") as HTMLDetailsElement).open) renderAnswer(current);
    if (($("steps-details") as HTMLDetailsElement).open) renderSteps(current);
    if (($("code-details") as HTMLDetailsElement).open) renderCode(current);
  } catch (error) {
    showError(formatError(error, state.problem));
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;
function schedule(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(recompute, 150);
}

function load(example: Example): void {
  writeState({
    ...DEFAULT,
    problem: example.problem,
    wrt: example.wrt.split(","),
    order: example.order ?? 1,
  });
  updateVariables(analyze(problemInput.value).problem, example.wrt.split(","));
  recompute();
}

function buildGallery(): void {
  const list = $("gallery");
  const neuron = document.createElement("li");
  const trainButton = document.createElement("button");
  trainButton.type = "button";
  trainButton.id = "load-neuron";
  trainButton.textContent = "Train the lecture's ReLU neuron: mean((y - max(0, X'*w + b)).^2)";
  trainButton.addEventListener("click", () => {
    load({ title: "neuron", problem: NEURON_PROBLEM, wrt: "w" });
    $("train-panel").scrollIntoView();
  });
  neuron.append(trainButton);
  list.append(neuron);
  for (const example of [...LECTURE_EXAMPLES, ...COOKBOOK_EXAMPLES]) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = example.title;
    button.addEventListener("click", () => load(example));
    item.append(button);
    list.append(item);
  }
}

$("copy-latex").addEventListener("click", () => {
  const latex = $("result").querySelector("annotation")?.textContent ?? "";
  navigator.clipboard?.writeText(latex).catch(() => undefined);
  $("copy-latex").textContent = "Copied";
  setTimeout(() => {
    $("copy-latex").textContent = "Copy LaTeX";
  }, 1200);
});
problemInput.addEventListener("input", schedule);
orderInput.addEventListener("input", schedule);
symmetricSelect.addEventListener("change", schedule);
for (const input of document.querySelectorAll<HTMLInputElement>("input[name=layout], input[name=mode]"))
  input.addEventListener("change", schedule);
$("steps-details").addEventListener("toggle", () => recompute());
$("answer-details").addEventListener("toggle", () => recompute());
$("answer").addEventListener("input", schedule);
$("code-details").addEventListener("toggle", () => recompute());
$("target").addEventListener("change", () => renderCode(readState()));
$("copy-code").addEventListener("click", () => {
  navigator.clipboard?.writeText($("code").textContent ?? "").catch(() => undefined);
  $("copy-code").textContent = "Copied";
  setTimeout(() => {
    $("copy-code").textContent = "Copy code";
  }, 1200);
});
$("train").addEventListener("click", startTraining);
$("fill-data").addEventListener("click", () => {
  const problem = analyze(problemInput.value).problem;
  if (problem) $<HTMLTextAreaElement>("data").value = JSON.stringify(dataValues(problem, paramsList()));
});
window.addEventListener("error", (event) => {
  event.preventDefault();
  showError(`internal error: ${event.message}`);
});

buildGallery();
const initial = stateFromUrl();
writeState(initial);
updateVariables(analyze(initial.problem).problem, initial.wrt);
recompute();
