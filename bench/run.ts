// `npm run bench`: one process, one run. For each function of the table at n = 100, 300, 1000 (2000 with
// BENCH_SIZES=100,300,1000,2000), and for the workloads of fixed size (a batched softmax cross-entropy,
// an attention head, a Kronecker problem): matcalc's compiled gradient or Hessian, matcalc's
// reverse-mode AD over the IR, TF.js (wasm backend) tf.grad and row-by-row Hessians, and references run
// in a python3 (bench/reference.py): NumPy's closed form at matcalc's thread count and at the other,
// and PyTorch's autograd (float64) where that python has torch. Then symbolic derivation time (the
// lecture, the workloads, and sums, trace chains and MLPs as they grow, with fitted exponents), the
// command line's start-up, and GEMM GFLOP/s; each target is marked met or missed. Writes
// bench/results/latest.{json,md}. Timings are never asserted anywhere: the machines are shared and noisy.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Problem } from "../src/api/index.js";

/**
 * The library as users run it: the compiled JavaScript in dist/ (`npm run bench` builds it first), which
 * is what the CLI, the package and, bundled, the playground execute. BENCH_SOURCE=src times the
 * TypeScript sources through the loader instead (slower: it keeps function names with a helper call
 * at every closure it makes). All modules come from one root, so there is one table of nodes.
 */
const ROOT = process.env.BENCH_SOURCE === "src" ? "../src" : "../dist";
const [api, reverseAd, ir, threads, tensor, kernels] = (await Promise.all([
  import(`${ROOT}/api/index.js`),
  import(`${ROOT}/verify/index.js`),
  import(`${ROOT}/ir/index.js`),
  import(`${ROOT}/node/threads.js`),
  import(`${ROOT}/tensor/index.js`),
  import(`${ROOT}/kernels/index.js`),
])) as [
  typeof import("../src/api/index.js"),
  typeof import("../src/verify/index.js"),
  typeof import("../src/ir/index.js"),
  typeof import("../src/node/threads.js"),
  typeof import("../src/tensor/index.js"),
  typeof import("../src/kernels/index.js"),
];
const { compile, differentiate, LECTURE_EXAMPLES, loadProblem } = api;
const { reverseModeDerivative } = reverseAd;
const { dagSize } = ir;
const { useTwoThreads } = threads;
const { matmulLoops } = tensor;
const { gemm: gemmKernel, releaseResident, residentMatrix, useKernel, useSecondThread } = kernels;

const SIZES = (process.env.BENCH_SIZES ?? "100,300,1000").split(",").map(Number);
/** matcalc's threads: two (its default for large products), or one with BENCH_THREADS=1. */
const THREADS = process.env.BENCH_THREADS === "1" ? 1 : 2;
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 300);
/** Rounds in which a fast compiled function and the NumPy reference are timed in turns. */
const ROUNDS = 5;
const TF_HESSIAN_BUDGET_MS = Number(process.env.BENCH_TF_HESSIAN_MS ?? 3000);
/** How long the engine warms up on each symbolic problem before the runs that count. */
const WARM_UP_MS = Number(process.env.BENCH_WARM_UP_MS ?? 1000);
/** Only the cases whose name matches this regular expression (all by default). */
const ONLY = process.env.BENCH_CASES ?? "";
const OUT = resolve(import.meta.dirname, "results");
/** Which parts to run: cases, symbolic, gemm (all by default). */
const PARTS = new Set((process.env.BENCH_PARTS ?? "cases,symbolic,gemm").split(","));

const live = process.stderr.isTTY === true;
function progress(text: string): void {
  if (live) process.stderr.write(`\r\x1b[K${text}`);
  else process.stderr.write(`${text}\n`);
}

/** The middle of a list of numbers (the mean of the two middle ones for an even count). */
function middle(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/**
 * Median milliseconds of f over at least 5 runs or the time budget (after a warm-up of 100 ms, unless
 * `warm` is false: f has just been timed).
 */
async function time(f: () => unknown, budget = BUDGET_MS, warm = true): Promise<number> {
  // Garbage left by the previous measurement (reverse AD, TF.js) is collected first, not inside this one.
  if (warm) (globalThis as { gc?: () => void }).gc?.();
  const first = performance.now();
  await f();
  const once = performance.now() - first;
  // Something that takes seconds is timed once (its first run).
  if (once > 2000) return once;
  // Warm-up until 100 ms have passed, so that the JavaScript engine has optimized the code being timed
  // (a function of a few microseconds runs thousands of times first; a slow one, once).
  while (warm && performance.now() - first < 100) await f();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || (performance.now() - start < budget && times.length < 5000)) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return middle(times);
}

// ---------------------------------------------------------------------------------------------- data

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

/**
 * A random matrix, resident in the kernels' memory (as a caller that calls a compiled function on the
 * same data repeatedly keeps it, and as NumPy's arrays live in NumPy's memory).
 */
function mat(rows: number, cols: number, random: () => number, diagonal = 0): Mat {
  const m = residentMatrix(rows, cols);
  const data = m.data;
  for (let i = 0; i < data.length; i++) data[i] = 2 * random() - 1;
  for (let i = 0; i < Math.min(rows, cols); i++) data[i * cols + i]! += diagonal;
  return m;
}

function vec(n: number, random: () => number, f = (u: number) => 2 * u - 1): Mat {
  return { rows: n, cols: 1, data: Float64Array.from({ length: n }, () => f(random())) };
}

interface Case {
  readonly name: string;
  readonly kind: "gradient" | "Hessian";
  readonly problem: string;
  readonly wrt: string;
  /** Sizes at which it runs (default all). */
  readonly sizes?: readonly number[];
  /** The sizes of a case that runs at one size only, as the table shows them. */
  readonly fixed?: string;
  values(n: number): Record<string, Mat | number>;
}

/** A matrix of one-hot columns: each of `cols` columns has a 1 in a random one of `rows` rows. */
function oneHot(rows: number, cols: number, random: () => number): Mat {
  const m = { rows, cols, data: new Float64Array(rows * cols) };
  for (let j = 0; j < cols; j++) m.data[Math.min(rows - 1, Math.floor(random() * rows)) * cols + j] = 1;
  return m;
}

