// Dense linear algebra on row-major matrices: products, transpose, and LU with partial pivoting for
// det, logdet, inverse and solve. Singularity is reported, never papered over.

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
import { sizeOf, type Tensor, transposeInto } from "./tensor.js";
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

/** op(A)·op(B) on plain loops, reading a transpose through its strides. */
function productLoops(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): Float64Array {
  if (!transA && !transB) return matmulLoops(a, b, m, k, n);
  const c = new Float64Array(m * n);
  if (transA && !transB && n === 1) {
    // A'·b: a sum of the rows of A weighted by b, each row read once, contiguously, four rows per
    // pass over the result.
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const [b0, b1, b2, b3] = [b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!];
      const [r0, r1, r2, r3] = [p * m, (p + 1) * m, (p + 2) * m, (p + 3) * m];
      for (let i = 0; i < m; i++)
        c[i]! += a[r0 + i]! * b0 + a[r1 + i]! * b1 + a[r2 + i]! * b2 + a[r3 + i]! * b3;
    }
    for (; p < k; p++) {
      const bp = b[p]!;
      const row = p * m;
      for (let i = 0; i < m; i++) c[i]! += a[row + i]! * bp;
    }
    return c;
  }
  if (transA && !transB) {
    // A'·B as a sum of outer products of rows of A and B: both are read along their rows.
    for (let p = 0; p < k; p++) {
      for (let i = 0; i < m; i++) {
        const api = a[p * m + i]!;
        if (api === 0) continue;
        for (let j = 0; j < n; j++) c[i * n + j]! += api * b[p * n + j]!;
      }
    }
    return c;
  }
  if (!transA && transB) {
    // A·B': each entry is the dot product of a row of A and a row of B.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p]! * b[j * k + p]!;
        c[i * n + j] = s;
      }
    }
    return c;
  }
  // Both transposed (rare): read the operands through their strides.
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += (transA ? a[p * m + i]! : a[i * k + p]!) * (transB ? b[j * k + p]! : b[p * n + j]!);
      c[i * n + j] = s;
    }
  }
  return c;
}

/** C = A·B for A (m×k) and B (k×n), row-major: the SIMD kernel for large products, else plain loops. */
export function matmulRaw(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  return gemm(a, b, m, k, n);
}

/**
 * C = A·B for A (m×k) and B (k×n), row-major. Loops run i-k-j so the inner loop streams along rows,
 * four rows of B per pass (a quarter of the passes over C), over blocks of B that stay in cache.
 */
export function matmulLoops(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  if (n === 1) {
    // A matrix times a vector: one dot product per row, four partial sums to keep the adder busy.
    for (let i = 0; i < m; i++) {
      const row = i * k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let p = 0;
      for (; p + 3 < k; p += 4) {
        s0 += a[row + p]! * b[p]!;
        s1 += a[row + p + 1]! * b[p + 1]!;
        s2 += a[row + p + 2]! * b[p + 2]!;
        s3 += a[row + p + 3]! * b[p + 3]!;
      }
      for (; p < k; p++) s0 += a[row + p]! * b[p]!;
      c[i] = s0 + s1 + s2 + s3;
    }
    return c;
  }
  const JB = 512;
  const PB = 64;
  for (let jj = 0; jj < n; jj += JB) {
    const je = Math.min(n, jj + JB);
    for (let pp = 0; pp < k; pp += PB) {
      const pe = Math.min(k, pp + PB);
      for (let i = 0; i < m; i++) {
        const ci = i * n;
        const ai = i * k;
        let p = pp;
        for (; p + 3 < pe; p += 4) {
          const a0 = a[ai + p]!;
          const a1 = a[ai + p + 1]!;
          const a2 = a[ai + p + 2]!;
          const a3 = a[ai + p + 3]!;
          const r0 = p * n;
          const r1 = r0 + n;
          const r2 = r1 + n;
          const r3 = r2 + n;
          for (let j = jj; j < je; j++) {
            c[ci + j]! += a0 * b[r0 + j]! + a1 * b[r1 + j]! + a2 * b[r2 + j]! + a3 * b[r3 + j]!;
          }
        }
        for (; p < pe; p++) {
          const ap = a[ai + p]!;
          const r = p * n;
          for (let j = jj; j < je; j++) c[ci + j]! += ap * b[r + j]!;
        }
      }
    }
  }
  return c;
}

export function transposeRaw(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  transposeInto(a, rows, cols, t);
  return t;
}

