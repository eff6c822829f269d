// `matcalc train`: gradient descent or Adam with the compiled symbolic gradient, a progress bar with
// the loss, a gradient cross-check against reverse-mode AD, a sparkline and an SVG loss plot.
import { accessSync, constants, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  createTrainer,
  linePlotSvg,
  loadProblem,
  NEURON_PROBLEM,
  neuronData,
  type Optimizer,
  type Problem,
  sparkline,
  type TrainState,
  toText,
} from "../api/index.js";
import { useTwoThreads } from "../node/threads.js";
import { choice } from "./diff.js";
import {
  type CliIo,
  EXIT_BAD_INPUT,
  EXIT_OK,
  InputError,
  readTextFile,
  UsageError,
  VALUES_LIMIT,
} from "./io.js";
import type { Options } from "./main.js";

/** A decimal number as CSV files write them: 3, -0.5, .25, 1e-3, +2.5E10. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A check that disagrees by more than this fails the run. */
const CHECK_TOLERANCE = 1e-6;

function positiveNumber(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(n > 0) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} takes a positive ${integer ? "whole number" : "number"}, got '${text}'`);
  }
  return n;
}

/**
 * Data from CSV: a header names the columns, each later line is one sample. A column named like a
 * vector variable gives that vector; columns X_1, X_2, … give the matrix X, one column per feature,
 * with the samples along the axis that the problem shares with the vector data (the lecture's
 * X = [x_1 … x_N] has them as columns), else along its rows.
 */
export function csvData(text: string, problem: Problem, path: string): Record<string, unknown> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length < 2) throw new InputError(`${path}: a header line and at least one sample are needed`);
  const header = lines[0]!.split(",").map((h) => h.trim());
  header.forEach((name, c) => {
    const first = header.indexOf(name);
    if (first !== c)
      throw new InputError(`${path}: column '${name}' appears twice (columns ${first + 1} and ${c + 1})`);
  });
  const rows = lines.slice(1).map((line, r) => {
    const cells = line.split(",");
    if (cells.length !== header.length) {
      throw new InputError(`${path}:${r + 2}: ${cells.length} values, the header has ${header.length}`);
    }
    return cells.map((cell, c) => {
      const text = cell.trim();
      // Decimal numbers only: Number() would also read 0x10 as 16, 0b1 as 1 and "" as 0.
      if (!DECIMAL.test(text)) {
        throw new InputError(`${path}:${r + 2}: ${header[c]} is not a decimal number: '${text}'`);
      }
      const x = Number(text);
      if (!Number.isFinite(x)) throw new InputError(`${path}:${r + 2}: ${header[c]} is too large: '${text}'`);
      return x;
    });
  });
  const column = (c: number) => rows.map((row) => row[c]!);
  const data: Record<string, unknown> = {};
  const matrixColumns = new Map<string, Array<{ k: number; c: number }>>();
  header.forEach((name, c) => {
    const feature = /^(\w+?)(?:_(\d+)|\[(\d+)\])$/.exec(name);
    const variable = problem.variables.find((v) => v.name === name);
    if (variable && variable.shape.length === 1) data[name] = column(c);
    else if (feature && problem.variables.some((v) => v.name === feature[1] && v.shape.length === 2)) {
      const list = matrixColumns.get(feature[1]!) ?? [];
      list.push({ k: Number(feature[2] ?? feature[3]), c });
      matrixColumns.set(feature[1]!, list);
    } else {
      throw new InputError(
        `${path}: column '${name}' names no vector of the problem (nor X_1-style matrix columns)`,
      );
    }
  });
  const sampleSizes = new Set(
    problem.variables
      .filter((v) => v.shape.length === 1 && data[v.name] !== undefined)
      .map((v) => v.shape[0]),
  );
  for (const [name, columns] of matrixColumns) {
    columns.sort((a, b) => a.k - b.k);
    // X_1 … X_k, each once and none skipped: a gap would shift every later feature.
    columns.forEach(({ k }, i) => {
      if (k !== i + 1)
        throw new InputError(
          `${path}: the columns of ${name} must be ${name}_1 to ${name}_${columns.length} in some order, but ${name}_${i + 1} is missing`,
        );
    });
    const features = columns.map(({ c }) => column(c));
    const shape = problem.variables.find((v) => v.name === name)!.shape;
    const samplesAsColumns = sampleSizes.has(shape[1]!) && !sampleSizes.has(shape[0]!);
    data[name] = samplesAsColumns ? features : rows.map((_row, i) => features.map((f) => f[i]!));
  }
  return data;
}

function readData(path: string, problem: Problem): Record<string, unknown> {
  const text = readTextFile(path, "data file", VALUES_LIMIT);
  if (path.toLowerCase().endsWith(".csv")) return csvData(text, problem, path);
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new InputError(`${path}: expected a JSON object of values by variable name`);
    }
    return value as Record<string, unknown>;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path} is not valid JSON: ${(error as Error).message.split("\n")[0]}`);
  }
}

function formatNumber(x: number): string {
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(3) : String(Number(x.toPrecision(6)));
}

