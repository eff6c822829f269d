// Generated code is proven by running it: JavaScript and TypeScript here, NumPy and PyTorch in a
// Python that has them, against the plain evaluator's numbers for every lecture case, the examples, a
// hand-picked set over every operator and random problems. JAX code is at least byte-compiled.
// Without a Python that has NumPy (or PyTorch) those tests skip and say so; REQUIRE_NUMPY=1 and
// REQUIRE_TORCH=1 (set by .ci/run) make a missing one a failure. CODEGEN_RUNS scales the random cases.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, emit, loadProblem, releaseResident, residentMatrix } from "../src/api/index.js";
import { buildProgram, printJs } from "../src/codegen/index.js";
import { programFor } from "../src/emit/index.js";
import { residentAvailable } from "../src/kernels/index.js";
import {
  type CodeCase,
  codeCases,
  type Expected,
  emitFor,
  expectedFor,
  findPython,
  mismatch,
  runJs,
  runPythonModules,
  typeCheck,
} from "./codegen-harness.js";

const SEED = Number(process.env.CODEGEN_SEED ?? Date.now() % 100_000);
const RANDOM = Math.round(60 * Number(process.env.CODEGEN_RUNS ?? 1));
const CASES = codeCases(RANDOM, SEED);
const TOLERANCE = 1e-8;

interface Prepared {
  readonly c: CodeCase;
  readonly expected: Expected;
}

function prepared(target: "js" | "ts" | "numpy" | "torch" | "jax"): Array<Prepared & { code: string }> {
  const out: Array<Prepared & { code: string }> = [];
  for (const c of CASES) {
    const emitted = emitFor(c, target);
    const expected = expectedFor(c, emitted.derivatives, emitted.outputs);
    if (expected) out.push({ c, expected, code: emitted.code });
  }
  return out;
}