const CASES: Case[] = [
  {
    name: "grad x'Ax",
    kind: "gradient",
    problem: "A: matrix(n, n), x: vector(n)\nx'*A*x",
    wrt: "x",
    values: (n) => {
      const r = rng(n);
      return { A: mat(n, n, r), x: vec(n, r) };
    },
  },
  {
    name: "grad least squares",
    kind: "gradient",
    problem: "A: matrix(m, n), b: vector(m), x: vector(n)\nsum((A*x - b).^2)",
    wrt: "x",
    values: (n) => {
      const r = rng(n + 1);
      return { A: mat(2 * n, n, r), b: vec(2 * n, r), x: vec(n, r) };
    },
  },
  {
    name: "grad logistic loss",
    kind: "gradient",
    problem: "X: matrix(m, n), y: vector(m), w: vector(n)\nsum(log(1 + exp(-y .* (X*w))))",
    wrt: "w",
    values: (n) => {
      const r = rng(n + 2);
      return { X: mat(2 * n, n, r), y: vec(2 * n, r, (u) => (u > 0.5 ? 1 : -1)), w: vec(n, r) };
    },
  },
  {
    name: "grad |T-UV'|^2 by U",
    kind: "gradient",
    problem: "T: matrix(n, n), U: matrix(n, k), V: matrix(n, k)\nsum((T - U*V').^2)",
    wrt: "U",
    values: (n) => {
      const r = rng(n + 3);
      return { T: mat(n, n, r), U: mat(n, 10, r), V: mat(n, 10, r) };
    },
  },
  {
    name: "grad neuron MSE",
    kind: "gradient",
    problem: "X: matrix(d, N), y: vector(N), w: vector(d), b: scalar\nmean((y - max(0, X'*w + b)).^2)",
    wrt: "w",
    values: (n) => {
      const r = rng(n + 4);
      return { X: mat(n, 10 * n, r), y: vec(10 * n, r, (u) => u), w: vec(n, r), b: 0.1 };
    },
  },
  {
    name: "grad logdet(X)",
    kind: "gradient",
    problem: "X: matrix(n, n)\nlogdet(X)",
    wrt: "X",
    values: (n) => ({ X: mat(n, n, rng(n + 5), n) }),
  },
  {
    name: "grad softmax cross-entropy",
    kind: "gradient",
    problem: "W: matrix(c, d), X: matrix(d, b), Y: matrix(c, b)\n-sum(sum(Y .* log(softmax(W*X, 1))))",
    wrt: "W",
    sizes: [100],
    fixed: "W 10×784, batch 256",
    values: () => {
      const r = rng(7);
      return {
        W: mat(10, 784, () => (r() - 0.5) / 10),
        X: mat(784, 256, r),
        Y: oneHot(10, 256, r),
      };
    },
  },
  {
    name: "grad attention head by Q",
    kind: "gradient",
    problem:
      "Q: matrix(s, w), K: matrix(s, w), V: matrix(s, w), G: matrix(s, w), d: scalar\ntr(G'*softmax(Q*K'/sqrt(d), 2)*V)",
    wrt: "Q",
    sizes: [100],
    fixed: "sequence 128, width 64",
    values: () => {
      const r = rng(8);
      return { Q: mat(128, 64, r), K: mat(128, 64, r), V: mat(128, 64, r), G: mat(128, 64, r), d: 64 };
    },
  },
  {
    name: "grad a'X^3b",
    kind: "gradient",
    problem: "X: matrix(n, n), a: vector(n), b: vector(n)\na'*X^3*b",
    wrt: "X",
    values: (n) => {
      const r = rng(n + 9);
      return { X: mat(n, n, () => (2 * r() - 1) / Math.sqrt(n)), a: vec(n, r), b: vec(n, r) };
    },
  },
  {
    name: "grad |kron(A,B)v - y|^2",
    kind: "gradient",
    problem: "A: matrix(p, p), B: matrix(q, q)\nnorm2(kron(A, B)*v - y)^2",
    wrt: "v",
    sizes: [100],
    fixed: "A, B 30×30 (kron 900×900)",
    values: () => {
      const r = rng(10);
      return { A: mat(30, 30, r), B: mat(30, 30, r), v: vec(900, r), y: vec(900, r) };
    },
  },
  {
    name: "Hessian x'Ax",
    kind: "Hessian",
    problem: "A: matrix(n, n), x: vector(n)\nx'*A*x",
    wrt: "x",
    values: (n) => {
      const r = rng(n);
      return { A: mat(n, n, r), x: vec(n, r) };
    },
  },
  {
    name: "Hessian |T-UV'|^2 by U",
    kind: "Hessian",
    problem: "T: matrix(n, n), U: matrix(n, k), V: matrix(n, k)\nsum((T - U*V').^2)",
    wrt: "U",
    sizes: [100],
    values: (n) => {
      const r = rng(n + 3);
      return { T: mat(n, n, r), U: mat(n, 10, r), V: mat(n, 10, r) };
    },
  },
  {
    name: "Hessian least squares",
    kind: "Hessian",
    problem: "A: matrix(m, n), b: vector(m), x: vector(n)\nsum((A*x - b).^2)",
    wrt: "x",
    values: (n) => {
      const r = rng(n + 1);
      return { A: mat(2 * n, n, r), b: vec(2 * n, r), x: vec(n, r) };
    },
  },
  {
    name: "Hessian logistic loss",
    kind: "Hessian",
    problem: "X: matrix(m, n), y: vector(m), w: vector(n)\nsum(log(1 + exp(-y .* (X*w))))",
    wrt: "w",
    values: (n) => {
      const r = rng(n + 2);
      return { X: mat(2 * n, n, r), y: vec(2 * n, r, (u) => (u > 0.5 ? 1 : -1)), w: vec(n, r) };
    },
  },
];

function nested(value: Mat | number): unknown {
  if (typeof value === "number") return value;
  if (value.cols === 1) return Array.from(value.data);
  return Array.from({ length: value.rows }, (_, i) =>
    Array.from(value.data.subarray(i * value.cols, (i + 1) * value.cols)),
  );
}

// ---------------------------------------------------------------------------------------------- TF.js

type Tf = typeof import("@tensorflow/tfjs");

async function loadTf(): Promise<Tf | null> {
  if (process.env.BENCH_TF === "0") return null;
  try {
    const tf = await import("@tensorflow/tfjs");
    await import("@tensorflow/tfjs-backend-wasm");
    await tf.setBackend("wasm");
    await tf.ready();
    return tf;
  } catch (error) {
    progress(`TF.js unavailable: ${(error as Error).message}`);
    return null;
  }
}

