// Training: gradient descent or Adam on a scalar problem (a loss), with the compiled symbolic
// gradient and a cross-check against reverse-mode AD every few steps. By default the lecture's ReLU
// neuron C(w, b) = mean((y - max(0, X'*w + b)).^2) on data made from a known w and b; X holds the
// samples as columns, X = [x_1 … x_N], as in the lecture.
import { dimValue, MatcalcError, type Shape } from "../core/index.js";
import { asProblem, bindProblemValues, type Problem } from "../derive/index.js";
import { type Compiled, compile } from "../emit/index.js";
import { toNested } from "../tensor/index.js";
import { randomSource, reverseModeDerivative } from "../verify/index.js";

export const NEURON_PROBLEM =
  "X: matrix(d, N), y: vector(N), w: vector(d), b: scalar\nmean((y - max(0, X'*w + b)).^2)";

export type Optimizer = "adam" | "gd";

export interface TrainOptions {
  /** A scalar problem; the lecture's neuron by default. */
  readonly problem?: string | Problem | undefined;
  /** The trained variables (default for the neuron: w, b); the others are data. */
  readonly params?: readonly string[] | undefined;
  /** Values of the data variables (default for the neuron: `neuronData()`). */
  readonly data?: Record<string, unknown> | undefined;
  /** Starting values of the parameters (default: seeded uniform in [-0.5, 0.5]). */
  readonly init?: Record<string, unknown> | undefined;
  readonly optimizer?: Optimizer | undefined;
  /** Default 0.05 for Adam, 0.1 for gradient descent. */
  readonly learningRate?: number | undefined;
  readonly steps?: number | undefined;
  /** Cross-check the gradient against reverse-mode AD every this many steps (0: never). */
  readonly checkEvery?: number | undefined;
  readonly seed?: number | undefined;
}

export interface GradientCheck {
  readonly step: number;
  /** Largest difference between the compiled and the AD gradient, relative to the largest entry. */
  readonly error: number;
}

export interface TrainState {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly losses: readonly number[];
  readonly checks: readonly GradientCheck[];
  readonly done: boolean;
}

export interface Trainer {
  readonly problem: Problem;
  readonly params: readonly string[];
  readonly optimizer: Optimizer;
  readonly learningRate: number;
  readonly compiled: Compiled;
  /** Runs up to `count` more steps and returns the state. */
  advance(count: number): TrainState;
  state(): TrainState;
  /** Current parameter values, as numbers and arrays. */
  values(): Record<string, unknown>;
}

export interface NeuronData {
  readonly X: number[][];
  readonly y: number[];
  readonly truth: { readonly w: number[]; readonly b: number };
}

/** Samples as columns of X (features × samples), labels y = max(0, X'*w + b) for a known w and b. */
export function neuronData(seed = 7, samples = 200, truth = { w: [1.5, -2, 0.5], b: 0.3 }): NeuronData {
  const random = randomSource(seed);
  const d = truth.w.length;
  const X = Array.from({ length: d }, () => Array.from({ length: samples }, () => 2 * random() - 1));
  const y = Array.from({ length: samples }, (_, i) => {
    let z = truth.b;
    for (let k = 0; k < d; k++) z += truth.w[k]! * X[k]![i]!;
    return Math.max(0, z);
  });
  return { X, y, truth };
}

function flatten(value: unknown): number[] {
  if (typeof value === "number") return [value];
  if (Array.isArray(value)) return value.flatMap(flatten);
  throw new MatcalcError("value", "expected numbers and arrays of numbers");
}

/**
 * The size each symbol takes in the data. The data variables are bound as values are (each checked
 * against its variable's type, and the sizes they imply against each other), so a wrong length is
 * reported with both sides before any training starts.
 */
function sizesFromData(
  problem: Problem,
  data: Record<string, unknown>,
  params: readonly string[],
): Map<string, number> {
  const given: Record<string, unknown> = {};
  for (const v of problem.variables) if (!params.includes(v.name)) given[v.name] = data[v.name];
  return new Map(bindProblemValues(problem, given).sizes);
}

