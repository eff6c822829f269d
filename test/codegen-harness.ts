// Cases for generated code and the comparison with the engine: each case is a problem, the variables
// to differentiate by, an order and values; the engine's numbers come from the plain evaluator.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import ts from "typescript";
import {
  COOKBOOK_EXAMPLES,
  type Derivative,
  differentiate,
  emit,
  evaluateProblem,
  isMatcalcError,
  LECTURE_EXAMPLES,
  loadProblem,
  type Problem,
  type Target,
} from "../src/api/index.js";
import { refusedByDesign, usableValues } from "./derivative-checks.js";
import { moderateNumbers, problems } from "./generators.js";
import { LECTURE_CASES, problemText } from "./lecture-cases.js";

export interface CodeCase {
  readonly label: string;
  readonly problem: string;
  readonly wrt: string;
  readonly order: number;
  readonly values: Record<string, unknown>;
}

/** Expected numbers by output key, flattened row by row. */
export type Expected = Record<string, number[]>;

function flatten(value: unknown): number[] {
  if (typeof value === "number") return [value];
  if (Array.isArray(value)) return value.flatMap(flatten);
  if (value instanceof Float64Array) return Array.from(value);
  throw new Error(`not a number or array: ${String(value)}`);
}

/** The engine's value and derivatives at the case's values, or null when the engine refuses them. */
export function expectedFor(
  c: CodeCase,
  derivatives: readonly Derivative[],
  outputs: readonly string[],
): Expected | null {
  try {
    const result: Expected = { value: Array.from(evaluateProblem(c.problem, c.values).data) };
    derivatives.forEach((d, k) => {
      result[outputs[k + 1]!] = Array.from(d.evaluate(c.values).data);
    });
    return result;
  } catch (error) {
    if (isMatcalcError(error)) return null;
    throw error;
  }
}

/** The largest difference relative to the largest magnitude, over every output. */
export function mismatch(
  expected: Expected,
  actual: Record<string, unknown>,
): { key: string; error: number } {
  let worst = { key: "", error: 0 };
  for (const [key, want] of Object.entries(expected)) {
    if (!(key in actual)) return { key, error: Number.POSITIVE_INFINITY };
    const got = flatten(actual[key]);
    if (got.length !== want.length) return { key, error: Number.POSITIVE_INFINITY };
    const scale = Math.max(1, ...want.map(Math.abs));
    for (let i = 0; i < want.length; i++) {
      const error = Math.abs(got[i]! - want[i]!) / scale;
      if (!(error <= worst.error))
        worst = { key, error: Number.isNaN(error) ? Number.POSITIVE_INFINITY : error };
    }
  }
  return worst;
}

function lectureCases(): CodeCase[] {
  return LECTURE_CASES.map((c) => ({
    label: `lecture ${c.id}`,
    problem: problemText(c),
    wrt: c.wrt,
    order: c.order,
    values: c.values,
  }));
}

function exampleCases(seed: number): CodeCase[] {
  const out: CodeCase[] = [];
  for (const e of [...LECTURE_EXAMPLES, ...COOKBOOK_EXAMPLES]) {
    const problem = loadProblem(e.problem);
    const values = usableValues(problem, seed);
    if (values) out.push({ label: e.title, problem: e.problem, wrt: e.wrt, order: e.order ?? 1, values });
  }
  return out;
}

/** A hand-picked set that reaches every operator and output form (row, matrix, index form, Hessian). */
export const BROAD_PROBLEMS: ReadonlyArray<[string, string, number]> = [
  ["x'*A*x", "x", 2],
  ["x'*A*x", "A", 2],
  ["mean((y - max(0, X'*w + b)).^2)", "w,b", 2],
  ["sum(log(1 + exp(-y .* (X*w))))", "w", 2],
  ["norm2(A*x - y)^2", "x", 2],
  ["logdet(X'*X + I)", "X", 1],
  ["tr(A*X*B)", "X", 1],
  ["a'*inv(X)*b", "X", 1],
  ["softmax(W*x)", "x", 1],
  ["logsumexp(W*x + c)", "W", 1],
  ["x .* sin(x) ./ (2 + cos(x))", "x", 2],
  ["sigmoid(w'*x) + softplus(a) * tanh(b)", "w,a", 2],
  ["[3*x^2*y; 2*x + 4*y^2]", "x,y", 1],
  ["diag(diag(A)) * x + min(x, 0.5) - abs(x) .* sign(x)", "x", 1],
  ["det(A) * norm1(x) + dot(x, x) / sqrt(1 + x'*x)", "x", 1],
  ["exp(tan(c)) ^ 2 + pi * relu(c) + step(c)", "c", 2],
  ["A*X*B", "X", 1],
  ["inv(X)", "X", 1],
  ["X'*X", "X", 1],
  ["x*x'", "x", 1],
  ["x'*ones * (x .^ 3)", "x", 2],
  ["mean(X*y) + sum(X)", "X", 2],
  ["X: matrix(m, n), Y: matrix(n, m)\nsum((X' + 2*Y) .* exp(Y - X'))", "Y", 2],
  ["w'*[x; 1]", "w", 2],
  ["sum(sum([A, x; x', a] .^ 2))", "x,a", 2],
  ["[x; y]", "x,y", 1],
  ["tr(C'*kron(A, B))", "A,B", 1],
  ["kron(x, y)", "x,y", 1],
  ["norm2(kron(x, y))^2", "x", 2],
  ["norm2(kron(A, y))^2", "y", 1],
];