/** The case's loss written with TF.js ops (float32), as a function of the differentiated variable. */
function tfLoss(
  tf: Tf,
  c: Case,
  v: Record<string, Mat | number>,
): {
  f: (x: import("@tensorflow/tfjs").Tensor) => import("@tensorflow/tfjs").Scalar;
  x: import("@tensorflow/tfjs").Tensor;
} {
  const t = (m: Mat | number) =>
    typeof m === "number"
      ? tf.scalar(m)
      : m.cols === 1
        ? tf.tensor1d(Float32Array.from(m.data))
        : tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
  const col = (x: import("@tensorflow/tfjs").Tensor) => x.reshape([-1, 1]);
  switch (c.problem.split("\n")[1]) {
    case "x'*A*x": {
      const A = t(v.A!);
      return { x: t(v.x!), f: (x) => tf.sum(tf.mul(x, tf.matMul(A, col(x)).reshape([-1]))) };
    }
    case "sum((A*x - b).^2)": {
      const [A, b] = [t(v.A!), t(v.b!)];
      return { x: t(v.x!), f: (x) => tf.sum(tf.square(tf.sub(tf.matMul(A, col(x)).reshape([-1]), b))) };
    }
    case "sum(log(1 + exp(-y .* (X*w))))": {
      const [X, y] = [t(v.X!), t(v.y!)];
      return {
        x: t(v.w!),
        f: (w) => tf.sum(tf.softplus(tf.neg(tf.mul(y, tf.matMul(X, col(w)).reshape([-1]))))),
      };
    }
    case "sum((T - U*V').^2)": {
      const [T, V] = [t(v.T!), t(v.V!)];
      return { x: t(v.U!), f: (U) => tf.sum(tf.square(tf.sub(T, tf.matMul(U, V, false, true)))) };
    }
    case "mean((y - max(0, X'*w + b)).^2)": {
      const [X, y, b] = [t(v.X!), t(v.y!), t(v.b!)];
      return {
        x: t(v.w!),
        f: (w) =>
          tf.mean(tf.square(tf.sub(y, tf.relu(tf.add(tf.matMul(X, col(w), true, false).reshape([-1]), b))))),
      };
    }
    default:
      throw new Error("no TF.js form");
  }
}

/** The gradients the speed targets are judged on (the others are reported beside them). */
const CLASSIC = new Set(["grad x'Ax", "grad least squares", "grad logistic loss", "grad neuron MSE"]);

/** The cases written for TF.js (tfLoss): the table's first ones. */
const TF_GRADIENTS = new Set([
  "grad x'Ax",
  "grad least squares",
  "grad logistic loss",
  "grad |T-UV'|^2 by U",
  "grad neuron MSE",
]);
const TF_HESSIANS = new Set([
  "Hessian x'Ax",
  "Hessian |T-UV'|^2 by U",
  "Hessian least squares",
  "Hessian logistic loss",
]);

// ---------------------------------------------------------------------------------------------- runs

interface Row {
  name: string;
  kind: string;
  n: number;
  fixed: string | null;
  compiled: number | null;
  reverseAd: number | null;
  tf: number | null;
  tfNote: string;
  /** NumPy's closed form at matcalc's thread count, timed in turns with it. */
  numpy: number | null;
  /** NumPy's closed form at the other thread count (one if matcalc runs on two, and two if on one). */
  numpyOther: number | null;
  /** PyTorch at matcalc's thread count: autograd's gradient, or hessian() one row at a time. */
  torch: number | null;
  torchNote: string;
  /** PyTorch's hessian(vectorize=True), for the Hessian rows. */
  torchVectorized: number | null;
}

async function runCases(tf: Tf | null, references: References): Promise<Row[]> {
  const reference = references.equal;
  const rows: Row[] = [];
  for (const c of CASES.filter((c) => new RegExp(ONLY).test(c.name))) {
    // The derivative alone (gradient or Hessian), as the references compute it.
    const compiled = compile(c.problem, c.wrt, {
      layout: "denominator",
      order: c.kind === "Hessian" ? 2 : 1,
      raw: true,
      highestOnly: true,
      reuse: true,
    });
    const problem: Problem = loadProblem(c.problem);
    for (const n of c.sizes ?? SIZES) {
      if (!SIZES.includes(n)) continue;
      progress(`${c.name} n=${n}: compiled`);
      const values = c.values(n);
      const row: Row = {
        name: c.name,
        kind: c.kind,
        n,
        fixed: c.fixed ?? null,
        compiled: null,
        reverseAd: null,
        tf: null,
        tfNote: "",
        numpy: null,
        numpyOther: null,
        torch: null,
        torchNote: "",
        torchVectorized: null,
      };
      // The NumPy reference and the compiled function are timed in turns: the machine's other load
      // drifts over seconds (a reference timed minutes apart, as one batch before every case, skewed
      // ratios either way by up to 2×) and changes within a second (a function of microseconds timed
      // for 10 ms sees one phase of it). A fast function (under 2 ms) is timed in 5 rounds of 60 ms
      // each, the reference before each round and after the last; a slow one in one round between
      // two of the reference. Each side's number is the middle of its rounds' medians.
      const numpy: number[] = [];
      const ours: number[] = [];
      const turn = async () => {
        const ms = (await reference?.time(c.name, n, BUDGET_MS / ROUNDS))?.ms;
        if (ms != null) numpy.push(ms);
      };
      await turn();
      ours.push(await time(() => compiled.run(values), BUDGET_MS / ROUNDS));
      const rounds = ours[0]! < 2 ? ROUNDS : 1;
      for (let r = 1; r < rounds; r++) {
        await turn();
        ours.push(await time(() => compiled.run(values), BUDGET_MS / ROUNDS, false));
      }
      await turn();
      row.compiled = middle(ours);
      row.numpy = numpy.length === rounds + 1 ? middle(numpy) : null;
      if (references.other) {
        progress(`${c.name} n=${n}: NumPy at ${references.other.threads} thread(s)`);
        row.numpyOther = (await references.other.time(c.name, n, BUDGET_MS)).ms;
      }
      const torch = references.torch;
      if (torch?.torch) {
        progress(`${c.name} n=${n}: PyTorch`);
        const peer = c.kind === "gradient" ? "torch" : "torch-hessian";
        const answer = await torch.time(c.name, n, BUDGET_MS, peer);
        row.torch = answer.ms;
        row.torchNote = answer.note;
        if (c.kind === "Hessian")
          row.torchVectorized = (await torch.time(c.name, n, BUDGET_MS, "torch-hessian-vectorized")).ms;
      }
      if (c.kind === "gradient" && (n <= 300 || c.name !== "grad logdet(X)")) {
        progress(`${c.name} n=${n}: reverse AD`);
        const plain = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, nested(v)]));
        row.reverseAd = await time(
          () => reverseModeDerivative(problem, problem.expression, [c.wrt], plain),
          BUDGET_MS,
        );
      }
      if (tf && (c.kind === "gradient" ? TF_GRADIENTS : TF_HESSIANS).has(c.name)) {
        progress(`${c.name} n=${n}: TF.js`);
        const { f, x } = tfLoss(tf!, c, values);
        if (c.kind === "gradient") {
          const g = tf!.grad(f);
          row.tf = await time(async () => {
            const r = g(x);
            await r.data();
            r.dispose();
          });
        } else {
          // Row by row: one gradient of (grad f)·e_i per row; timed over the rows that fit the budget.
          const size = x.size;
          const tfjs = tf!;
          const g = tfjs.grad(f);
          const rowGrad = (i: number) =>
            tfjs.grad((z: import("@tensorflow/tfjs").Tensor) =>
              tfjs.sum(tfjs.mul(g(z), tfjs.oneHot(i, size).reshape(z.shape).toFloat())),
            )(x);
          const start = performance.now();
          let done = 0;
          while (done < size && (done < 2 || performance.now() - start < TF_HESSIAN_BUDGET_MS)) {
            const r = tfjs.tidy(() => rowGrad(done));
            await r.data();
            r.dispose();
            done++;
          }
          row.tf = ((performance.now() - start) / done) * size;
          if (done < size) row.tfNote = `est. from ${done} of ${size} rows`;
        }
      }
      rows.push(row);
      for (const v of Object.values(values)) if (typeof v !== "number") releaseResident(v);
    }
  }
  return rows;
}

