// Compiled functions: a request's generated JavaScript made into a function of this process, whose
// products and factorizations run on the library's kernels (WebAssembly where it helps) and whose code
// is specialized to the sizes it is called with.
import { buildProgram, type Program, printJs } from "../codegen/index.js";
import { type Dim, isMatcalcError, isSizeSymbol, MatcalcError, settleSizes } from "../core/index.js";
import type { Derivative, DifferentiateOptions, Problem } from "../derive/index.js";
import {
  addTranspose,
  clear,
  gemm,
  gemmPlus,
  gram,
  inverseOf,
  luFactor,
  plusTransposeTimes,
  type ResidentMatrix,
  releaseResident,
  residentLoop,
  residentMatrix,
} from "../kernels/index.js";
import { luDeterminant, luLogAbsDeterminant } from "../tensor/index.js";
import { programFor } from "./emit.js";

interface Mat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** The size of a square matrix; `what` names the operation in the error otherwise. */
function squareSize(a: Mat, what: string): number {
  if (a.rows !== a.cols) throw new Error(`${what}: expected a square matrix, got ${a.rows}×${a.cols}`);
  return a.rows;
}

/** A⁻¹ (or A⁻ᵀ), factored and solved in place on the kernels. */
function inverse(a: Mat, transposed: boolean, into?: Mat): Mat {
  const data = inverseOf(a.data, squareSize(a, "inv"), transposed, into?.data);
  if (data === null) throw new Error("inv: the matrix is singular");
  return { rows: a.rows, cols: a.cols, data };
}

function factorOf(a: Mat, what: string) {
  return luFactor(a.data, squareSize(a, what));
}

/** The generated code's product and factorization helpers, on the library's kernels. */
const KERNELS = {
  clear,
  gram: (x: Mat, s: Mat | null): Mat => ({
    rows: x.cols,
    cols: x.cols,
    data: gram(x.data, x.rows, x.cols, s?.data),
  }),
  inv: (a: Mat, into?: Mat): Mat => inverse(a, false, into),
  invT: (a: Mat, into?: Mat): Mat => inverse(a, true, into),
  det: (a: Mat): number => luDeterminant(factorOf(a, "det")),
  logdet: (a: Mat): number => {
    const f = factorOf(a, "logdet");
    if (f.singular) throw new Error("logdet: the matrix is singular");
    const { logAbs, sign } = luLogAbsDeterminant(f);
    if (sign < 0) throw new Error("logdet: the determinant is negative");
    return logAbs;
  },
  matmul: (a: Mat, b: Mat, into?: Mat): Mat => ({
    rows: a.rows,
    cols: b.cols,
    data: gemm(a.data, b.data, a.rows, a.cols, b.cols, false, false, into?.data),
  }),
  matmulTN: (a: Mat, b: Mat, into?: Mat): Mat => ({
    rows: a.cols,
    cols: b.cols,
    data: gemm(a.data, b.data, a.cols, a.rows, b.cols, true, false, into?.data),
  }),
  matmulPlus: (alpha: number, a: Mat, b: Mat, transposed: boolean, beta: number, t: Mat, into?: Mat): Mat => {
    const cols = transposed ? b.rows : b.cols;
    const data = gemmPlus(
      a.data,
      b.data,
      a.rows,
      a.cols,
      cols,
      false,
      transposed,
      alpha,
      t.data,
      beta,
      into?.data,
    );
    return { rows: a.rows, cols, data };
  },
  addTranspose: (a: Mat, into?: Mat): Mat => ({
    rows: a.rows,
    cols: a.rows,
    data: addTranspose(a.data, a.rows, into?.data),
  }),
  plusTransposeTimes: (a: Mat, x: Mat, into?: Mat): Mat => ({
    rows: a.rows,
    cols: 1,
    data: plusTransposeTimes(a.data, x.data, a.rows, into?.data),
  }),
  matmulNT: (a: Mat, b: Mat, into?: Mat): Mat => ({
    rows: a.rows,
    cols: b.rows,
    data: gemm(a.data, b.data, a.rows, a.cols, b.rows, false, true, into?.data),
  }),
};

/** Gives a compiled function's working matrices back when the function is collected. */
const released = new FinalizationRegistry<ResidentMatrix[]>((buffers) => {
  for (const b of buffers) releaseResident(b);
});

/** A compiled problem: values by variable name in, the value and derivatives by key out. */
export type CompiledFunction = (values: Record<string, unknown>) => Record<string, unknown>;

export interface Compiled {
  readonly run: CompiledFunction;
  readonly outputs: readonly string[];
  readonly derivatives: readonly Derivative[];
  /** The JavaScript that runs. */
  readonly code: string;
}

/** The generated JavaScript, made into a function of this process. */
export interface CompileOptions extends DifferentiateOptions {
  /**
   * Return matrices as computed, {rows, cols, data} (row-major Float64Array), instead of arrays; the
   * inputs may be given that way too, which saves converting them on every call.
   */
  readonly raw?: boolean | undefined;
  /** Compute only the derivatives of the highest order (no value, no lower orders). */
  readonly highestOnly?: boolean | undefined;
  /**
   * Reuse working arrays between calls (with `raw`): faster for repeated calls, but each call's
   * matrices are overwritten by the next one.
   */
  readonly reuse?: boolean | undefined;
}

