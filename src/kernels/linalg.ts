// Dense linear algebra on the WebAssembly kernels: products (SIMD GEMM, matrix-vector products on
// resident matrices, Gram matrices, A + A'), and the blocked LU, solves and inverse of tensor/ with
// their block steps on the kernels. Singularity is reported, never papered over.

import {
  type BlockSteps,
  factorPanels,
  type LinearAlgebra,
  type LuFactors,
  permuteInverse,
  productLoops,
  type SubtractProduct,
  substituteInBlocks,
  subtractProductLoops,
} from "../tensor/index.js";
import {
  gemmSmall,
  gemvResident,
  gemvSymResident,
  pivotEliminateResident,
  plusTransposeResident,
  releaseResident,
  residentAvailable,
  residentMatrix,
  rowSolveResident,
  subtractInPlaceResident,
} from "./resident.js";
import { gemmWasm } from "./wasm-gemm.js";

/**
 * The Gram matrix X'·diag(s)·X (or X'·X without s) of X (k×n, row-major): symmetric, so only half of
 * it is computed, on the SIMD kernel when it is large.
 */
export function gram(x: Float64Array, k: number, n: number, s?: Float64Array): Float64Array {
  if (n * n * k >= WASM_THRESHOLD && n >= 4) {
    const c = gemmWasm(x, x, n, k, n, true, false, { scaleRowsOfB: s, symmetric: true });
    if (c) return c;
  }
  const c = new Float64Array(n * n);
  for (let p = 0; p < k; p++) {
    const w = s ? s[p]! : 1;
    if (w === 0) continue;
    const row = p * n;
    for (let i = 0; i < n; i++) {
      const xi = w * x[row + i]!;
      if (xi === 0) continue;
      for (let j = i; j < n; j++) c[i * n + j]! += xi * x[row + j]!;
    }
  }
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) c[i * n + j] = c[j * n + i]!;
  return c;
}

/** Products with at most this many columns read a resident left operand in place (no packing). */
const THIN = 32;

/** Below this many multiply-adds the plain loops win (packing costs more than it saves). */
const WASM_THRESHOLD = 48 * 48 * 48;

/**
 * C = op(A)·op(B), row-major, op(A) m×k and op(B) k×n; transA: A is stored k×m, transB: B is stored
 * n×k (a transpose is read in place, never formed). Large products run on the WebAssembly SIMD
 * kernel, a resident matrix times a vector on the matrix-vector kernels, small products and runtimes
 * without SIMD on plain loops. The result is written into `into` when given (m·n entries).
 */
export function gemm(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  transA = false,
  transB = false,
  into?: Float64Array,
): Float64Array {
  // A resident matrix times a vector, read in place by the matrix-vector kernels.
  if (n === 1 && !transB) {
    const y = gemvResident(a, b, transA ? k : m, transA ? m : k, transA, into);
    if (y) return y;
  }
  if (m === 1 && !transA) {
    const y = gemvResident(b, a, transB ? n : k, transB ? k : n, !transB, into);
    if (y) return y;
  }
  // A resident matrix times a thin one (a few columns), read in place.
  if (!transA && !transB && n <= THIN) {
    const c = gemmSmall(a, b, m, k, n, { aResident: true, into });
    if (c) return c;
  }
  if (m * k * n >= WASM_THRESHOLD && m >= 4 && n >= 4) {
    const c = gemmWasm(a, b, m, k, n, transA, transB, { into });
    if (c) return c;
  }
  const c = productLoops(a, b, m, k, n, transA, transB);
  if (into === undefined) return c;
  into.set(c);
  return into;
}

/** A + A' for a square A (n×n), into `into` when given: on the kernel, else in tiles of 32×32. */
export function addTranspose(a: Float64Array, n: number, into?: Float64Array): Float64Array {
  const fast = plusTransposeResident(a, n, into);
  if (fast) return fast;
  const c = into ?? new Float64Array(n * n);
  const T = 32;
  for (let i0 = 0; i0 < n; i0 += T)
    for (let j0 = 0; j0 < n; j0 += T)
      for (let i = i0; i < Math.min(n, i0 + T); i++)
        for (let j = j0; j < Math.min(n, j0 + T); j++) c[i * n + j] = a[i * n + j]! + a[j * n + i]!;
  return c;
}

/**
 * (A + A')·x for a square A (n×n): one pass over A where it is resident, else two matrix-vector
 * products. The result is written into `into` when given.
 */