/** The first python3 that has the module (NumPy, or PyTorch), or null. */
function findPython(module: string): string | null {
  for (const p of [process.env.PYTHON, "python3", "/usr/bin/python3"]) {
    if (!p) continue;
    try {
      execFileSync(p, ["-c", `import ${module}`], { stdio: "ignore" });
      return p;
    } catch {
      // next
    }
  }
  return null;
}

interface Answer {
  readonly ms: number | null;
  readonly note: string;
}

/**
 * A reference process (bench/reference.py --serve) at a thread count: NumPy's closed forms and, where
 * the python has it, PyTorch's autograd, each timed when asked.
 */
interface Reference {
  readonly numpy: string;
  readonly torch: string | null;
  /** The BLAS PyTorch calls (its build's, or for a generic build the system's libblas.so.3). */
  readonly torchBlas: string | null;
  readonly threads: number;
  time(name: string, n: number, budgetMs?: number, peer?: string): Promise<Answer>;
  close(): void;
}

/**
 * NumPy at matcalc's thread count (timed in turns with it) and at the other, and PyTorch at matcalc's
 * (from the first python3 that has it, which may be another than NumPy's).
 */
interface References {
  readonly equal: Reference | null;
  readonly other: Reference | null;
  readonly torch: Reference | null;
}

