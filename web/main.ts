// The playground. The page reads the problem and options, asks the engine worker (engine.ts, through
// client.ts) as the user types (debounced; stale work is cancelled, slow work stopped after a time
// budget), renders with KaTeX, and keeps its state in the URL so it can be shared. Exercise mode
// hides the answer and judges the one typed; progress is kept in local storage, and teachers' sheets
// load from a file or a URL. Whatever is typed, it shows a result or an inline error; it never throws.
import katex from "katex";
import "katex/dist/katex.min.css";
import "./style.css";
import {
  COOKBOOK_EXAMPLES,
  createTrainer,
  type Example,
  formatError,
  type Layout,
  LECTURE_EXAMPLES,
  linePlotSvg,
  type Mode,
  NEURON_PROBLEM,
  type Optimizer,
  type SymmetricConvention,
  type Target,
  type Trainer,
} from "../src/index.js";
import { EngineClient } from "./client.js";
import { parseSheet } from "./exercises.js";
import type {
  DeriveReply,
  Exercise,
  ExerciseReply,
  PageState,
  Reply,
  VariableInfo,
  Verdict,
} from "./protocol.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const problemInput = $<HTMLTextAreaElement>("problem");
const orderInput = $<HTMLInputElement>("order");
const symmetricSelect = $<HTMLSelectElement>("symmetric");

/**
 * Work on the engine stops after this long, with a message (the page never freezes): 5 s, or the
 * seconds given as `?budget=` in the address (for a slow machine, or a patient user).
 */
const BUDGET_MS = (() => {
  const seconds = Number(new URLSearchParams(location.search).get("budget") ?? 5);
  return Number.isFinite(seconds) && seconds >= 0.1 && seconds <= 600 ? seconds * 1000 : 5000;
})();

const DEFAULT: PageState = {
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
  markOverflow(target);
}

/** A box whose content is wider than it gets a visible cue (a shadow at the edge it scrolls to). */
function markOverflow(box: HTMLElement): void {
  requestAnimationFrame(() => {
    const scroller = box.querySelector<HTMLElement>(".katex-display") ?? box;
    box.classList.toggle("overflows", scroller.scrollWidth > scroller.clientWidth + 1);
  });
}

// ——— state and URL ———

function readState(): PageState {
  const checked = [...document.querySelectorAll<HTMLInputElement>("#wrt input:checked")].map((i) => i.value);
  const layout = (document.querySelector<HTMLInputElement>("input[name=layout]:checked")?.value ??
    "numerator") as Layout;
  const mode = (document.querySelector<HTMLInputElement>("input[name=mode]:checked")?.value ??
    "forward") as Mode;
  const order = Math.min(8, Math.max(1, Math.round(Number(orderInput.value) || 1)));
  return {
    problem: problemInput.value,
    wrt: checked.length > 0 ? checked : pendingWrt,
    order,
    layout,
    symmetric: symmetricSelect.value as SymmetricConvention,
    mode,
  };
}

/** The variables asked for before the checkboxes exist (from a URL or a gallery example). */
let pendingWrt: string[] = [];

function writeState(state: PageState): void {
  problemInput.value = state.problem;
  orderInput.value = String(state.order);
  symmetricSelect.value = state.symmetric;
  pendingWrt = state.wrt;
  for (const input of document.querySelectorAll<HTMLInputElement>("#wrt input"))
    input.checked = state.wrt.includes(input.value);
  for (const input of document.querySelectorAll<HTMLInputElement>("input[name=layout]"))
    input.checked = input.value === state.layout;
  for (const input of document.querySelectorAll<HTMLInputElement>("input[name=mode]"))
    input.checked = input.value === state.mode;
}