export interface LuFactors {
  readonly n: number;
  /** L (unit lower, below the diagonal) and U (on and above it) packed in one row-major array. */
  readonly lu: Float64Array;
  /** Row i of PA is row perm[i] of A. */
  readonly perm: Int32Array;
  /** +1 or −1: the sign of the permutation. */
  readonly sign: number;
  /** True when a pivot is zero to working precision (relative to the matrix's largest entry). */
  readonly singular: boolean;
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

/** The same factorization with one panel of all columns: plain loops throughout. */
export function luFactorLoops(a: Float64Array, n: number): LuFactors {
  return factorInPanels(a, n, n, false);
}

/** From this many rows on, factorizations and solves run their row operations on the kernels. */
const KERNEL_ROWS = 16;

function factorInPanels(a: Float64Array, n: number, width: number, kernels: boolean): LuFactors {
  // Worked on in the resident memory, where the kernels do the panels' row operations.
  if (kernels) {
    const work = residentMatrix(n, n, a);
    try {
      const f = factorPanels(work.data, n, width);
      return { ...f, lu: work.data.slice() };
    } finally {
      releaseResident(work);
    }
  }
  return factorPanels(Float64Array.from(a), n, width);
}

/** LU with partial pivoting of lu (n×n) in place, in panels of `width` columns. */
function factorPanels(lu: Float64Array, n: number, width: number): LuFactors {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let sign = 1;
  let scale = 0;
  for (let i = 0; i < lu.length; i++) scale = Math.max(scale, Math.abs(lu[i]!));
  const tiny = scale * n * Number.EPSILON;
  let singular = scale === 0;
  for (let k0 = 0; k0 < n; k0 += width) {
    const k1 = Math.min(n, k0 + width);
    // The panel: columns k0..k1 of rows k0..n, with row exchanges applied to whole rows.
    for (let k = k0; k < k1; k++) {
      // On the kernel where lu is resident, else with loops.
      const done = pivotEliminateResident(lu, n, k, k1, tiny) ?? pivotEliminateLoops(lu, n, k, k1, tiny);
      const pivotRow = done < 0 ? -1 - done : done;
      if (pivotRow !== k) {
        const t = perm[k]!;
        perm[k] = perm[pivotRow]!;
        perm[pivotRow] = t;
        sign = -sign;
      }
      if (done < 0) singular = true;
    }
    if (k1 === n) break;
    // U12 = L11⁻¹ A12 (L11 unit lower triangular).
    if (!rowSolveResident(lu, lu, k1, n, n - k1, n, k0, k1, false))
      for (let i = k0 + 1; i < k1; i++) {
        for (let p = k0; p < i; p++) {
          const l = lu[i * n + p]!;
          if (l === 0) continue;
          for (let j = k1; j < n; j++) lu[i * n + j]! -= l * lu[p * n + j]!;
        }
      }
    // A22 -= L21 U12, as one product, read from and written to where they lie.
    subtractBlockProduct(
      lu.subarray(k1 * n + k0),
      n,
      lu.subarray(k0 * n + k1),
      n,
      lu.subarray(k1 * n + k1),
      n,
      n - k1,
      k1 - k0,
      n - k1,
    );
  }
  return { n, lu, perm, sign, singular };
}

/**
 * Column k of a panel's elimination with partial pivoting, as the kernel does it: row k exchanged with
 * the row p ≥ k of the largest |lu[p,k]| (the first), then, unless that pivot is at most `tiny`, each
 * row below k gets its multiplier in column k and loses multiplier × row k over columns k+1..k1.
 * Returns p, or -1-p for a tiny pivot.
 */
function pivotEliminateLoops(lu: Float64Array, n: number, k: number, k1: number, tiny: number): number {
  let pivotRow = k;
  let pivotAbs = Math.abs(lu[k * n + k]!);
  for (let i = k + 1; i < n; i++) {
    const v = Math.abs(lu[i * n + k]!);
    if (v > pivotAbs) {
      pivotAbs = v;
      pivotRow = i;
    }
  }
  if (pivotRow !== k) {
    for (let j = 0; j < n; j++) {
      const t = lu[k * n + j]!;
      lu[k * n + j] = lu[pivotRow * n + j]!;
      lu[pivotRow * n + j] = t;
    }
  }
  if (pivotAbs <= tiny) return -1 - pivotRow;
  const pivot = lu[k * n + k]!;
  for (let i = k + 1; i < n; i++) {
    const f = lu[i * n + k]! / pivot;
    lu[i * n + k] = f;
    if (f === 0) continue;
    for (let j = k + 1; j < k1; j++) lu[i * n + j]! -= f * lu[k * n + j]!;
  }
  return pivotRow;
}

export function luDeterminant(f: LuFactors): number {
  let d = f.sign;
  for (let i = 0; i < f.n; i++) d *= f.lu[i * f.n + i]!;
  return f.singular ? 0 : d;
}

/** log|det| and the sign of det, computed from the pivots so large matrices do not overflow. */
export function luLogAbsDeterminant(f: LuFactors): { logAbs: number; sign: number } {
  let logAbs = 0;
  let sign = f.sign;
  for (let i = 0; i < f.n; i++) {
    const u = f.lu[i * f.n + i]!;
    logAbs += Math.log(Math.abs(u));
    if (u < 0) sign = -sign;
  }
  return { logAbs, sign };
}

/** Solves A X = B for B with `cols` columns (row-major n×cols). */
export function luSolve(f: LuFactors, b: Float64Array, cols: number): Float64Array {
  return solveInBlocks(f, b, cols, solveHeight(f.n), f.n >= KERNEL_ROWS);
}

/** The same solve as plain substitution (one block of all rows). */
export function luSolveLoops(f: LuFactors, b: Float64Array, cols: number): Float64Array {
  return solveInBlocks(f, b, cols, f.n, false);
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
    const f = factorPanels(work.data, n, panelWidth(n));
    return f.singular ? null : solveInverse(f, work.data, true, transposed, into);
  } finally {
    releaseResident(work);
  }
}