async function reference(threads: number, python: string | null): Promise<Reference | null> {
  if (!python) return null;
  progress(`references at ${threads} thread(s)`);
  const count = String(threads);
  const child = spawn(python, [resolve(import.meta.dirname, "reference.py"), "--serve"], {
    stdio: ["pipe", "pipe", "ignore"],
    env: { ...process.env, OMP_NUM_THREADS: count, OPENBLAS_NUM_THREADS: count, MKL_NUM_THREADS: count },
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error("the reference process stopped");
    return JSON.parse(line.value);
  };
  const hello = await next();
  return {
    numpy: hello.numpy,
    torch: hello.torch,
    torchBlas: hello.torchBlas ?? null,
    threads,
    async time(name, n, budget = BUDGET_MS, peer = "numpy") {
      child.stdin.write(`${JSON.stringify({ name, n, budget: budget / 1000, peer })}\n`);
      const answer = await next();
      return { ms: answer.ms, note: answer.note ?? "" };
    },
    close: () => child.stdin.end(),
  };
}

// ---------------------------------------------------------------------------------------------- symbolic

interface SymbolicRow {
  name: string;
  inputSize: number;
  /** The first derivation of the problem (the JIT compiler still at work on its code paths). */
  firstMs: number;
  /** The median once warmed up. */
  ms: number;
  outputSize: number;
  target: number | null;
}

/** The problem with every variable renamed by a tag, so a derivation starts cold (no cached nodes). */
function renamed(source: string, tag: string): string {
  const problem = loadProblem(source);
  let out = source;
  for (const v of problem.variables) out = out.replace(new RegExp(`\\b${v.name}\\b`, "g"), `${v.name}${tag}`);
  try {
    const fresh = loadProblem(out);
    const same = fresh.variables.every((v, i) => v.shape.length === problem.variables[i]?.shape.length);
    return same ? out : source;
  } catch {
    return source;
  }
}

let run = 0;

/**
 * Derivations from scratch: each run renames the variables, so no node, rewrite or result of an
 * earlier run is reused. The first run is reported as it is; then, as benchmark harnesses for JIT
 * compiled languages do, the engine warms up on the problem (under other names, for 1 s and at least
 * 3 runs) and the median of the next runs (5 or more) is the time the targets are judged by. A
 * derivation calls most of its functions only a few times, so the compiler needs a few hundred runs
 * of a small problem to settle: after 20 runs, a lecture example still took 2–4 times as long as
 * after 300.
 */
async function measure(
  name: string,
  make: (tag: string) => string,
  wrt: string,
  target: number | null,
  order = 1,
): Promise<SymbolicRow> {
  progress(`derivation: ${name}`);
  const times: number[] = [];
  let source = make("");
  let outputSize = 0;
  const derive = (tag: string) => {
    source = make(tag);
    const names = new Set(loadProblem(source).variables.map((v) => v.name));
    const variable = wrt
      .split(",")
      .map((w) => (names.has(`${w}${tag}`) ? `${w}${tag}` : w))
      .join(",");
    const t = performance.now();
    const d = differentiate(source, variable, { order });
    const ms = performance.now() - t;
    outputSize = d.node ? dagSize(d.node) : d.index.length;
    return ms;
  };
  // Each derivation is its own task, as in a session (nodes held weakly are released between tasks).
  const task = () => new Promise((resolve) => setImmediate(resolve));
  const firstMs = derive(`f${++run}`);
  // The garbage of earlier problems is collected before the warm-up, not right before the runs that
  // count: a forced collection shrinks the young generation, and the next runs then collect garbage
  // more often until it has grown back (the 100-term sum: a median of 29 ms after one, 16 ms before).
  // The warm-up brings the heap back to the steady state of a session.
  (globalThis as { gc?: () => void }).gc?.();
  const warm = performance.now() + WARM_UP_MS;
  for (let r = 0; r < 3 || performance.now() < warm; r++) {
    await task();
    derive(`w${++run}`);
  }
  // At least 5 runs (a slow problem stops after 3 s), and short ones for up to 300 ms.
  const start = performance.now();
  for (let r = 0; r < 50; r++) {
    const elapsed = performance.now() - start;
    if ((r >= 5 || (r > 0 && elapsed > 3000)) && elapsed > 300) break;
    await task();
    times.push(derive(`q${++run}`));
  }
  return {
    name,
    inputSize: dagSize(loadProblem(source).expression),
    firstMs,
    ms: middle(times),
    outputSize,
    target,
  };
}

/** The lecture's examples and the new workloads (batched, attention, power, Kronecker), derived. */
async function symbolic(): Promise<SymbolicRow[]> {
  const rows: SymbolicRow[] = [];
  for (const e of LECTURE_EXAMPLES)
    rows.push(
      await measure(
        `lecture: ${e.title}`,
        (tag) => (tag ? renamed(e.problem, tag) : e.problem),
        e.wrt,
        1,
        e.order ?? 1,
      ),
    );
  for (const c of CASES.filter((c) => c.fixed !== undefined || c.name === "grad a'X^3b"))
    rows.push(
      await measure(`workload: ${c.name}`, (tag) => (tag ? renamed(c.problem, tag) : c.problem), c.wrt, null),
    );
  return rows;
}

interface ScaleRow {
  family: string;
  /** The size of the problem: terms, factors or layers. */
  k: number;
  row: SymbolicRow;
}

/** Sums of 10…10,000 terms, trace chains of 2…64 factors and MLPs of 2…50 layers, derived. */
async function scaling(): Promise<ScaleRow[]> {
  const out: ScaleRow[] = [];
  const sumOf = (terms: number) => (tag: string) => {
    const decl = Array.from({ length: terms }, (_, i) => `A${i + 1}${tag}: matrix(n, n)`).join(", ");
    const sum = Array.from({ length: terms }, (_, i) => `x${tag}'*A${i + 1}${tag}*x${tag}`).join(" + ");
    return `x${tag}: vector(n), ${decl}\n${sum}`;
  };
  for (const terms of [10, 100, 1000, 10000])
    out.push({
      family: "sum of k x'*A_i*x, by x",
      k: terms,
      row: await measure(
        `sum of ${terms} terms`,
        sumOf(terms),
        "x",
        terms === 1000 ? 50 : terms === 10000 ? 500 : null,
      ),
    });
  for (const k of [2, 4, 8, 16, 32, 64])
    out.push({
      family: "tr(A_1*X*…*A_k*X), by X",
      k,
      row: await measure(
        `tr chain K=${k}`,
        (tag) => {
          const decl = Array.from({ length: k }, (_, i) => `A${i + 1}${tag}: matrix(n, n)`).join(", ");
          const chain = Array.from({ length: k }, (_, i) => `A${i + 1}${tag}*X${tag}`).join("*");
          return `X${tag}: matrix(n, n), ${decl}\ntr(${chain})`;
        },
        "X",
        k === 16 ? 20 : null,
      ),
    });
  for (const layers of [2, 5, 10, 20, 50])
    out.push({
      family: "MLP norm2(tanh(W_k*…tanh(W_1*x)) - y)^2, by W_1",
      k: layers,
      row: await measure(
        `MLP of ${layers} layers`,
        (tag) => {
          let net = `x${tag}`;
          for (let l = 1; l <= layers; l++) net = `tanh(W${l}${tag}*${net})`;
          const decl = Array.from({ length: layers }, (_, i) => `W${i + 1}${tag}: matrix(n, n)`).join(", ");
          return `x${tag}: vector(n), y${tag}: vector(n), ${decl}\nnorm2(${net} - y${tag})^2`;
        },
        "W1",
        layers === 50 ? 100 : null,
      ),
    });
  return out;
}

/** The slope of log(y) against log(x) by least squares: the growth exponent. */
function exponent(points: ReadonlyArray<readonly [number, number]>): number {
  const xs = points.map(([x]) => Math.log(x));
  const ys = points.map(([, y]) => Math.log(y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return num / den;
}

interface CliRow {
  node: number;
  diff: number;
}

/** `matcalc diff` against `node -e 0`: the median of 9 runs of each, in turns. */
function cliStartup(): CliRow {
  const bin = resolve(import.meta.dirname, "..", "bin", "matcalc.js");
  const once = (args: string[]) => {
    const t = performance.now();
    execFileSync(process.execPath, args, { stdio: "ignore" });
    return performance.now() - t;
  };
  const node: number[] = [];
  const diff: number[] = [];
  progress("CLI start-up");
  for (let r = 0; r < 9; r++) {
    node.push(once(["-e", "0"]));
    diff.push(once([bin, "diff", "x'*A*x", "--wrt", "x"]));
  }
  return { node: middle(node), diff: middle(diff) };
}

// ---------------------------------------------------------------------------------------------- GEMM

const KERNEL_NAMES = { simd: "WebAssembly SIMD", fused: "WebAssembly relaxed SIMD (FMA)" } as const;
const BLAS_NAME = "OpenBLAS (NumPy's matmul)";

interface GemmRow {
  n: number;
  threads: number;
  kernel: string;
  gflops: number;
  /** GFLOP/s of the register-only loop of fused multiply-adds (bench/fma-peak.wat) on this thread,
   * timed before every product: the machine's peak for them at that moment (the middle of the runs). */
  peak?: number;
  /** The product's speed as a share of the peak of the threads it ran on (the middle of the runs). */
  share?: number;
}

/** The fastest kernel measured for n threads at n = 1000. */
function bestGemm(gemms: GemmRow[], threads: number) {
  const kernels = new Set<string>(Object.values(KERNEL_NAMES));
  const found = gemms.filter((g) => g.n === 1000 && g.threads === threads && kernels.has(g.kernel));
  return found.length === 0 ? undefined : found.reduce((a, b) => (b.gflops > a.gflops ? b : a));
}

/**
 * The loop of 12 independent fused multiply-adds per step in registers (bench/fma-peak.wat): returns a
 * function that runs it for about `ms` milliseconds and gives its GFLOP/s, or null where the runtime
 * has no relaxed SIMD. The plain build's separate multiplies and adds have the same peak in
 * floating-point operations on this kind of machine (two multiplies and two adds, or two fused
 * multiply-adds, per cycle), so the one loop serves both builds.
 */
async function peakLoop(): Promise<((ms: number) => number) | null> {
  const { assemble } = await import("../scripts/build-kernels.js");
  const bytes = await assemble(resolve(import.meta.dirname, "fma-peak.wat"), "private", true);
  if (!WebAssembly.validate(bytes as BufferSource)) return null;
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), {});
  const peak = exports.peak as (steps: number) => number;
  let perMs = 1e5;
  peak(perMs);
  return (ms) => {
    const steps = Math.max(1000, Math.round(perMs * ms));
    const t = performance.now();
    peak(steps);
    const took = Math.max(performance.now() - t, 1e-3);
    perMs = steps / took;
    return (steps * 48) / (took * 1e6);
  };
}

async function gemm(references: readonly Reference[]): Promise<GemmRow[]> {
  const out: GemmRow[] = [];
  const peak = await peakLoop();
  for (const n of [200, 500, 1000]) {
    const r = rng(n);
    const a = Float64Array.from({ length: n * n }, r);
    const b = Float64Array.from({ length: n * n }, r);
    // C is written into a preallocated array, as BLAS's dgemm writes into the caller's C: a fresh
    // 8 MB result costs ~10 ms of page faults at n = 1000, which is the allocator, not the product.
    const c = new Float64Array(n * n);
    const flops = 2 * n ** 3;
    const budget = n >= 1000 ? 2000 : BUDGET_MS;
    progress(`GEMM n=${n} plain JS loops`);
    out.push({
      n,
      threads: 1,
      kernel: "plain JS loops",
      gflops: flops / ((await time(() => matmulLoops(a, b, n, n, n), budget)) * 1e6),
    });
    for (const reference of references) {
      progress(`GEMM n=${n} ${BLAS_NAME}, ${reference.threads} thread(s)`);
      const { ms } = await reference.time("GEMM", n, budget);
      if (ms !== null)
        out.push({ n, threads: reference.threads, kernel: BLAS_NAME, gflops: flops / (ms * 1e6) });
    }
    for (const variant of ["simd", "fused"] as const) {
      // The fused build needs relaxed SIMD (npm run bench turns it on in Node 20).
      if (useKernel(variant) !== variant) continue;
      const kernel = KERNEL_NAMES[variant];
      for (const threads of [1, 2]) {
        progress(`GEMM n=${n} ${kernel}, ${threads} thread${threads > 1 ? "s" : ""}`);
        if (threads === 1) useSecondThread(null);
        else useTwoThreads();
        const product = () => gemmKernel(a, b, n, n, n, false, false, c);
        const warm = performance.now();
        while (performance.now() - warm < 100) product();
        // Each product is timed right after a run of the peak loop as long as itself, so both see the
        // machine in the same state: the speed of either drifts over seconds on a shared machine.
        const speeds: number[] = [];
        const shares: number[] = [];
        const peakSpeeds: number[] = [];
        const start = performance.now();
        let last = 1;
        while (speeds.length < 5 || performance.now() - start < budget) {
          const p = peak?.(last);
          const t = performance.now();
          product();
          last = performance.now() - t;
          speeds.push(flops / (last * 1e6));
          if (p !== undefined) {
            peakSpeeds.push(p);
            shares.push(flops / (last * 1e6) / (p * threads));
          }
        }
        const row: GemmRow = { n, threads, kernel, gflops: middle(speeds) };
        if (peak) Object.assign(row, { peak: middle(peakSpeeds), share: middle(shares) });
        out.push(row);
      }
    }
    useKernel("best");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- report

const fmt = (ms: number | null | undefined) =>
  ms === null || ms === undefined
    ? "—"
    : ms < 1
      ? `${(ms * 1000).toFixed(0)} µs`
      : ms < 1000
        ? `${ms.toFixed(2)} ms`
        : `${(ms / 1000).toFixed(2)} s`;
/** a over b: two decimals, or a fraction 1/k where that would print 0.00. */
const ratio = (a: number | null, b: number | null) =>
  a === null || b === null ? "—" : a / b < 0.01 ? `1/${Math.round(b / a)}` : `${(a / b).toFixed(2)}×`;
/** A name in a Markdown table cell (a | would end the cell). */
const cell = (text: string) => text.replace(/\|/g, "\\|");

interface Target {
  readonly what: string;
  readonly met: boolean | null;
  readonly detail: string;
}

function geomean(xs: number[]): number {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/** A GEMM's speed as a share of the machine's peak for its instructions, measured alongside. */
function peakNote(g: GemmRow): string {
  if (g.share === undefined || g.peak === undefined) return "no peak measured";
  const times = g.threads > 1 ? `${g.threads}× ` : "";
  return `${(g.share * 100).toFixed(0)}% of ${times}the peak of ${g.peak.toFixed(1)} GFLOP/s measured alongside on this thread`;
}

function targets(
  rows: Row[],
  sym: SymbolicRow[],
  scale: ScaleRow[],
  cli: CliRow | null,
  gemms: GemmRow[],
): Target[] {
  const t: Target[] = [];
  const vsNumpy = (row: Row) =>
    row.numpy === null || row.compiled === null ? null : row.compiled / row.numpy;
  const vsTorch = (row: Row) =>
    row.torch === null || row.compiled === null ? null : row.compiled / row.torch;
  const known = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null);
  const at = `${THREADS} thread${THREADS > 1 ? "s" : ""} each`;
  // The four gradients the targets have always been judged on; the others are reported beside them.
  const sweep = rows.filter((x) => CLASSIC.has(x.name));
  const big = sweep.filter((x) => x.n >= 300);
  const bigNumpy = known(big.map(vsNumpy));
  if (bigNumpy.length > 0) {
    const g = geomean(bigNumpy);
    const all = known(
      rows.filter((x) => x.kind === "gradient" && x.n >= 300 && x.fixed === null).map(vsNumpy),
    );
    t.push({
      what: `gradients of ${[...CLASSIC].join(", ")} at n ≥ 300: geometric mean ≤ 1.0× NumPy (${at})`,
      met: g <= 1,
      detail: `${g.toFixed(2)}× (every gradient row at n ≥ 300: ${geomean(all).toFixed(2)}×)`,
    });
  }
  const bigTorch = known(big.map(vsTorch));
  if (bigTorch.length > 0) {
    const g = geomean(bigTorch);
    t.push({
      what: `the same gradients at n ≥ 300: no slower than PyTorch's autograd (${at}; geometric mean)`,
      met: g <= 1,
      detail: `${g.toFixed(2)}×`,
    });
  } else
    t.push({
      what: "gradients at n ≥ 300: no slower than PyTorch's autograd",
      met: null,
      detail: "PyTorch absent",
    });
  const small = sweep.filter((x) => x.n <= 100);
  for (const [peer, of] of [
    ["NumPy", vsNumpy],
    ["PyTorch's autograd", vsTorch],
  ] as const) {
    const xs = small.map((x) => [x, of(x)] as const).filter(([, q]) => q !== null) as [Row, number][];
    if (xs.length === 0) continue;
    const worst = xs.reduce((a, b) => (b[1] > a[1] ? b : a));
    t.push({
      what: `the same gradients at n ≤ 100: faster than ${peer} (${at})`,
      met: worst[1] < 1,
      detail: `worst ${worst[1].toFixed(2)}× (${worst[0].name})`,
    });
  }
  for (const x of rows.filter((x) => ["Hessian x'Ax", "Hessian |T-UV'|^2 by U"].includes(x.name))) {
    const peers = known([x.torch, x.torchVectorized]);
    if (peers.length === 0 || x.compiled === null) continue;
    const best = Math.min(...peers);
    const speedup = best / x.compiled;
    t.push({
      what: `${x.name} n=${x.n}: ≥ 100× faster than PyTorch's hessian (the faster of row by row and vectorized, in this run)`,
      met: speedup >= 100,
      detail: `${speedup.toFixed(0)}× (PyTorch ${fmt(best)})`,
    });
  }
  const dense = rows.filter((x) => ["Hessian least squares", "Hessian logistic loss"].includes(x.name));
  const denseRatios = dense.map((x) => [x, vsNumpy(x)] as const).filter(([, q]) => q !== null) as [
    Row,
    number,
  ][];
  if (denseRatios.length > 0) {
    const worst = denseRatios.reduce((a, b) => (b[1] > a[1] ? b : a));
    t.push({
      what: `dense Hessians ≤ 1.5× NumPy (${at})`,
      met: worst[1] <= 1.5,
      detail: `worst ${worst[1].toFixed(2)}× (${worst[0].name} n=${worst[0].n})`,
    });
  }
  const attention = rows.find((x) => x.name === "grad attention head by Q");
  if (attention) {
    const q = vsTorch(attention);
    t.push({
      what: "attention-head gradient ≤ 1.5× PyTorch's autograd",
      met: q === null ? null : q <= 1.5,
      detail: q === null ? "PyTorch absent" : `${q.toFixed(2)}×`,
    });
  }
  const vsTf = rows.filter((x) => x.kind === "gradient" && x.tf !== null);
  if (vsTf.length > 0) {
    const slower = vsTf.filter((x) => x.compiled! >= x.tf!);
    t.push({
      what: "faster than TF.js on every gradient at every size",
      met: slower.length === 0,
      detail: slower.length === 0 ? "all" : `slower on ${slower.map((x) => `${x.name} n=${x.n}`).join(", ")}`,
    });
  }
  const g1 = bestGemm(gemms, 1);
  if (g1)
    t.push({
      what: "GEMM ≥ 15 GFLOP/s on one thread at n = 1000",
      met: g1.gflops >= 15,
      detail: `${g1.gflops.toFixed(2)} GFLOP/s (${g1.kernel}; ${peakNote(g1)})`,
    });
  const g2 = bestGemm(gemms, 2);
  if (g2)
    t.push({
      what: "GEMM ≥ 25 GFLOP/s on two threads at n = 1000",
      met: g2.gflops >= 25,
      detail: `${g2.gflops.toFixed(2)} GFLOP/s (${g2.kernel}; ${peakNote(g2)})`,
    });
  const lecture = sym.filter((s) => s.name.startsWith("lecture"));
  if (lecture.length > 0) {
    const worst = lecture.reduce((a, b) => (b.ms > a.ms ? b : a));
    t.push({
      what: "each lecture example derived in ≤ 1 ms",
      met: worst.ms <= 1,
      detail: `worst ${fmt(worst.ms)} (${worst.name.slice(9)})`,
    });
  }
  for (const { row } of scale.filter((x) => x.row.target !== null))
    t.push({
      what: `${row.name} derived in ≤ ${fmt(row.target)}`,
      met: row.ms <= row.target!,
      detail: fmt(row.ms),
    });
  const sums = scale.filter((x) => x.family.startsWith("sum")).map((x) => x.row);
  if (sums.length >= 2) {
    const growth =
      sums.at(-1)!.outputSize / sums.at(-1)!.inputSize / (sums[0]!.outputSize / sums[0]!.inputSize);
    t.push({
      what: "output size linear in the input's (sum of terms)",
      met: growth < 2,
      detail: `output/input ratio changes ${growth.toFixed(2)}× from ${sums[0]!.name} to ${sums.at(-1)!.name}`,
    });
  }
  if (cli)
    t.push({
      what: "`matcalc diff` answered within 1.5× of `node -e 0`'s start-up",
      met: cli.diff <= 1.5 * cli.node,
      detail: `${fmt(cli.diff)} against ${fmt(cli.node)} (${(cli.diff / cli.node).toFixed(2)}×)`,
    });
  return t;
}

async function main() {
  const started = Date.now();
  // matcalc's compiled code splits large products between two threads (one with BENCH_THREADS=1); the
  // references it is judged against run on as many, and the others on the other count.
  if (THREADS === 2) useTwoThreads();
  const tf = PARTS.has("cases") ? await loadTf() : null;
  const needed = PARTS.has("cases") || PARTS.has("gemm");
  const numpyPython = needed ? findPython("numpy") : null;
  const torchPython = PARTS.has("cases") ? findPython("torch") : null;
  const equal = await reference(THREADS, numpyPython);
  const other = await reference(3 - THREADS, numpyPython);
  const torch = torchPython ? await reference(THREADS, torchPython) : null;
  const references: References = { equal, other, torch };
  const rows = PARTS.has("cases") ? await runCases(tf, references) : [];
  const sym = PARTS.has("symbolic") ? await symbolic() : [];
  const scale = PARTS.has("symbolic") ? await scaling() : [];
  const cli = PARTS.has("symbolic") ? cliStartup() : null;
  const gemms = PARTS.has("gemm")
    ? await gemm(
        [equal, other].filter((r): r is Reference => r !== null).sort((a, b) => a.threads - b.threads),
      )
    : [];
  equal?.close();
  other?.close();
  torch?.close();
  const marks = targets(rows, sym, scale, cli, gemms);
  if (live) process.stderr.write("\r\x1b[K");

  const md: string[] = [];
  const threadsOf = (n: number) => `${n} thread${n > 1 ? "s" : ""}`;
  md.push(
    `# matcalc benchmark (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, NumPy ${equal?.numpy ?? "absent"}, PyTorch ${torch?.torch ? `${torch.torch} (BLAS ${torch.torchBlas})` : "absent"}, TF.js ${tf ? `${tf.version.tfjs} ${tf.getBackend()}` : "absent"})`,
    "",
  );
  md.push(
    `Medians of one run in one process. matcalc runs on ${threadsOf(THREADS)} (large products and matrix-vector products split between them; \`BENCH_THREADS=1\` for one). Every ratio is to a reference measured in this run at the same thread count: NumPy's closed form, timed in turns with matcalc's compiled function (5 rounds of 60 ms each for a function under 2 ms, the reference before every round and after the last; each side's number is the middle of its rounds' medians), and PyTorch's autograd in float64 (\`torch.autograd.grad\` for a gradient; \`torch.autograd.functional.hessian\` row by row, estimated from the rows that fit in a second where the whole would take longer, and with \`vectorize=True\`). NumPy is also timed at ${threadsOf(3 - THREADS)} for comparison. The workloads of fixed size run once, at the size named.`,
    "",
  );
  const numpyHead = (n: number) => `NumPy (${threadsOf(n)})`;
  md.push(
    `| function | n | ${numpyHead(THREADS)} | ${numpyHead(3 - THREADS)} | matcalc compiled (${threadsOf(THREADS)}) | vs NumPy | PyTorch (${threadsOf(THREADS)}) | vs PyTorch | PyTorch hessian vectorized | matcalc reverse AD | TF.js |`,
    "|---|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const x of rows) {
    const torchCell =
      x.torch === null
        ? torch?.torch
          ? "—"
          : "absent"
        : `${fmt(x.torch)}${x.torchNote ? ` (${x.torchNote})` : ""}`;
    md.push(
      `| ${cell(x.name)} | ${x.fixed ?? x.n} | ${fmt(x.numpy)} | ${fmt(x.numpyOther)} | ${fmt(x.compiled)} | ${ratio(x.compiled, x.numpy)} | ${torchCell} | ${ratio(x.compiled, x.torch)} | ${x.kind === "Hessian" ? fmt(x.torchVectorized) : ""} | ${fmt(x.reverseAd)} | ${x.tf === null ? "—" : `${fmt(x.tf)}${x.tfNote ? ` (${x.tfNote})` : ""}`} |`,
    );
  }
  md.push(
    "",
    "## Symbolic derivation",
    "",
    "| problem | input nodes | first run | time (warmed up) | output nodes |",
    "|---|---|---|---|---|",
  );
  for (const x of sym)
    md.push(`| ${cell(x.name)} | ${x.inputSize} | ${fmt(x.firstMs)} | ${fmt(x.ms)} | ${x.outputSize} |`);
  if (scale.length > 0) {
    md.push(
      "",
      "## Symbolic scale",
      "",
      "Derivation time (warmed up) and output size as the problem grows, and the growth exponent fitted to them by least squares on a log-log scale against the input's size in nodes (1 is linear).",
      "",
      "| family | k | input nodes | time | output nodes |",
      "|---|---|---|---|---|",
    );
    for (const x of scale)
      md.push(`| ${x.family} | ${x.k} | ${x.row.inputSize} | ${fmt(x.row.ms)} | ${x.row.outputSize} |`);
    md.push("", "| family | time exponent | output exponent |", "|---|---|---|");
    for (const family of [...new Set(scale.map((x) => x.family))]) {
      const points = scale.filter((x) => x.family === family).map((x) => x.row);
      const time = exponent(points.map((r) => [r.inputSize, r.ms] as const));
      const size = exponent(points.map((r) => [r.inputSize, r.outputSize] as const));
      md.push(`| ${family} | ${time.toFixed(2)} | ${size.toFixed(2)} |`);
    }
  }
  if (cli)
    md.push(
      "",
      "## Command line",
      "",
      `\`matcalc diff "x'*A*x" --wrt x\` ${fmt(cli.diff)}, \`node -e 0\` ${fmt(cli.node)} (medians of 9 runs each, in turns).`,
    );
  md.push(
    "",
    "## GEMM",
    "",
    "C = A·B for n×n matrices, into a preallocated C. Each WebAssembly product is timed right after a run of equal length of `bench/fma-peak.wat`, a loop of fused multiply-adds on 128-bit lanes in registers alone: its speed is the machine's peak for WebAssembly's double-precision arithmetic at that moment (the plain build's separate multiplies and adds have the same peak), and the share is the product's speed over it (for two threads, over twice this thread's peak). OpenBLAS uses 256-bit AVX2 lanes, twice as wide as WebAssembly's.",
    "",
    "| n | threads | kernel | GFLOP/s | peak alongside (per thread) | share of peak |",
    "|---|---|---|---|---|---|",
  );
  for (const g of gemms) {
    md.push(
      `| ${g.n} | ${g.threads} | ${g.kernel} | ${g.gflops.toFixed(2)} | ${g.peak?.toFixed(1) ?? "—"} | ${g.share === undefined ? "—" : `${(g.share * 100).toFixed(0)}%`} |`,
    );
  }
  md.push("", "## Targets", "", "| target | | measured |", "|---|---|---|");
  for (const m of marks)
    md.push(`| ${cell(m.what)} | ${m.met === null ? "?" : m.met ? "met" : "MISSED"} | ${cell(m.detail)} |`);
  md.push("", `Total time ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  const text = md.join("\n");
  process.stdout.write(`${text}\n`);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(resolve(OUT, "latest.md"), `${text}\n`);
  writeFileSync(
    resolve(OUT, "latest.json"),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, numpy: equal?.numpy ?? null, torch: torch?.torch ?? null, torchBlas: torch?.torchBlas ?? null, threads: THREADS, rows, symbolic: sym, scale, cli, gemm: gemms, targets: marks }, null, 2)}\n`,
  );
}

await main();