describe(`generated JavaScript and TypeScript (seed ${SEED})`, () => {
  for (const target of ["js", "ts"] as const) {
    it(`${target}: agrees with the engine on ${CASES.length} problems`, () => {
      const cases = prepared(target);
      expect(cases.length).toBeGreaterThan(CASES.length * 0.8);
      for (const { c, expected, code } of cases) {
        let actual: Record<string, unknown>;
        try {
          actual = runJs(code, target, c.values);
        } catch (error) {
          throw new Error(`${c.label} by ${c.wrt}: ${(error as Error).message}\n${code}`);
        }
        const { key, error } = mismatch(expected, actual);
        expect(error, `${c.label} by ${c.wrt}: ${key}\n${code}`).toBeLessThan(TOLERANCE);
      }
    });
  }

  it(`compiled to the highest order alone (loops fused the most): agrees with the engine on ${CASES.length} problems`, () => {
    let checked = 0;
    let fusedCases = 0;
    let wasmCases = 0;
    for (const c of CASES) {
      let compiled: ReturnType<typeof compile>;
      try {
        compiled = compile(c.problem, c.wrt, { order: c.order, highestOnly: true });
      } catch {
        continue;
      }
      let expected: Record<string, number[]>;
      try {
        expected = Object.fromEntries(
          compiled.outputs.map((key, k) => [
            key,
            Array.from(compiled.derivatives[k]!.evaluate(c.values).data),
          ]),
        );
      } catch {
        continue;
      }
      if (compiled.code.includes("; i++) { const t")) fusedCases++;
      if (compiled.code.includes("elementwise(")) wasmCases++;
      const { key, error } = mismatch(expected, compiled.run(c.values));
      expect(error, `${c.label} by ${c.wrt}: ${key}\n${compiled.code}`).toBeLessThan(TOLERANCE);
      checked++;
    }
    expect(checked).toBeGreaterThan(CASES.length * 0.8);
    expect(fusedCases).toBeGreaterThan(0);
    if (residentAvailable()) expect(wasmCases).toBeGreaterThan(0);
  });

  it("runs element-wise loops as WebAssembly modules that give the JavaScript loop's numbers, bit for bit", () => {
    const problems = [
      "x: vector(n), y: vector(n), b: scalar\nsum(max(0, x .* y + b) .* (x - y))",
      "x: vector(n), y: vector(n)\nsum(relu(3*x + y) .^ 2)",
      "x: vector(n), y: vector(n)\nsum(min(x, y) .* max(x, 2*y) ./ (x .* x + 3))",
      "x: vector(n), y: vector(n)\nsum(-x ./ 3 + relu(x - y) .* abs(y) + x ./ sqrt(abs(y) + 1/3))",
    ];
    for (const problem of problems) {
      const compiled = compile(problem, "x", { highestOnly: true });
      if (residentAvailable()) expect(compiled.code).toContain("elementwise(");
      // The standalone code runs the same loops in JavaScript.
      const js = emit(problem, "x", { target: "js" }).code;
      // Odd and even lengths (the odd last entry is computed on its own), and NaN and ±0 entries.
      for (const n of [1, 2, 7, 64]) {
        const x = Array.from({ length: n }, (_, i) => (i % 5 === 4 ? -0 : Math.sin(i * 1.7 + n) * 3));
        const y = Array.from({ length: n }, (_, i) => (i % 7 === 6 ? Number.NaN : Math.cos(i * 0.3 - n)));
        const values = { x, y, b: 0.3 };
        expect(compiled.run(values).d_x).toEqual(runJs(js, "js", values).d_x);
      }
    }
  });

  it("TypeScript type-checks under strict settings", () => {
    const files: Record<string, string> = {};
    CASES.slice(0, 40).forEach((c, k) => {
      files[`/virtual/case${k}.ts`] = emitFor(c, "ts").code;
    });
    expect(typeCheck(files)).toEqual([]);
  });

  it("compile runs the same code as a function of this process", () => {
    const neuron = "mean((y - max(0, X'*w + b)).^2)";
    const compiled = compile(neuron, "w,b", { order: 2 });
    const values = {
      X: [
        [1, 2, -1],
        [0.5, -3, 2],
      ],
      y: [1, 0, 2],
      w: [0.3, -0.2],
      b: 0.1,
    };
    const expected = expectedFor(
      { label: neuron, problem: neuron, wrt: "w,b", order: 2, values },
      compiled.derivatives,
      compiled.outputs,
    )!;
    expect(mismatch(expected, compiled.run(values)).error).toBeLessThan(TOLERANCE);
    expect(compiled.outputs).toEqual(["value", "d_w", "d2_w", "d_b", "d2_b"]);
  });

  it("compiles only the highest order when asked (a Hessian alone, as autodiff libraries give it)", () => {
    const hessian = compile("x'*A*x", "x", { order: 2, highestOnly: true, layout: "denominator" });
    expect(hessian.outputs).toEqual(["d2_x"]);
    const result = hessian.run({
      A: [
        [1, 2],
        [3, 4],
      ],
      x: [1, -1],
    });
    expect(Object.keys(result)).toEqual(["d2_x"]);
    expect(result.d2_x).toEqual([
      [2, 5],
      [5, 8],
    ]);
  });

  it("groups products by their cost once the sizes are known (a compiled function learns them)", () => {
    const at = (problem: string, wrt: string, sizes: Record<string, number>, highestOnly = true) => {
      const { program } = programFor(problem, wrt, { layout: "denominator", highestOnly });
      const { inputs, outputs, notes } = program;
      const knownSizes = new Map(Object.entries(sizes));
      const code = printJs(buildProgram({ problem, inputs, outputs, notes, knownSizes }), {
        typed: false,
        name: "f",
      });
      return code.split("export function")[1]!.split("\nfunction")[0]!;
    };
    const lowRank = "T: matrix(n, n), U: matrix(n, k), V: matrix(n, k)\nsum((T - U*V').^2)";
    // Never distributed over a difference: (U*V' - T)*V keeps its small residual where U*V' ≈ T, and
    // the residual is one call that adds T as it stores U*V'.
    expect(at(lowRank, "U", { n: 1000, k: 10 })).toMatch(/matmulPlus\(1, U, V, true, -1, T\)/);
    // The Hessian of x'*A*x, A + A', is one call (one read of A, no loop over a transposed view).
    const hessian = compile("x'*A*x", "x", { order: 2, highestOnly: true, layout: "denominator" });
    expect(hessian.code).toContain("addTranspose(A)");
    const chain = "A: matrix(n, r), B: matrix(r, n), C: matrix(n, r)\nsum(A*B*C)";
    expect(at(chain, "C", { n: 500, r: 2 }, false)).toMatch(/matmul\(A, matmul\(B, C/);
    expect(at(chain, "C", { n: 2, r: 500 }, false)).toMatch(/matmul\(matmul\(A, B\), C/);
  });

  it("takes a vector as a Float64Array, with the results of a plain array, and leaves inputs as they were", () => {
    const compiled = compile("sum(exp(A*x) .* x) + x'*A*x", "x", { layout: "denominator" });
    const x = Float64Array.of(0.5, -1, 2);
    const A = [
      [1, 2, 0],
      [0, -1, 3],
      [2, 0.5, 1],
    ];
    const before = Array.from(x);
    const fromTypedArray = compiled.run({ A, x }) as Record<string, unknown>;
    const fromArray = compiled.run({ A, x: before }) as Record<string, unknown>;
    expect(fromTypedArray).toEqual(fromArray);
    expect(Array.from(x)).toEqual(before);
    expect(A).toEqual([
      [1, 2, 0],
      [0, -1, 3],
      [2, 0.5, 1],
    ]);
  });

  it("computes a residual U*V' - T in one call, with its inputs resident or not", () => {
    const problem = "T: matrix(n, n), U: matrix(n, k), V: matrix(n, k)\nsum((T - U*V').^2)";
    const compiled = compile(problem, "U", {
      layout: "denominator",
      highestOnly: true,
      raw: true,
      reuse: true,
    });
    for (const [n, k] of [
      [70, 3],
      [5, 2],
      [70, 3],
    ] as const) {
      const fill = (rows: number, cols: number, f: (i: number) => number) =>
        residentMatrix(
          rows,
          cols,
          Float64Array.from({ length: rows * cols }, (_, i) => f(i)),
        );
      const [T, U, V] = [
        fill(n, n, Math.sin),
        fill(n, k, (i) => Math.cos(i) / 3),
        fill(n, k, (i) => Math.sin(2 * i)),
      ];
      // -2 (T - U V') V
      const want: number[] = [];
      for (let i = 0; i < n; i++)
        for (let j = 0; j < k; j++) {
          let s = 0;
          for (let p = 0; p < n; p++) {
            let uv = 0;
            for (let q = 0; q < k; q++) uv += U.data[i * k + q]! * V.data[p * k + q]!;
            s += (T.data[i * n + p]! - uv) * V.data[p * k + j]!;
          }
          want.push(-2 * s);
        }
      const plainT = { rows: n, cols: n, data: Float64Array.from(T.data) };
      for (const values of [
        { T, U, V },
        { T: plainT, U, V },
      ]) {
        const got = Array.from((compiled.run(values).d_U as { data: Float64Array }).data);
        expect(got).toEqual(want.map((w) => expect.closeTo(w, 10)));
      }
      for (const m of [T, U, V]) releaseResident(m);
    }
  });

  it("writes a term with a Kronecker delta only where its tied indices agree (no identity is built)", () => {
    const problem = "T: matrix(n, n), U: matrix(n, k), V: matrix(n, k)\nsum((T - U*V').^2)";
    const options = { order: 2, layout: "denominator", highestOnly: true } as const;
    const plain = compile(problem, "U", options);
    const reused = compile(problem, "U", { ...options, raw: true, reuse: true });
    expect(plain.code).toContain("addScaledTied(");
    expect(plain.code).not.toContain("eye(");
    for (const [n, k] of [
      [4, 2],
      [3, 3],
      [4, 2],
    ] as const) {
      const matrix = (rows: number, cols: number, f: (i: number) => number) =>
        Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => f(i * cols + j)));
      const V = matrix(n, k, (i) => Math.cos(i + n));
      const values = { T: matrix(n, n, Math.sin), U: matrix(n, k, (i) => i / 7), V };
      // The Hessian is 2 δ[i,a] (V'V)[b,j] at [i,j,a,b].
      const want: number[] = [];
      for (let i = 0; i < n; i++)
        for (let j = 0; j < k; j++)
          for (let a = 0; a < n; a++)
            for (let b = 0; b < k; b++) {
              let vtv = 0;
              for (let p = 0; p < n; p++) vtv += V[p]![b]! * V[p]![j]!;
              want.push(i === a ? 2 * vtv : 0);
            }
      const flat = (v: unknown): number[] =>
        Array.isArray(v) ? v.flat(3) : Array.from((v as { data: Float64Array }).data);
      expect(flat(plain.run(values).d2_U)).toEqual(want.map((w) => expect.closeTo(w, 12)));
      expect(flat(reused.run(values).d2_U)).toEqual(want.map((w) => expect.closeTo(w, 12)));
    }
  });

  it("reuses its working arrays when asked, and stays right across calls and sizes", () => {
    const problem = "sum(exp(A*x) .* (A'*y)) + x'*(A + A')*y";
    const plain = compile(problem, "x", { order: 2 });
    const reused = compile(problem, "x", { order: 2, raw: true, reuse: true });
    expect(reused.code).toContain("buffer(0,");
    for (const n of [3, 3, 5, 3]) {
      const values = {
        A: Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.sin(n + 3 * i + j))),
        x: Array.from({ length: n }, (_, i) => Math.cos(n + i) / 2),
        y: Array.from({ length: n }, (_, i) => Math.sin(2 * n + i)),
      };
      const want = plain.run(values);
      const flat = (v: unknown): number[] =>
        typeof v === "number"
          ? [v]
          : Array.isArray(v)
            ? v.flatMap(flat)
            : Array.from((v as { data: Float64Array }).data);
      // The same with A resident in the kernels' memory (read in place by matrix-vector kernels).
      const resident = residentMatrix(n, n, values.A.flat());
      for (const input of [values, { ...values, A: resident }]) {
        const got = reused.run(input) as Record<string, { data: Float64Array } | number>;
        for (const key of Object.keys(want)) {
          const [a, b] = [flat(got[key]), flat(want[key])];
          expect(a.length).toBe(b.length);
          const worst = Math.max(0, ...a.map((x, i) => Math.abs(x - b[i]!) / (1 + Math.abs(b[i]!))));
          expect(worst).toBeLessThan(1e-12);
        }
      }
      releaseResident(resident);
    }
    // Inverses written into working matrices (inv(X), and inv(X)' for the gradient of logdet), on the
    // kernels from 16 rows on and by plain loops below.
    for (const [layout, helper] of [
      ["denominator", "invT"],
      ["numerator", "inv"],
    ] as const) {
      const reusedInverse = compile("logdet(X)", "X", {
        order: 1,
        raw: true,
        reuse: true,
        highestOnly: true,
        layout,
      });
      expect(reusedInverse.code).toContain(`${helper}(X, buffer(`);
      for (const n of [70, 5, 70]) {
        const X = Array.from({ length: n }, (_, i) =>
          Array.from({ length: n }, (_, j) => Math.sin(n + 3 * i + j) + (i === j ? n : 0)),
        );
        // The plain evaluator's numbers (its inverse is its own, by plain loops).
        const want = Array.from(reusedInverse.derivatives[0]!.evaluate({ X }).data);
        for (let call = 0; call < 2; call++) {
          const got = Array.from((reusedInverse.run({ X }).d_X as { data: Float64Array }).data);
          const worst = Math.max(...got.map((x, i) => Math.abs(x - want[i]!) / (1 + Math.abs(want[i]!))));
          expect(worst).toBeLessThan(1e-12);
        }
      }
    }
  });

  it("checks the shapes of its inputs with a clear message", () => {
    const { run } = compile("x'*A*x", "x");
    expect(() =>
      run({
        x: [1, 2],
        A: [
          [1, 2, 3],
          [4, 5, 6],
        ],
      }),
    ).toThrow("A is 2×3, expected n×n = 2×2");
    expect(() => run({ x: [1, 2], A: [[1, 2], [3]] })).toThrow("A: row 2 has 1 entries, row 1 has 2");
    expect(() => run({ x: 3, A: [[1]] })).toThrow("x must be a vector");
  });

  it("computes a common subexpression once and names it", () => {
    const { code } = emit("sum(exp(A*x)) + exp(A*x)'*y", "x", { target: "js" });
    expect(code.match(/matmul\(A, x\)/g)?.length).toBe(1);
    expect(code.match(/Math\.exp/g)?.length).toBe(1);
    const py = emit("sum(exp(A*x)) + exp(A*x)'*y", "x", { target: "numpy" }).code;
    expect(py.match(/A @ x/g)?.length).toBe(1);
  });

  it("computes an element-wise temporary that one loop alone reads inside that loop, not in a pass of its own", () => {
    const neuron = "mean((y - max(0, X'*w + b)).^2)";
    const compiled = compile(neuron, "w", { highestOnly: true });
    // X'*w + b is read twice by the next loop (step and residual) and nowhere else.
    expect(compiled.code).toContain("{ const t2 = t1.data[i] + b; ");
    expect(compiled.code).not.toContain("t2.data[i] =");
    const values = {
      X: [
        [1, 2, -1, 0.5],
        [0.5, -3, 2, 1],
      ],
      y: [1, 0, 2, -1],
      w: [0.3, -0.2],
      b: 0.1,
    };
    // The plain evaluator's numbers for the derivative.
    const expected = { d_w: Array.from(compiled.derivatives[0]!.evaluate(values).data) };
    expect(mismatch(expected, compiled.run(values)).error).toBeLessThan(TOLERANCE);
    // A chain: exp(x + y) is computed in the loop of the gradient, the only loop that reads it.
    const chain = compile("w'*tanh(exp(x + y) .* y)", "x", { highestOnly: true }).code;
    expect(chain).toContain("{ const t1 = Math.exp(x.data[i] + y.data[i]); ");
    // With the value, two loops read it: it stays an array.
    const shared = compile("w'*tanh(exp(x + y) .* y)", "x").code;
    expect(shared).toContain("t1.data[i] = Math.exp(x.data[i] + y.data[i]);");
  });

  it("orders products by cost: chains from the vector, scalars and sums onto the thin side, transposes in place", () => {
    // The code without its header, which shows the formula as derived.
    const py = (problem: string, wrt: string) =>
      emit(problem, wrt, { target: "numpy", layout: "denominator" })
        .code.split("\n")
        .filter((line) => !line.startsWith("#"))
        .join("\n");
    expect(py("A: matrix(n, n), B: matrix(n, n), x: vector(n)\nsum(A*B*x)", "x")).not.toContain("A @ B");
    expect(py("A: matrix(n, n), B: matrix(n, n), x: vector(n)\nx'*A*B*x", "x")).toMatch(/B @ x/);
    const quadratic = py("x'*A*x", "x");
    expect(quadratic).not.toMatch(/A \+ /);
    expect(quadratic).toMatch(/A @ x/);
    expect(py("sum((A*x - b).^2)", "x")).toMatch(/d_x = 2 \* t\d/);
    const js = emit("x'*A*x", "x", { target: "js", layout: "denominator" }).code;
    // (A + A')*x as one call that reads A in place for both terms (two passes in standalone code).
    expect(js).toContain("plusTransposeTimes(A, x)");
    expect(js).toContain("matmulTN(a, x)");
    expect(js).not.toContain("transpose(A)");
    const diagonal = emit("X'*diag(w)*X", "w", { target: "js" }).code;
    expect(diagonal).not.toContain("diagMatrix(");
    // ones*ones'*M (an attention head's derivative has it) through the vectors: no n×n outer product.
    const attention = emit("tr(G'*softmax(Q*K', 2)*V)", "Q", { target: "js" }).code;
    expect(attention).toMatch(/matmul\(\w+, matmul\(transpose\(\w+\), \w+\)\)/);
    expect(attention).not.toMatch(/matmul\(matmul\(\w+, transpose\(/);
  });

  it("contracts an index-form term of three and more factors pairwise (NumPy, JAX), not all at once", () => {
    const tensor = "A: matrix(n, n), x: vector(n)\nsin(A*x)";
    for (const target of ["numpy", "jax"] as const)
      expect(emit(tensor, "A", { target }).code).toMatch(
        /einsum\("a,ab,c->abc", [^\n]*, optimize="greedy"\)/,
      );
    // torch.einsum takes no such option (it contracts pairwise, with opt_einsum where installed).
    expect(emit(tensor, "A", { target: "torch" }).code).not.toContain("optimize");
    // Two factors are one pairwise contraction already.
    expect(emit("A: matrix(n, n), x: vector(n)\nA*x", "A", { target: "numpy" }).code).not.toContain(
      "optimize",
    );
  });

  it("names the problem, the derivatives and the layout in its header", () => {
    const { code } = emit("x'*A*x", "x", { target: "numpy", layout: "denominator", order: 2 });
    expect(code).toContain("# x'*A*x");
    expect(code).toContain("#   d_x: derivative by x: n-vector, denominator layout");
    expect(code).toContain("#   d2_x: second derivative by x: n×n, denominator layout");
    expect(code).toContain("#     = (A + A')*x");
  });

  it("refuses an unknown target or function name with a message", () => {
    expect(() => emit("x'*x", "x", { target: "fortran" as "js" })).toThrow("unknown target fortran");
    expect(() => emit("x'*x", "x", { name: "1f" })).toThrow("1f is not a function name");
    expect(() => emit("x'*x", "q")).toThrow("cannot differentiate by q");
    expect(loadProblem("x'*x")).toBeTruthy();
  });
});

/** Each case's generated module run in one Python process, with the engine's numbers beside it. */
function runPython(
  python: string,
  target: "numpy" | "torch",
): Array<{ c: CodeCase; expected: Expected; actual: unknown; code: string }> {
  const cases = prepared(target);
  const results = runPythonModules(python, cases);
  return cases.map((p, k) => ({ ...p, actual: results[k] }));
}

for (const target of ["numpy", "torch"] as const) {
  const modules = target === "numpy" ? ["numpy"] : ["numpy", "torch"];
  const python = findPython(modules);
  const required = process.env[target === "numpy" ? "REQUIRE_NUMPY" : "REQUIRE_TORCH"] === "1";
  describe(`generated ${target} code (seed ${SEED})`, () => {
    if (!python) {
      it(`needs a python3 with ${modules.join(" and ")}`, () => {
        if (required)
          throw new Error(`no python3 with ${modules.join(" and ")} here, but the run requires one`);
        console.warn(
          `skipping the ${target} tests: no python3 with ${modules.join(" and ")} (install Debian's python3-${target})`,
        );
      });
      return;
    }
    it(`${target}: agrees with the engine on ${CASES.length} problems`, { timeout: 300_000 }, () => {
      const results = runPython(python, target);
      expect(results.length).toBeGreaterThan(CASES.length * 0.8);
      for (const { c, expected, actual, code } of results) {
        const record = actual as Record<string, unknown>;
        if ("error" in record) throw new Error(`${c.label} by ${c.wrt}: ${String(record.error)}\n${code}`);
        const { key, error } = mismatch(expected, record);
        expect(error, `${c.label} by ${c.wrt}: ${key}\n${code}`).toBeLessThan(TOLERANCE);
      }
    });
  });
}

describe("generated JAX code", () => {
  const python = findPython([]);
  it("byte-compiles (and runs where jax is installed)", { timeout: 120_000 }, () => {
    if (!python) {
      console.warn("skipping the JAX compile test: no python3");
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "matcalc-jax-"));
    const files = CASES.map((c, k) => {
      const file = join(dir, `case${k}.py`);
      writeFileSync(file, emitFor(c, "jax").code);
      return file;
    });
    execFileSync(python, ["-m", "py_compile", ...files], { stdio: "pipe" });
  });
});