/**
 * A⁻¹ (or A⁻ᵀ) from the factors, with L and U read from `lu` (resident, or not when `kernels` is
 * false). A⁻¹ = U⁻¹ L⁻¹ P: solve against the identity unpermuted (L⁻¹ is lower triangular, which the
 * forward solve exploits), then move column k to column perm[k] (row perm[k] of the transpose),
 * straight from where it was solved. Blocks of 128 rows from ~900 rows on, where the deeper products
 * gain more than the longer solves within blocks cost (n = 1000: ~9% faster; n = 600: ~6% slower).
 */
function solveInverse(
  f: LuFactors,
  lu: Float64Array,
  kernels: boolean,
  transposed: boolean,
  into?: Float64Array,
): Float64Array {
  const { n, perm } = f;
  // Every entry is written below: a working matrix kept from an earlier call needs no clearing.
  const out = into ?? new Float64Array(n * n);
  const height = solveHeight(n);
  const permute = (z: Float64Array) => {
    // Transposed: row perm[k] of the result is column k of z, written in order (reading a column is
    // ~1.7× faster than writing one, at n = 100 to 1000).
    if (transposed)
      for (let k = 0; k < n; k++) {
        const row = perm[k]! * n;
        for (let i = 0; i < n; i++) out[row + i] = z[i * n + k]!;
      }
    else
      for (let i = 0; i < n; i++) {
        const row = i * n;
        for (let k = 0; k < n; k++) out[row + perm[k]!] = z[row + k]!;
      }
    return out;
  };
  if (!kernels) return permute(substituteInBlocks(f, lu, new Float64Array(n * n), null, n, height));
  const x = residentMatrix(n, n);
  try {
    return permute(substituteInBlocks(f, lu, x.data, null, n, height));
  } finally {
    releaseResident(x);
  }
}

/**
 * Forward and back substitution by blocks of `height` rows: each block is solved (a small triangular
 * solve), then its contribution taken from all the rows below it (above it, going back) as one matrix
 * product. One block of all rows is the plain substitution.
 */
function solveInBlocks(
  f: LuFactors,
  b: Float64Array,
  cols: number,
  height: number,
  kernels: boolean,
): Float64Array {
  if (!kernels) return substituteInBlocks(f, f.lu, new Float64Array(f.n * cols), b, cols, height);
  // L, U and x in the resident memory, where the kernels do the solves within blocks.
  const lu = residentMatrix(f.n, f.n, f.lu);
  const x = residentMatrix(f.n, cols);
  try {
    return substituteInBlocks(f, lu.data, x.data, b, cols, height).slice();
  } finally {
    releaseResident(lu);
    releaseResident(x);
  }
}