function formatValue(value: unknown): string {
  if (typeof value === "number") return formatNumber(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(Array.isArray(value[0]) ? "; " : ", ")}]`;
  return String(value);
}

function bar(state: TrainState, width = 30): string {
  const done = Math.round((state.step / state.steps) * width);
  const percent = String(Math.round((state.step / state.steps) * 100)).padStart(3);
  const check = state.checks.at(-1);
  const checkText = check
    ? `  check ${check.error <= CHECK_TOLERANCE ? "ok" : "FAILED"} (${check.error.toExponential(1)})`
    : "";
  return `[${"█".repeat(done)}${"░".repeat(width - done)}] ${percent}%  step ${state.step}/${state.steps}  loss ${formatNumber(state.loss)}${checkText}`;
}

/** Refuses a plot path that cannot be written, before any training (which it would throw away). */
function checkWritable(path: string): void {
  const fail = (reason: string) => new InputError(`cannot write the loss plot ${path}: ${reason}`);
  let isFile = false;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw fail("it is a folder");
    isFile = true;
  } catch (error) {
    if (error instanceof InputError) throw error;
  }
  try {
    accessSync(isFile ? path : dirname(path), constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(
      code === "ENOENT" ? "no such folder" : code === "EACCES" ? "permission denied" : (code ?? "unwritable"),
    );
  }
}

export function runTrain(source: string | undefined, options: Options, io: CliIo): number {
  const v = options.values;
  const builtIn = source === undefined;
  const problem = loadProblem(source ?? NEURON_PROBLEM);
  const params = v.params
    ?.split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (!builtIn && params === undefined) throw new UsageError("name the variables to train with --params w,b");
  if (!builtIn && v.data === undefined && problem.variables.some((x) => !params!.includes(x.name))) {
    throw new UsageError("give the data variables' values with --data file.json or file.csv");
  }
  const data = v.data !== undefined ? readData(v.data, problem) : undefined;
  const plot = v.plot ?? "loss.svg";
  checkWritable(plot);
  // Large data sets make large products: let a second thread share them.
  useTwoThreads();
  const optimizer = choice<Optimizer>("optimizer", v.optimizer, ["adam", "gd"]);
  const trainer = createTrainer({
    problem,
    params: params ?? (builtIn ? ["w", "b"] : undefined),
    data: data ?? (builtIn ? (({ X, y }) => ({ X, y }))(neuronData()) : undefined),
    optimizer,
    learningRate: positiveNumber("lr", v.lr, false),
    steps: positiveNumber("steps", v.steps, true),
    checkEvery: v["check-every"] === "0" ? 0 : positiveNumber("check-every", v["check-every"], true),
    seed: positiveNumber("seed", v.seed, true),
  });
  const out = io.stdout;
  const live = (out as { isTTY?: boolean }).isTTY === true;
  out.write(
    `training ${toText(trainer.problem.expression)} by ${trainer.params.join(", ")} (${trainer.optimizer === "adam" ? "Adam" : "gradient descent"}, learning rate ${trainer.learningRate})\n`,
  );
  if (builtIn && data === undefined) {
    const { truth, y } = neuronData();
    out.write(
      `data: ${y.length} samples made from w = ${formatValue(truth.w)}, b = ${truth.b} (the lecture's ReLU neuron)\n`,
    );
  }
  for (const d of trainer.compiled.derivatives) out.write(`gradient by ${d.wrt.join(",")}: ${d.text}\n`);

  let state = trainer.state();
  let shown = -1;
  const chunk = Math.max(1, Math.floor(state.steps / 100));
  while (!state.done) {
    state = trainer.advance(chunk);
    const tenth = Math.floor((state.step / state.steps) * 10);
    if (live) out.write(`\r${bar(state)}`);
    else if (tenth > shown) {
      shown = tenth;
      out.write(`${bar(state)}\n`);
    }
  }
  if (live) out.write("\n");

  const failed = state.checks.filter((c) => !(c.error <= CHECK_TOLERANCE));
  const svg = linePlotSvg(state.losses, {
    title: `${toText(trainer.problem.expression)} — ${trainer.optimizer === "adam" ? "Adam" : "gradient descent"}`,
  });
  try {
    writeFileSync(plot, svg);
  } catch (error) {
    throw new InputError(`cannot write ${plot}: ${(error as NodeJS.ErrnoException).code ?? "unwritable"}`);
  }
  out.write(
    `loss ${sparkline(state.losses)} ${formatNumber(state.losses[0]!)} → ${formatNumber(state.loss)}\n`,
  );
  out.write(`final loss: ${formatNumber(state.loss)} after ${state.step} steps\n`);
  for (const [name, value] of Object.entries(trainer.values()))
    out.write(`${name} = ${formatValue(value)}\n`);
  if (builtIn && data === undefined) {
    const { truth } = neuronData();
    out.write(`(made from w = ${formatValue(truth.w)}, b = ${truth.b})\n`);
  }
  out.write(
    `gradient checks against reverse-mode AD: ${state.checks.length}, worst ${formatNumber(Math.max(0, ...state.checks.map((c) => c.error)))}\n`,
  );
  out.write(`loss plot: ${plot}\n`);
  if (failed.length > 0) {
    io.stderr.write(`error: the gradient disagreed with reverse-mode AD at step ${failed[0]!.step}\n`);
    return EXIT_BAD_INPUT;
  }
  return EXIT_OK;
}