export function plusTransposeTimes(
  a: Float64Array,
  x: Float64Array,
  n: number,
  into?: Float64Array,
): Float64Array {
  const fused = gemvSymResident(a, x, n, into);
  if (fused) return fused;
  const y = gemm(a, x, n, n, 1, false, false, into);
  const z = gemm(a, x, n, n, 1, true);
  for (let i = 0; i < n; i++) y[i]! += z[i]!;
  return y;
}

/**
 * C = alpha·op(A)·op(B) + beta·T (a product plus a matrix, as in a residual U·V' - T), into `into`
 * when given. A shallow product (depth ≤ 32) runs as one pass on the kernel that reads its operands in
 * place, T added as each block is stored; otherwise the product, then the sum.
 */
export function gemmPlus(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  alpha: number,
  t: Float64Array,
  beta: number,
  into?: Float64Array,
): Float64Array {
  if (k <= THIN && m * n >= 64 * 64) {
    const c = gemmSmall(a, b, m, k, n, { alpha, t, beta, into, transA, transB });
    if (c) return c;
  }
  const c = gemm(a, b, m, k, n, transA, transB, into);
  for (let i = 0; i < m * n; i++) c[i] = alpha * c[i]! + beta * t[i]!;
  return c;
}

/** C = A·B for A (m×k) and B (k×n), row-major: the SIMD kernel for large products, else plain loops. */
export function matmulRaw(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  return gemm(a, b, m, k, n);
}

/** Block size of the blocked LU and solves: panels this wide are factored with loops, the rest by products. */
const NB = 64;

/**
 * LU with partial pivoting, PA = LU. Matrices of 128 rows and more are factored in panels of NB
 * columns: a panel with loops, then the rows of U right of it by a small triangular solve, and the
 * trailing matrix by one matrix product (the SIMD kernel), where almost all the work is.
 */
export function luFactor(a: Float64Array, n: number): LuFactors {
  return factorInPanels(a, n, panelWidth(n), n >= KERNEL_ROWS);
}

/**
 * Panels of NB columns from 256 rows on, of 32 below: the trailing updates are then products of depth
 * 32 that the in-place kernel runs near its full speed, instead of rank-one row updates.
 */
function panelWidth(n: number): number {
  return Math.min(n, n >= 256 ? NB : SMALL_BLOCK);
}

/** Panels and solve blocks of matrices under 256 rows. */
const SMALL_BLOCK = 32;

/**
 * Rows per block of a blocked triangular solve: 32 under 256 rows, NB up to ~900, then 2·NB (the
 * deeper block products repay the longer solves within blocks).
 */
function solveHeight(n: number): number {
  return Math.min(n, n >= 900 ? 2 * NB : n >= 256 ? NB : SMALL_BLOCK);
}

/** From this many rows on, factorizations and solves run their row operations on the kernels. */
const KERNEL_ROWS = 16;

function factorInPanels(a: Float64Array, n: number, width: number, kernels: boolean): LuFactors {
  // Worked on in the resident memory, where the kernels do the panels' row operations.
  if (kernels) {
    const work = residentMatrix(n, n, a);
    try {
      const f = factorPanels(work.data, n, width, RESIDENT_STEPS);
      return { ...f, lu: work.data.slice() };
    } finally {
      releaseResident(work);
    }
  }
  return factorPanels(Float64Array.from(a), n, width, RESIDENT_STEPS);
}

/** Solves A X = B for B with `cols` columns (row-major n×cols). */
export function luSolve(f: LuFactors, b: Float64Array, cols: number): Float64Array {
  return solveInBlocks(f, b, cols, solveHeight(f.n), f.n >= KERNEL_ROWS);
}

export function inverseRaw(f: LuFactors, transposed = false): Float64Array {
  if (f.n < KERNEL_ROWS) return solveInverse(f, f.lu, false, transposed);
  // The factors in the resident memory, where the kernels do the solves within blocks.
  const lu = residentMatrix(f.n, f.n, f.lu);
  try {
    return solveInverse(f, lu.data, true, transposed);
  } finally {
    releaseResident(lu);
  }
}

/**
 * The inverse of a (n×n), or its transpose, factored and solved in the resident memory without
 * copying the factors out and back in; null when a is singular.
 */