function stateFromParams(params: URLSearchParams): PageState | null {
  const problem = params.get("p");
  if (problem === null) return null;
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

function stateToUrl(state: PageState): void {
  if (exercise !== null) return;
  const params = new URLSearchParams({
    p: state.problem,
    wrt: state.wrt.join(","),
    order: String(state.order),
    layout: state.layout,
    sym: state.symmetric,
    mode: state.mode,
  });
  history.replaceState(null, "", `${location.search}#${params.toString()}`);
}

// ——— the engine ———

const engine = new EngineClient(BUDGET_MS, (busy) => {
  $("status").hidden = !busy;
  document.body.classList.toggle("working", busy);
});
let started = 0;
setInterval(() => {
  if (!engine.busy) return;
  $("busy").textContent = `Working… ${((performance.now() - started) / 1000).toFixed(1)} s`;
}, 200);

async function ask(request: Parameters<EngineClient["request"]>[0]): Promise<Reply> {
  started = performance.now();
  $("busy").textContent = "Working…";
  return engine.request(request);
}

// ——— the playground ———

let variables: readonly VariableInfo[] = [];

/** Rebuilds the variable checkboxes for the problem's variables, keeping what was chosen. */
function showVariables(list: readonly VariableInfo[] | null, chosen: readonly string[]): void {
  const box = $("wrt");
  const names = (list ?? []).map((v) => v.name);
  const current = [...box.querySelectorAll<HTMLInputElement>("input")].map((i) => i.value);
  if (list !== null) variables = list;
  if (current.join(",") !== names.join(",") && list !== null) {
    box.replaceChildren(
      ...list.map((info) => {
        const label = document.createElement("label");
        const input = document.createElement("input");
        input.type = "checkbox";
        input.value = info.name;
        input.addEventListener("change", () => onVariableToggle(input));
        label.append(input, ` ${info.name} `);
        const kind = document.createElement("span");
        kind.className = "help";
        kind.textContent = info.type;
        label.append(kind);
        return label;
      }),
    );
  }
  for (const input of box.querySelectorAll<HTMLInputElement>("input"))
    input.checked = chosen.includes(input.value);
  if (list !== null) pendingWrt = [...chosen];
}

/** Several variables may be chosen only when all are scalars (they are stacked into one vector). */
function onVariableToggle(changed: HTMLInputElement): void {
  const scalar = (name: string) => variables.find((v) => v.name === name)?.scalar === true;
  const checked = [...document.querySelectorAll<HTMLInputElement>("#wrt input:checked")].map((i) => i.value);
  if (changed.checked && !(scalar(changed.value) && checked.every(scalar))) {
    for (const input of document.querySelectorAll<HTMLInputElement>("#wrt input"))
      input.checked = input === changed;
  }
  pendingWrt = [...document.querySelectorAll<HTMLInputElement>("#wrt input:checked")].map((i) => i.value);
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
  $("result").classList.remove("overflows");
}

function showVerdict(out: HTMLElement, verdict: Verdict | null): void {
  out.className = `mono verdict ${verdict?.status ?? ""}`;
  out.textContent = verdict?.text ?? "";
}

function renderDerive(reply: DeriveReply, state: PageState): void {
  showVariables(reply.variables, reply.wrt);
  updateTrainPanel(reply);
  const info = variables.find((v) => v.name === reply.wrt[0]);
  $("symmetric-label").hidden = !(reply.wrt.length === 1 && info?.symmetric === true);
  stateToUrl({ ...state, wrt: [...reply.wrt] });
  if (reply.error !== null) showError(reply.error);
  const r = reply.result;
  if (r === null) return;
  $("result-title").textContent = r.title;
  if (r.latex === null) $("result").textContent = "(too large to show)";
  else tex($("result"), r.latex);
  $("result-text").textContent = r.text ?? "(too large to show)";
  $("notes").replaceChildren(
    ...r.notes.map((note) => {
      const p = document.createElement("p");
      p.className = "help";
      p.textContent = note;
      return p;
    }),
  );
  $("index").textContent = r.index;
  if (reply.check) {
    $("check").className = `badge ${reply.check.status}`;
    $("check").textContent = reply.check.text;
  }
  showVerdict($("answer-verdict"), reply.answer);
  if (reply.code !== null) $("code").textContent = reply.code;
  if (reply.steps !== null) renderSteps(reply.steps);
}

function renderSteps(view: NonNullable<DeriveReply["steps"]>): void {
  const steps = $("steps");
  if (view.why !== null) {
    steps.textContent = view.why;
    return;
  }
  const table = document.createElement("table");
  table.innerHTML = "<thead><tr><th>Intermediate variable</th><th>Local derivatives</th></tr></thead>";
  const body = document.createElement("tbody");
  for (const u of view.intermediates) {
    const row = document.createElement("tr");
    const left = document.createElement("td");
    const right = document.createElement("td");
    tex(left, u.latex, false);
    for (const l of view.locals.filter((x) => x.of === u.name)) {
      const span = document.createElement("div");
      tex(span, l.latex ?? "", false);
      right.append(span);
    }
    row.append(left, right);
    body.append(row);
  }
  table.append(body);
  const chain = document.createElement("ol");
  for (const step of view.chain) {
    const li = document.createElement("li");
    li.className = "formula";
    li.title = step.text;
    tex(li, step.latex, false);
    chain.append(li);
  }
  // Each line typeset with KaTeX; its text form is kept for reading aloud and copying.
  const lines = document.createElement("dl");
  lines.className = "derivation";
  for (const line of view.lines) {
    const dt = document.createElement("dt");
    dt.textContent = `${line.label}:`;
    const dd = document.createElement("dd");
    dd.className = "formula";
    dd.title = line.text;
    if (line.latex !== null) tex(dd, line.latex, false);
    else dd.textContent = line.text;
    const plain = document.createElement("span");
    plain.className = "plain";
    plain.textContent = `${line.label}: ${line.text}`;
    lines.append(dt, dd, plain);
  }
  const cost = document.createElement("p");
  cost.className = "help";
  cost.textContent = `Cost: ${view.cost}`;
  steps.replaceChildren(table, chain, lines, cost);
}

// A reply is shown only if no later request was made: the client settles the earlier one "cancelled".
async function recompute(): Promise<void> {
  if (exercise !== null) return;
  const state = readState();
  const reply = await ask({
    kind: "derive",
    state,
    steps: ($("steps-details") as HTMLDetailsElement).open,
    code: ($("code-details") as HTMLDetailsElement).open
      ? ($<HTMLSelectElement>("target").value as Target)
      : null,
    answer: ($("answer-details") as HTMLDetailsElement).open ? $<HTMLInputElement>("answer").value : null,
  });
  if (reply.kind === "cancelled") return;
  $("error").hidden = true;
  clearResult();
  if (reply.kind === "derive") renderDerive(reply, state);
  else if (reply.kind === "stopped" || reply.kind === "failed") showError(reply.error);
}

let timer: ReturnType<typeof setTimeout> | undefined;
function schedule(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(() => void recompute(), 150);
}

// ——— export ———

async function exportAs(format: "latex" | "markdown"): Promise<void> {
  const reply = await ask({ kind: "export", state: readState(), format });
  if (reply.kind === "cancelled") return;
  if (reply.kind !== "export" || reply.text === null) {
    showError(`nothing to export: ${"error" in reply ? reply.error : ""}`);
    return;
  }
  const blob = new Blob([reply.text], { type: format === "latex" ? "application/x-tex" : "text/markdown" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = format === "latex" ? "derivative.tex" : "derivative.md";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// ——— exercises ———

let exercise: Exercise | null = null;
let hintsShown = 0;
let lastExercise: ExerciseReply | null = null;
/** The exercises "Next" walks through: the lecture's, or a loaded sheet's. */
let exerciseList: readonly Exercise[] = [];

const lectureExercises: readonly Exercise[] = LECTURE_EXAMPLES.map((e) => asExercise(e));

function asExercise(e: Example): Exercise {
  return { title: e.title, problem: e.problem, wrt: e.wrt, layout: "numerator", order: e.order ?? 1 };
}

const PROGRESS_KEY = "matcalc-progress";
const keyOf = (e: Exercise) => `${e.problem}|${e.wrt}|${e.order}`;

function solvedSet(): Set<string> {
  try {
    const raw = localStorage.getItem(PROGRESS_KEY);
    return new Set(raw ? (JSON.parse(raw) as string[]) : []);
  } catch {
    return new Set();
  }
}

function markSolved(e: Exercise): void {
  const solved = solvedSet();
  if (solved.has(keyOf(e))) return;
  solved.add(keyOf(e));
  try {
    localStorage.setItem(PROGRESS_KEY, JSON.stringify([...solved]));
  } catch {
    // Storage may be off (a private window): progress is then not kept.
  }
  showProgress();
}

function showProgress(): void {
  const solved = solvedSet();
  const done = lectureExercises.filter((e) => solved.has(keyOf(e))).length;
  $("progress").textContent =
    `Solved ${done} of ${lectureExercises.length} lecture exercises in this browser.`;
  for (const button of document.querySelectorAll<HTMLButtonElement>("button[data-exercise]")) {
    const e = lectureExercises[Number(button.dataset.exercise)];
    button.classList.toggle("solved", e !== undefined && solved.has(keyOf(e)));
  }
}

function exerciseUrl(e: Exercise): string {
  const params = new URLSearchParams({
    ex: e.title,
    p: e.problem,
    wrt: e.wrt,
    layout: e.layout,
    order: String(e.order),
  });
  if (e.expected) params.set("expected", e.expected);
  return `${location.origin}${location.pathname}${location.search}#${params.toString()}`;
}

/** In exercise mode the exercise replaces the problem, the derivative and the Train panel. */
function showExercisePanel(on: boolean): void {
  $("exercise-panel").hidden = !on;
  for (const id of ["result-panel", "input-panel", "train-panel"]) $(id).hidden = on;
}

function openExercise(e: Exercise, list: readonly Exercise[]): void {
  exercise = e;
  exerciseList = list;
  hintsShown = 0;
  lastExercise = null;
  history.replaceState(null, "", exerciseUrl(e));
  showExercisePanel(true);
  $("exercise-title").textContent = e.title;
  const order = e.order === 1 ? "the derivative" : `the derivative of order ${e.order}`;
  $("exercise-task").textContent =
    `Find ${order} by ${e.wrt} (either layout is accepted; the lecture's is numerator).`;
  $<HTMLInputElement>("exercise-answer").value = "";
  $("exercise-verdict").textContent = "";
  $("hints").replaceChildren();
  $("exercise-solution").hidden = true;
  $("exercise-problem").textContent = e.problem;
  showProgress();
  void checkExercise();
  $("exercise-panel").scrollIntoView({ block: "nearest" });
  $<HTMLInputElement>("exercise-answer").focus();
}

function leaveExercise(): void {
  exercise = null;
  showExercisePanel(false);
  void recompute();
}

async function checkExercise(): Promise<void> {
  const e = exercise;
  if (e === null) return;
  const reply = await ask({
    kind: "exercise",
    exercise: e,
    answer: $<HTMLInputElement>("exercise-answer").value,
  });
  if (exercise !== e || reply.kind === "cancelled") return;
  if (reply.kind !== "exercise") {
    showVerdict($("exercise-verdict"), { status: "none", text: "error" in reply ? (reply.error ?? "") : "" });
    return;
  }
  lastExercise = reply;
  if (reply.problemLatex !== null) tex($("exercise-problem"), reply.problemLatex);
  showVerdict(
    $("exercise-verdict"),
    reply.error !== null ? { status: "none", text: reply.error } : reply.verdict,
  );
  if (reply.solved) markSolved(e);
  showHints();
}

function showHints(): void {
  const reply = lastExercise;
  const list = $("hints");
  if (reply === null) return;
  if (hintsShown > 0 && reply.hints.length === 0) {
    list.replaceChildren(item("No step-by-step hints for this one (several variables or a higher order)."));
    return;
  }
  list.replaceChildren(
    ...reply.hints.slice(0, hintsShown).map((hint) => {
      const li = item(hint.title);
      for (const line of hint.lines) {
        const div = document.createElement("div");
        div.className = "formula";
        if (line.latex !== null) tex(div, line.latex, false);
        else {
          div.classList.add("mono");
          div.textContent = line.text;
        }
        li.append(div);
      }
      return li;
    }),
  );
  $<HTMLButtonElement>("hint").disabled = hintsShown >= Math.max(1, reply.hints.length);
}

function item(text: string): HTMLLIElement {
  const li = document.createElement("li");
  const strong = document.createElement("strong");
  strong.textContent = text;
  li.append(strong);
  return li;
}

function showSolution(): void {
  const answer = lastExercise?.answer;
  if (!answer) return;
  $("exercise-solution").hidden = false;
  if (answer.latex !== null) tex($("exercise-solution-formula"), answer.latex);
  $("exercise-solution-text").textContent = answer.text;
}

function nextExercise(): void {
  if (exercise === null) return;
  const list = exerciseList.length > 0 ? exerciseList : lectureExercises;
  const solved = solvedSet();
  const at = list.findIndex((e) => keyOf(e) === keyOf(exercise!));
  // The next one not solved yet, after this one; else simply the next.
  for (let k = 1; k <= list.length; k++) {
    const e = list[(at + k) % list.length]!;
    if (!solved.has(keyOf(e)) || k === list.length) {
      openExercise(e, list);
      return;
    }
  }
}

function exerciseFromParams(params: URLSearchParams): Exercise | null {
  const title = params.get("ex");
  const problem = params.get("p");
  if (title === null || problem === null) return null;
  const layout = params.get("layout") === "denominator" ? "denominator" : "numerator";
  const expected = params.get("expected");
  return {
    title,
    problem,
    wrt: params.get("wrt") ?? "x",
    layout,
    order: Math.min(8, Math.max(1, Number(params.get("order") ?? 1) || 1)),
    ...(expected ? { expected } : {}),
  };
}

function showSheet(text: string, from: string): void {
  const status = $("sheet-status");
  try {
    const sheet = parseSheet(text);
    status.textContent = `${sheet.title}: ${sheet.exercises.length} exercise${sheet.exercises.length === 1 ? "" : "s"} (from ${from})`;
    $("sheet").replaceChildren(
      ...sheet.exercises.map((e) => {
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = e.title;
        button.addEventListener("click", () => openExercise(e, sheet.exercises));
        li.append(button);
        return li;
      }),
    );
  } catch (error) {
    status.textContent = `the sheet cannot be used: ${error instanceof Error ? error.message : String(error)}`;
    $("sheet").replaceChildren();
  }
}

async function loadSheetFromUrl(address: string): Promise<void> {
  try {
    const response = await fetch(new URL(address, location.href));
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    showSheet(await response.text(), address);
  } catch (error) {
    $("sheet-status").textContent =
      `the sheet at ${address} could not be read: ${error instanceof Error ? error.message : String(error)}`;
  }
}

// ——— the Train panel: the same loop as `matcalc train`, a chunk of steps per frame, drawing the loss
// curve as it goes (each chunk is short, so it runs on the page's thread) ———

let running: { trainer: Trainer; stop: boolean } | null = null;
let dataFor = "";
let lastData: Record<string, unknown> | null = null;

function paramsList(): string[] {
  return $<HTMLInputElement>("params")
    .value.split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

function dataWithout(params: readonly string[]): Record<string, unknown> {
  const values = { ...(lastData ?? {}) };
  for (const p of params) delete values[p];
  return values;
}

function updateTrainPanel(reply: DeriveReply): void {
  const scalar = reply.scalar;
  $("train-controls").hidden = !scalar;
  const note = $("train-unavailable");
  note.hidden = scalar;
  note.textContent = reply.variables === null ? "" : "Training needs a scalar problem (a loss).";
  if (!scalar || running) return;
  lastData = reply.data;
  const source = problemInput.value;
  if (dataFor !== source) {
    dataFor = source;
    const names = (reply.variables ?? []).map((v) => v.name);
    const params =
      source === NEURON_PROBLEM
        ? ["w", "b"]
        : paramsList().every((p) => names.includes(p)) && paramsList().length > 0
          ? paramsList()
          : [...reply.wrt];
    $<HTMLInputElement>("params").value = params.join(",");
    $<HTMLTextAreaElement>("data").value = JSON.stringify(dataWithout(params));
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

// ——— the gallery ———

function load(example: Example): void {
  if (exercise !== null) leaveExercise();
  writeState({
    ...DEFAULT,
    problem: example.problem,
    wrt: example.wrt.split(","),
    order: example.order ?? 1,
  });
  void recompute();
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
  const examples = [...LECTURE_EXAMPLES, ...COOKBOOK_EXAMPLES];
  examples.forEach((example, k) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = example.title;
    button.addEventListener("click", () => load(example));
    const practice = document.createElement("button");
    practice.type = "button";
    practice.className = "exercise";
    practice.textContent = "Exercise";
    practice.setAttribute("aria-label", `Exercise: ${example.title}`);
    if (k < LECTURE_EXAMPLES.length) practice.dataset.exercise = String(k);
    practice.addEventListener("click", () =>
      openExercise(
        k < LECTURE_EXAMPLES.length ? lectureExercises[k]! : asExercise(example),
        k < LECTURE_EXAMPLES.length
          ? lectureExercises
          : examples.slice(LECTURE_EXAMPLES.length).map(asExercise),
      ),
    );
    item.append(button, practice);
    list.append(item);
  });
}

// ——— wiring ———

function copyButton(id: string, label: string, text: () => string): void {
  $(id).addEventListener("click", () => {
    navigator.clipboard?.writeText(text()).catch(() => undefined);
    $(id).textContent = "Copied";
    setTimeout(() => {
      $(id).textContent = label;
    }, 1200);
  });
}

copyButton("copy-latex", "Copy LaTeX", () => $("result").querySelector("annotation")?.textContent ?? "");
copyButton("copy-code", "Copy code", () => $("code").textContent ?? "");
copyButton("share-exercise", "Copy link", () => (exercise ? exerciseUrl(exercise) : location.href));
problemInput.addEventListener("input", schedule);
orderInput.addEventListener("input", schedule);
symmetricSelect.addEventListener("change", schedule);
for (const input of document.querySelectorAll<HTMLInputElement>("input[name=layout], input[name=mode]"))
  input.addEventListener("change", schedule);
for (const id of ["steps-details", "answer-details", "code-details"])
  $(id).addEventListener("toggle", () => void recompute());
$("answer").addEventListener("input", schedule);
$("target").addEventListener("change", () => void recompute());
$("cancel").addEventListener("click", () => {
  engine.cancel();
  showError("cancelled");
});
$("export-latex").addEventListener("click", () => void exportAs("latex"));
$("export-markdown").addEventListener("click", () => void exportAs("markdown"));
$("train").addEventListener("click", startTraining);
$("fill-data").addEventListener("click", () => {
  $<HTMLTextAreaElement>("data").value = JSON.stringify(dataWithout(paramsList()));
});
let exerciseTimer: ReturnType<typeof setTimeout> | undefined;
$("exercise-answer").addEventListener("input", () => {
  if (exerciseTimer !== undefined) clearTimeout(exerciseTimer);
  exerciseTimer = setTimeout(() => void checkExercise(), 150);
});
$("hint").addEventListener("click", () => {
  hintsShown++;
  showHints();
});
$("show-answer").addEventListener("click", showSolution);
$("next-exercise").addEventListener("click", nextExercise);
$("leave-exercise").addEventListener("click", leaveExercise);
$("sheet-file").addEventListener("change", async () => {
  const file = $<HTMLInputElement>("sheet-file").files?.[0];
  if (file) showSheet(await file.text(), file.name);
});
window.addEventListener("error", (event) => {
  event.preventDefault();
  showError(`internal error: ${event.message}`);
});

buildGallery();
showProgress();
const hash = new URLSearchParams(location.hash.slice(1));
const sheet = new URLSearchParams(location.search).get("sheet");
if (sheet !== null) void loadSheetFromUrl(sheet);
const linked = exerciseFromParams(hash);
writeState(stateFromParams(hash) ?? DEFAULT);
if (linked !== null)
  openExercise(
    linked,
    lectureExercises.some((e) => keyOf(e) === keyOf(linked)) ? lectureExercises : [linked],
  );
else void recompute();