export function createTrainer(options: TrainOptions = {}): Trainer {
  const neuron = options.problem === undefined;
  const problem = asProblem(options.problem ?? NEURON_PROBLEM);
  if (problem.expression.shape.length !== 0) {
    throw new MatcalcError("usage", "training needs a scalar problem (a loss); this one is not a scalar");
  }
  const params = [...(options.params ?? (neuron ? ["w", "b"] : []))];
  if (params.length === 0) throw new MatcalcError("usage", "name the variables to train (--params w,b)");
  for (const p of params) {
    if (!problem.variables.some((v) => v.name === p)) {
      throw new MatcalcError("name", `${p} is not a variable of the problem`);
    }
  }
  const data: Record<string, unknown> = { ...(options.data ?? (neuron ? neuronDataValues() : {})) };
  for (const v of problem.variables) {
    if (!params.includes(v.name) && data[v.name] === undefined) {
      throw new MatcalcError(
        "value",
        `no data for ${v.name}: give it in the data file (or train it with --params)`,
      );
    }
  }
  const optimizer = options.optimizer ?? "adam";
  if (optimizer !== "adam" && optimizer !== "gd")
    throw new MatcalcError("usage", `unknown optimizer ${optimizer}: use adam or gd`);
  const learningRate = options.learningRate ?? (optimizer === "adam" ? 0.05 : 0.1);
  const steps = options.steps ?? 500;
  const checkEvery = options.checkEvery ?? 50;
  if (!(learningRate > 0)) throw new MatcalcError("usage", "the learning rate must be positive");
  if (!Number.isInteger(steps) || steps < 1)
    throw new MatcalcError("usage", "the number of steps must be a positive integer");

  const sizes = sizesFromData(problem, data, params);
  const random = randomSource(options.seed ?? 1);
  const shapes = new Map<string, number[]>();
  const state = new Map<string, Float64Array>();
  for (const p of params) {
    const info = problem.variables.find((v) => v.name === p)!;
    const shape = info.shape.map((d: Shape[number]) => {
      const n = dimValue(d, (s) => sizes.get(s));
      if (n === undefined) {
        throw new MatcalcError(
          "value",
          `the data do not fix the size ${d} of ${p}: give ${p} a starting value`,
        );
      }
      return n;
    });
    shapes.set(p, shape);
    const given = options.init?.[p];
    const entries = given === undefined ? null : flatten(given);
    const count = shape.reduce((a, b) => a * b, 1);
    if (entries && entries.length !== count) {
      throw new MatcalcError(
        "value",
        `the starting value of ${p} has ${entries.length} entries, ${p} needs ${count}`,
      );
    }
    state.set(p, Float64Array.from(entries ?? Array.from({ length: count }, () => random() - 0.5)));
  }

  const compiled = compile(problem, params, { layout: "denominator" });
  const moments = new Map(
    params.map((p) => [
      p,
      { m: new Float64Array(state.get(p)!.length), v: new Float64Array(state.get(p)!.length) },
    ]),
  );
  const losses: number[] = [];
  const checks: GradientCheck[] = [];
  let step = 0;
  let loss = Number.NaN;

  const values = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const p of params) out[p] = toNested({ shape: shapes.get(p)!, data: state.get(p)! });
    return out;
  };

  const check = (all: Record<string, unknown>, result: Record<string, unknown>) => {
    let worst = 0;
    for (const p of params) {
      const ad = reverseModeDerivative(problem, problem.expression, [p], all);
      if (!ad) continue;
      const mine = flatten(result[`d_${p}`]);
      const scale = Math.max(1e-12, ...Array.from(ad, Math.abs));
      for (let i = 0; i < ad.length; i++) worst = Math.max(worst, Math.abs(mine[i]! - ad[i]!) / scale);
    }
    checks.push({ step, error: worst });
  };

  const snapshot = (): TrainState => ({ step, steps, loss, losses, checks, done: step >= steps });

  return {
    problem,
    params,
    optimizer,
    learningRate,
    compiled,
    values,
    state: snapshot,
    advance(count: number) {
      const until = Math.min(steps, step + count);
      while (step < until) {
        const all = { ...data, ...values() };
        const result = compiled.run(all);
        loss = result.value as number;
        if (!Number.isFinite(loss))
          throw new MatcalcError("numeric", `the loss is not finite at step ${step}`);
        losses.push(loss);
        if (checkEvery > 0 && step % checkEvery === 0) check(all, result);
        step++;
        for (const p of params) {
          const g = flatten(result[`d_${p}`]);
          const x = state.get(p)!;
          if (optimizer === "gd") {
            for (let i = 0; i < x.length; i++) x[i]! -= learningRate * g[i]!;
            continue;
          }
          const { m, v } = moments.get(p)!;
          const [b1, b2] = [0.9, 0.999];
          for (let i = 0; i < x.length; i++) {
            m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
            v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
            const mHat = m[i]! / (1 - b1 ** step);
            const vHat = v[i]! / (1 - b2 ** step);
            x[i]! -= (learningRate * mHat) / (Math.sqrt(vHat) + 1e-8);
          }
        }
      }
      if (step >= steps) {
        // The loss at the final parameters.
        const result = compiled.run({ ...data, ...values() });
        loss = result.value as number;
      }
      return snapshot();
    },
  };
}

function neuronDataValues(): Record<string, unknown> {
  const { X, y } = neuronData();
  return { X, y };
}

/** Trains to the end. */
export function train(
  options: TrainOptions = {},
  onProgress?: (state: TrainState) => void,
): { trainer: Trainer; state: TrainState } {
  const trainer = createTrainer(options);
  const chunk = Math.max(1, Math.floor((options.steps ?? 500) / 100));
  let state = trainer.state();
  while (!state.done) {
    state = trainer.advance(chunk);
    onProgress?.(state);
  }
  return { trainer, state };
}