function broadCases(seed: number): CodeCase[] {
  const out: CodeCase[] = [];
  for (const [source, wrt, order] of BROAD_PROBLEMS) {
    const problem = loadProblem(source);
    const values = usableValues(problem, seed);
    if (values) out.push({ label: source, problem: source, wrt, order, values });
  }
  return out;
}

const SMOOTH = [
  "exp",
  "sin",
  "cos",
  "tanh",
  "sigmoid",
  "softplus",
  "abs",
  "relu",
  "sqrt",
  "log",
  "step",
  "sign",
];

/** Whether the engine refuses the derivative by design (through a Kronecker product, beyond a matrix form). */
function refused(problem: Problem, wrt: string, order: number): boolean {
  try {
    differentiate(problem, wrt, { order });
    return false;
  } catch (error) {
    if (refusedByDesign(error)) return true;
    throw error;
  }
}

/** Random well-typed problems over every operator (first and second order), with usable values. */
function randomCases(count: number, seed: number): CodeCase[] {
  const kinds = ["S", "V", "M", "R", "C"] as const;
  const out: CodeCase[] = [];
  const sources = fc.sample(
    fc
      .tuple(fc.constantFrom(...kinds), fc.nat())
      .chain(([kind]) => problems(kind, SMOOTH, moderateNumbers).map((s) => [kind, s] as const)),
    { numRuns: count * 3, seed },
  );
  let k = 0;
  for (const [kind, source] of sources) {
    if (out.length >= count || source.length > 600) continue;
    const problem = loadProblem(source);
    const values = usableValues(problem, seed + k);
    k++;
    if (!values) continue;
    const wrt = ["a", "x", "A", "z", "C"][k % 5]!;
    const order = kind === "S" && k % 3 === 0 ? 2 : 1;
    if (refused(problem, wrt, order)) continue;
    out.push({ label: `random ${source.split("\n")[1]}`, problem: source, wrt, order, values });
  }
  return out;
}

export function codeCases(randomCount: number, seed: number): CodeCase[] {
  return [...lectureCases(), ...exampleCases(seed), ...broadCases(seed), ...randomCases(randomCount, seed)];
}

/** Runs JavaScript (or TypeScript, transpiled) generated code in this process. */
export function runJs(
  code: string,
  target: "js" | "ts",
  values: Record<string, unknown>,
): Record<string, unknown> {
  const js =
    target === "ts"
      ? ts.transpileModule(code, {
          compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
        }).outputText
      : code;
  const factory = new Function(`${js.replace(/^export function/m, "function")}\nreturn derivatives;`);
  return (factory() as (v: Record<string, unknown>) => Record<string, unknown>)(values);
}

/** Type-checks TypeScript files under strict settings; returns the diagnostics as text. */
export function typeCheck(files: Record<string, string>): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    lib: ["lib.es2022.d.ts"],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (name) => files[name] ?? read(name);
  const exists = host.fileExists.bind(host);
  host.fileExists = (name) => name in files || exists(name);
  const program = ts.createProgram(Object.keys(files), options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

/** An interpreter that imports all the modules, or null. */
export function findPython(modules: readonly string[]): string | null {
  for (const candidate of [process.env.PYTHON, "python3", "/usr/bin/python3"]) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ["-c", modules.map((m) => `import ${m}`).join("; ")], {
        stdio: "ignore",
        timeout: 60_000,
      });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return null;
}

export function emitFor(c: CodeCase, target: Target) {
  return emit(c.problem, c.wrt, { target, order: c.order });
}

/**
 * Runs each generated Python module's `derivatives(**values)` in one Python process and returns its
 * outputs as lists of numbers (or `{error}` with the traceback), in order.
 */
export function runPythonModules(
  python: string,
  cases: ReadonlyArray<{ readonly code: string; readonly c: { readonly values: Record<string, unknown> } }>,
): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), "matcalc-python-"));
  mkdirSync(join(dir, "cases"));
  cases.forEach(({ code }, k) => {
    writeFileSync(join(dir, "cases", `case${k}.py`), code);
  });
  writeFileSync(join(dir, "values.json"), JSON.stringify(cases.map(({ c }) => c.values)));
  writeFileSync(
    join(dir, "run.py"),
    `import importlib, json, sys, traceback
import numpy as np
sys.path.insert(0, ${JSON.stringify(join(dir, "cases"))})
values = json.load(open(${JSON.stringify(join(dir, "values.json"))}))
results = []
for k, v in enumerate(values):
    try:
        module = importlib.import_module(f"case{k}")
        out = module.derivatives(**v)
        results.append({key: np.asarray(value, dtype=np.float64).tolist() for key, value in out.items()})
    except Exception:
        results.append({"error": traceback.format_exc()})
print(json.dumps(results))
`,
  );
  const output = execFileSync(python, [join(dir, "run.py")], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
    timeout: 240_000,
  });
  return JSON.parse(output) as unknown[];
}