function substituteInBlocks(
  f: LuFactors,
  lu: Float64Array,
  x: Float64Array,
  b: Float64Array | null,
  cols: number,
  height: number,
): Float64Array {
  const { n, perm } = f;
  // b = null: the identity, unpermuted (the inverse permutes afterwards). Then the forward solve gives
  // L⁻¹, lower triangular: rows above a block are zero from their own column on.
  if (b === null) for (let i = 0; i < n; i++) x[i * cols + i] = 1;
  else for (let i = 0; i < n; i++) x.set(b.subarray(perm[i]! * cols, (perm[i]! + 1) * cols), i * cols);
  const triangular = b === null;
  /** x[r0..r1, 0..width) -= lu[r0..r1, c0..c1) · x[c0..c1, 0..width), read in place. */
  const subtractProduct = (r0: number, r1: number, c0: number, c1: number, width: number) => {
    if (c1 === c0 || r1 === r0 || width === 0) return;
    const [a, b, c] = [lu.subarray(r0 * n + c0), x.subarray(c0 * cols), x.subarray(r0 * cols)];
    subtractBlockProduct(a, n, b, cols, c, cols, r1 - r0, c1 - c0, width);
  };
  // Right-looking: each block of rows, once solved, is taken from all the rows still to solve in one
  // product (its rows of x are packed once, not once per later block).
  for (let r0 = 0; r0 < n; r0 += height) {
    const r1 = Math.min(n, r0 + height);
    const width = triangular ? r1 : cols;
    if (!rowSolveResident(lu, x, 0, n, width, cols, r0, r1, false))
      for (let i = r0 + 1; i < r1; i++) {
        for (let k = r0; k < i; k++) {
          const l = lu[i * n + k]!;
          if (l === 0) continue;
          for (let j = 0; j < width; j++) x[i * cols + j]! -= l * x[k * cols + j]!;
        }
      }
    subtractProduct(r1, n, r0, r1, width);
  }
  for (let r1 = n; r1 > 0; r1 -= height) {
    const r0 = Math.max(0, r1 - height);
    if (!rowSolveResident(lu, x, 0, n, cols, cols, r0, r1, true))
      for (let i = r1 - 1; i >= r0; i--) {
        for (let k = i + 1; k < r1; k++) {
          const u = lu[i * n + k]!;
          if (u === 0) continue;
          for (let j = 0; j < cols; j++) x[i * cols + j]! -= u * x[k * cols + j]!;
        }
        const d = lu[i * n + i]!;
        for (let j = 0; j < cols; j++) x[i * cols + j]! /= d;
      }
    subtractProduct(0, r0, r0, r1, cols);
  }
  return x;
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
function subtractBlockProduct(
  a: Float64Array,
  lda: number,
  b: Float64Array,
  ldb: number,
  c: Float64Array,
  ldc: number,
  m: number,
  k: number,
  n: number,
): void {
  // In place first, where B stays in the second-level cache and packing, copying C in and out and a
  // second thread would cost more than they save.
  const inPlace = k * n * 8 <= IN_PLACE_B_BYTES && m * k * n <= IN_PLACE_MULTIPLY_ADDS;
  if (inPlace && subtractInPlaceResident(a, lda, b, ldb, c, ldc, m, k, n)) return;
  if (m * k * n >= WASM_THRESHOLD && m >= 4 && n >= 4) {
    if (gemmWasm(a, b, m, k, n, false, false, { lda, ldb, subtractFrom: { data: c, ld: ldc } })) return;
  }
  if (subtractInPlaceResident(a, lda, b, ldb, c, ldc, m, k, n)) return;
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * lda + p]!;
      if (aip === 0) continue;
      for (let j = 0; j < n; j++) c[i * ldc + j]! -= aip * b[p * ldb + j]!;
    }
  }
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  const [m, k] = a.shape.length === 2 ? [a.shape[0]!, a.shape[1]!] : [a.shape[0]!, 1];
  const [k2, n] = b.shape.length === 2 ? [b.shape[0]!, b.shape[1]!] : [b.shape[0]!, 1];
  if (k !== k2) throw new RangeError(`matmul: inner sizes differ (${k} and ${k2})`);
  return { shape: [m, n], data: matmulRaw(a.data, b.data, m, k, n) };
}

export function transpose2d(a: Tensor): Tensor {
  const [rows, cols] = [a.shape[0]!, a.shape[1] ?? 1];
  return { shape: [cols, rows], data: transposeRaw(a.data, rows, cols) };
}

export function squareSize(a: Tensor): number {
  const n = a.shape[0] ?? 1;
  if (a.shape.length !== 2 || a.shape[1] !== n || sizeOf(a.shape) !== n * n) {
    throw new RangeError(`expected a square matrix, got [${a.shape.join(", ")}]`);
  }
  return n;
}
