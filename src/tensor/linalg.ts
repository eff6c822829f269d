// Dense linear algebra on row-major matrices with plain loops: products, transpose, and LU with
// partial pivoting for det, logdet, inverse and solve. Singularity is reported, never papered over.
// The blocked algorithms take their block steps as a parameter: the WebAssembly kernels (kernels/)
// run the same algorithms with faster steps, and the evaluator takes its linear algebra as a
// `LinearAlgebra`, plain here unless a caller passes the kernels'.
import { sizeOf, type Tensor, transposeInto } from "./tensor.js";

/**
 * The steps of a blocked factorization or solve that a faster kernel may take: each returns null or
 * false where it does not (the loops then do it).
 */
export interface BlockSteps {
  /** Column k of a panel's elimination (see pivotEliminateLoops), or null. */
  pivotEliminate(lu: Float64Array, n: number, k: number, k1: number, tiny: number): number | null;
  /**
   * Rows r0..r1 of x (columns c0..c0+width, rows `cols` apart) solved against the unit lower (or, with
   * `upper`, upper) triangle of lu's rows r0..r1 (lu n wide); false where not done.
   */
  rowSolve(
    lu: Float64Array,
    x: Float64Array,
    c0: number,
    n: number,
    width: number,
    cols: number,
    r0: number,
    r1: number,
    upper: boolean,
  ): boolean;
  /** C -= A·B for blocks of larger row-major matrices (rows lda, ldb, ldc apart), in place. */
  subtractProduct: SubtractProduct;
}

/**
 * C -= A·B for blocks of larger row-major matrices, in place: A is m×k, B k×n, C m×n, with rows lda,
 * ldb and ldc apart.
 */
export type SubtractProduct = (
  a: Float64Array,
  lda: number,
  b: Float64Array,
  ldb: number,
  c: Float64Array,
  ldc: number,
  m: number,
  k: number,
  n: number,
) => void;

/** C -= A·B on loops (see SubtractProduct). */
export const subtractProductLoops: SubtractProduct = (a, lda, b, ldb, c, ldc, m, k, n) => {
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * lda + p]!;
      if (aip === 0) continue;
      for (let j = 0; j < n; j++) c[i * ldc + j]! -= aip * b[p * ldb + j]!;
    }
  }
};

/** Every block step on loops. */
export const LOOP_STEPS: BlockSteps = {
  pivotEliminate: () => null,
  rowSolve: () => false,
  subtractProduct: subtractProductLoops,
};

/**
 * The linear algebra the evaluator's kernels call: a product, an LU factorization and an inverse from
 * the factors.
 */
export interface LinearAlgebra {
  /** C = A·B for A (m×k) and B (k×n), row-major. */
  matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array;
  luFactor(a: Float64Array, n: number): LuFactors;
  /** A⁻¹ (or A⁻ᵀ) from the factors of A. */
  inverse(f: LuFactors, transposed?: boolean): Float64Array;
}

/** The linear algebra on plain loops. */
export const PLAIN_LINEAR_ALGEBRA: LinearAlgebra = {
  matmul: (a, b, m, k, n) => matmulLoops(a, b, m, k, n),
  luFactor: (a, n) => luFactorLoops(a, n),
  inverse: (f, transposed = false) => inverseLoops(f, transposed),
};

/** op(A)·op(B) on plain loops, reading a transpose through its strides. */
export function productLoops(
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

/** LU with partial pivoting on loops: one panel of all columns. */
export function luFactorLoops(a: Float64Array, n: number): LuFactors {
  return factorPanels(Float64Array.from(a), n, n);
}

/**
 * LU with partial pivoting of lu (n×n) in place, in panels of `width` columns (one panel of all
 * columns is the plain factorization), the block steps done by `steps`.
 */
export function factorPanels(
  lu: Float64Array,
  n: number,
  width: number,
  steps: BlockSteps = LOOP_STEPS,
): LuFactors {
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
      const done = steps.pivotEliminate(lu, n, k, k1, tiny) ?? pivotEliminateLoops(lu, n, k, k1, tiny);
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
    if (!steps.rowSolve(lu, lu, k1, n, n - k1, n, k0, k1, false))
      for (let i = k0 + 1; i < k1; i++) {
        for (let p = k0; p < i; p++) {
          const l = lu[i * n + p]!;
          if (l === 0) continue;
          for (let j = k1; j < n; j++) lu[i * n + j]! -= l * lu[p * n + j]!;
        }
      }
    // A22 -= L21 U12, as one product, read from and written to where they lie.
    steps.subtractProduct(
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
export function pivotEliminateLoops(
  lu: Float64Array,
  n: number,
  k: number,
  k1: number,
  tiny: number,
): number {
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

/** Solves A X = B for B with `cols` columns (row-major n×cols) by plain substitution. */
export function luSolveLoops(f: LuFactors, b: Float64Array, cols: number): Float64Array {
  return substituteInBlocks(f, f.lu, new Float64Array(f.n * cols), b, cols, f.n);
}

/** A⁻¹ (or A⁻ᵀ) from the factors, by plain substitution against the identity. */
export function inverseLoops(f: LuFactors, transposed = false): Float64Array {
  return permuteInverse(
    f,
    substituteInBlocks(f, f.lu, new Float64Array(f.n * f.n), null, f.n, f.n),
    transposed,
  );
}

/**
 * A⁻¹ = U⁻¹ L⁻¹ P from z = U⁻¹ L⁻¹ (solved against the identity unpermuted): column k of z moves to
 * column perm[k] (row perm[k] of the transpose), into `into` when given.
 */
export function permuteInverse(
  f: LuFactors,
  z: Float64Array,
  transposed: boolean,
  into?: Float64Array,
): Float64Array {
  const { n, perm } = f;
  // Every entry is written: a working matrix kept from an earlier call needs no clearing.
  const out = into ?? new Float64Array(n * n);
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
}

/**
 * Forward and back substitution by blocks of `height` rows into x (n×cols): each block is solved (a
 * small triangular solve), then its contribution taken from all the rows below it (above it, going
 * back) as one matrix product. One block of all rows is the plain substitution; b = null solves
 * against the identity, unpermuted.
 */
export function substituteInBlocks(
  f: LuFactors,
  lu: Float64Array,
  x: Float64Array,
  b: Float64Array | null,
  cols: number,
  height: number,
  steps: BlockSteps = LOOP_STEPS,
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
    steps.subtractProduct(a, n, b, cols, c, cols, r1 - r0, c1 - c0, width);
  };
  // Right-looking: each block of rows, once solved, is taken from all the rows still to solve in one
  // product (its rows of x are packed once, not once per later block).
  for (let r0 = 0; r0 < n; r0 += height) {
    const r1 = Math.min(n, r0 + height);
    const width = triangular ? r1 : cols;
    if (!steps.rowSolve(lu, x, 0, n, width, cols, r0, r1, false))
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
    if (!steps.rowSolve(lu, x, 0, n, cols, cols, r0, r1, true))
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

export function matmul(a: Tensor, b: Tensor): Tensor {
  const [m, k] = a.shape.length === 2 ? [a.shape[0]!, a.shape[1]!] : [a.shape[0]!, 1];
  const [k2, n] = b.shape.length === 2 ? [b.shape[0]!, b.shape[1]!] : [b.shape[0]!, 1];
  if (k !== k2) throw new RangeError(`matmul: inner sizes differ (${k} and ${k2})`);
  return { shape: [m, n], data: matmulLoops(a.data, b.data, m, k, n) };
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