export function inverseOf(
  a: Float64Array,
  n: number,
  transposed = false,
  into?: Float64Array,
): Float64Array | null {
  if (n < KERNEL_ROWS || !residentAvailable()) {
    const f = luFactor(a, n);
    if (f.singular) return null;
    const inverse = inverseRaw(f, transposed);
    if (into === undefined) return inverse;
    into.set(inverse);
    return into;
  }
  const work = residentMatrix(n, n, a);
  try {
    const f = factorPanels(work.data, n, panelWidth(n), RESIDENT_STEPS);
    return f.singular ? null : solveInverse(f, work.data, true, transposed, into);
  } finally {
    releaseResident(work);
  }
}

/**
 * A⁻¹ (or A⁻ᵀ) from the factors, with L and U read from `lu` (resident, or not when `kernels` is
 * false). A⁻¹ = U⁻¹ L⁻¹ P: solve against the identity unpermuted (L⁻¹ is lower triangular, which the
 * forward solve exploits), then permute straight from where it was solved. Blocks of 128 rows from
 * ~900 rows on, where the deeper products gain more than the longer solves within blocks cost
 * (n = 1000: ~9% faster; n = 600: ~6% slower).
 */
function solveInverse(
  f: LuFactors,
  lu: Float64Array,
  kernels: boolean,
  transposed: boolean,
  into?: Float64Array,
): Float64Array {
  const n = f.n;
  const height = solveHeight(n);
  if (!kernels)
    return permuteInverse(
      f,
      substituteInBlocks(f, lu, new Float64Array(n * n), null, n, height, RESIDENT_STEPS),
      transposed,
      into,
    );
  const x = residentMatrix(n, n);
  try {
    return permuteInverse(
      f,
      substituteInBlocks(f, lu, x.data, null, n, height, RESIDENT_STEPS),
      transposed,
      into,
    );
  } finally {
    releaseResident(x);
  }
}

/** The blocked solve, its L, U and x in the resident memory where `kernels`. */
function solveInBlocks(
  f: LuFactors,
  b: Float64Array,
  cols: number,
  height: number,
  kernels: boolean,
): Float64Array {
  if (!kernels)
    return substituteInBlocks(f, f.lu, new Float64Array(f.n * cols), b, cols, height, RESIDENT_STEPS);
  // L, U and x in the resident memory, where the kernels do the solves within blocks.
  const lu = residentMatrix(f.n, f.n, f.lu);
  const x = residentMatrix(f.n, cols);
  try {
    return substituteInBlocks(f, lu.data, x.data, b, cols, height, RESIDENT_STEPS).slice();
  } finally {
    releaseResident(lu);
    releaseResident(x);
  }
}

/** Up to this size of B (k×n), a block product may run in place (half the second-level cache). */
const IN_PLACE_B_BYTES = 256 * 1024;
/** ...and up to this many multiply-adds: larger ones repay the GEMM's packing and two threads. */
const IN_PLACE_MULTIPLY_ADDS = 8 * 1024 * 1024;

/**
 * C -= A·B for blocks of larger row-major matrices, in place: A is m×k, B k×n, C m×n, with rows lda,
 * ldb and ldc apart. Small products run where they lie on the register-blocked kernel of the resident
 * memory; larger ones on the GEMM, which packs A and B and starts from C; else on plain loops.
 */
const subtractBlockProduct: SubtractProduct = (a, lda, b, ldb, c, ldc, m, k, n) => {
  // In place first, where B stays in the second-level cache and packing, copying C in and out and a
  // second thread would cost more than they save.
  const inPlace = k * n * 8 <= IN_PLACE_B_BYTES && m * k * n <= IN_PLACE_MULTIPLY_ADDS;
  if (inPlace && subtractInPlaceResident(a, lda, b, ldb, c, ldc, m, k, n)) return;
  if (m * k * n >= WASM_THRESHOLD && m >= 4 && n >= 4) {
    if (gemmWasm(a, b, m, k, n, false, false, { lda, ldb, subtractFrom: { data: c, ld: ldc } })) return;
  }
  if (subtractInPlaceResident(a, lda, b, ldb, c, ldc, m, k, n)) return;
  subtractProductLoops(a, lda, b, ldb, c, ldc, m, k, n);
};

/** The block steps on the kernels: row operations where the matrices are resident, products on the GEMM. */
const RESIDENT_STEPS: BlockSteps = {
  pivotEliminate: pivotEliminateResident,
  rowSolve: rowSolveResident,
  subtractProduct: subtractBlockProduct,
};

/** The evaluator's linear algebra on the kernels. */
export const KERNEL_LINEAR_ALGEBRA: LinearAlgebra = {
  matmul: matmulRaw,
  luFactor,
  inverse: inverseRaw,
};