export function compile(
  problem: string | Problem,
  wrt: string | readonly string[],
  options: CompileOptions = {},
): Compiled {
  const { raw, reuse, ...programOptions } = options;
  const { program, derivatives } = programFor(problem, wrt, programOptions);
  const generic = runnable(program, raw === true, reuse === true);
  // The code is specialized to the sizes it is called with (as a JIT traces per shape): knowing them,
  // the products are grouped by their cost in multiply-adds. A few size signatures are kept.
  const bySizes = new Map<string, CompiledFunction>();
  // The inputs' axes in the last call and its code: calls in a loop mostly repeat them, and the test
  // reads the axes into one array kept for it, with no allocation.
  const axes: number[] = [];
  let lastAxes: number[] = [];
  let lastRun: CompiledFunction | null = null;
  const run: CompiledFunction = (values) => {
    if (values === null || typeof values !== "object")
      throw new MatcalcError("value", "a compiled function takes an object of values by variable name");
    try {
      return runAt(values);
    } catch (error) {
      // The generated code throws plain Errors about its inputs (a shape, an entry that is not a
      // number, a singular matrix): to the caller they are bad values, one line each.
      if (error instanceof Error && !isMatcalcError(error)) throw new MatcalcError("value", error.message);
      throw error;
    }
  };
  const runAt: CompiledFunction = (values) => {
    axes.length = 0;
    const readable = readAxes(program, values, axes);
    if (lastRun !== null && readable && sameNumbers(axes, lastAxes)) return lastRun(values);
    const sizes = readable ? sizesOf(program, axes) : null;
    if (sizes === null) return generic.run(values);
    const key = [...sizes.values()].join(",");
    let specialized = bySizes.get(key);
    if (specialized === undefined) {
      if (bySizes.size >= 8) bySizes.clear();
      const { problem: source, inputs, outputs, notes } = program;
      specialized = runnable(
        buildProgram({ problem: source, inputs, outputs, notes, knownSizes: sizes }),
        raw === true,
        reuse === true,
      ).run;
      bySizes.set(key, specialized);
    }
    lastAxes = [...axes];
    lastRun = specialized;
    return specialized(values);
  };
  return { run, outputs: program.outputs.map((o) => o.key), derivatives, code: generic.code };
}

/**
 * Pushes the axes of every input in turn, as the code reads them (a {rows, cols} record given for a
 * vector counts rows·cols entries); false where a value's axes cannot be read or are not as many as
 * its shape's.
 */
function readAxes(program: Program, values: Record<string, unknown>, out: number[]): boolean {
  for (const input of program.inputs) {
    const v = values?.[input.name];
    const start = out.length;
    if (v instanceof Float64Array) out.push(v.length);
    else if (Array.isArray(v)) {
      out.push(v.length);
      if (Array.isArray(v[0])) out.push((v[0] as unknown[]).length);
    } else if (v !== null && typeof v === "object" && "rows" in v && "cols" in v) {
      const m = v as { rows: number; cols: number };
      if (input.shape.length === 1) out.push(m.rows * m.cols);
      else out.push(m.rows, m.cols);
    } else if (typeof v !== "number") return false;
    if (out.length - start !== input.shape.length) return false;
  }
  return true;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The sizes by size symbol that the inputs' axes give, or null where they disagree. */
function sizesOf(program: Program, axes: readonly number[]): Map<string, number> | null {
  const sizes = new Map<string, number>();
  const compound: { dim: Dim; actual: number }[] = [];
  let k = 0;
  for (const input of program.inputs)
    for (const d of input.shape) {
      const size = axes[k++]!;
      if (typeof d === "number") continue;
      if (!isSizeSymbol(d)) compound.push({ dim: d, actual: size });
      else if (sizes.has(d) && sizes.get(d) !== size) return null;
      else sizes.set(d, size);
    }
  return settleSizes(compound, sizes) === null ? sizes : null;
}

/** A program made into a function of this process, on the library's kernels. */
function runnable(program: Program, raw: boolean, reuse: boolean): { run: CompiledFunction; code: string } {
  // With reuse, working matrices are kept from call to call in the kernels' resident memory, where the
  // matrix-vector kernels read and write them in place; they are released with the function.
  const buffers: ResidentMatrix[] = [];
  const buffer = (k: number, rows: number, cols: number): ResidentMatrix => {
    const b = buffers[k];
    if (b !== undefined && b.rows === rows && b.cols === cols) return b;
    if (b !== undefined) releaseResident(b);
    const fresh = residentMatrix(rows, cols);
    buffers[k] = fresh;
    return fresh;
  };
  // Element-wise loops that WebAssembly computes exactly run as small modules on the resident memory
  // (the code keeps its JavaScript loop for where they cannot run).
  const loops: Array<ReturnType<typeof residentLoop>> = [];
  const elementwise = (k: number, out: Mat, arrays: readonly Mat[], scalars: readonly number[]): boolean =>
    loops[k]?.(
      out.data,
      arrays.map((a) => a.data),
      scalars,
    ) ?? false;
  const kernels = reuse ? { ...KERNELS, buffer, elementwise } : { ...KERNELS, elementwise };
  const external = new Set(Object.keys(kernels));
  const modules: Uint8Array<ArrayBuffer>[] = [];
  const code = printJs(program, {
    typed: false,
    name: "derivatives",
    raw,
    external,
    reuse,
    wasmLoops: modules,
  });
  for (const bytes of modules) loops.push(residentLoop(bytes));
  // The products run on this library's kernels (WebAssembly SIMD for large ones) instead of the
  // plain loops that the standalone code carries.
  const factory = new Function(
    "kernels",
    `const { ${[...external].join(", ")} } = kernels;\n${code.replace(/^export function/m, "function")}\nreturn derivatives;`,
  );
  const run = factory(kernels) as CompiledFunction;
  if (reuse) released.register(run, buffers);
  return { run, code };
}
