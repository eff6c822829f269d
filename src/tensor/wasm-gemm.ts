// The WebAssembly SIMD matrix product behind matmulRaw for large products: operands are packed into
// four-wide panels in the module's memory (which persists and grows across calls), the kernel runs over
// depth ranges that keep a panel pair in the first-level cache, and the result is copied out. Where
// WebAssembly SIMD is missing the caller falls back to the plain loops.
import { GEMM_WASM_BASE64 } from "./gemm-wasm.js";

interface Kernel {
  readonly memory: WebAssembly.Memory;
  readonly gemm: (
    ap: number,
    bp: number,
    c: number,
    m4: number,
    n4: number,
    k: number,
    k0: number,
    kc: number,
    upper: number,
  ) => void;
}

let kernel: Kernel | null | undefined;

function bytes(): Uint8Array<ArrayBuffer> {
  const text = atob(GEMM_WASM_BASE64);
  const out = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** The instantiated kernel, or null where WebAssembly SIMD is unavailable. */
export function wasmKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const code = bytes();
    if (typeof WebAssembly === "undefined" || !WebAssembly.validate(code)) {
      kernel = null;
      return null;
    }
    const instance = new WebAssembly.Instance(new WebAssembly.Module(code), {});
    kernel = instance.exports as unknown as Kernel;
  } catch {
    kernel = null;
  }
  return kernel;
}

export interface GemmOptions {
  /** B's row p is multiplied by scaleRowsOfB[p] as it is packed: A·diag(s)·B in one pass. */
  readonly scaleRowsOfB?: Float64Array | undefined;
  /** The result is symmetric (A'·A, A'·D·A): only its upper half is computed. */
  readonly symmetric?: boolean | undefined;
}

/** Depth of one kernel call: a 4×KC panel of A and of B is 8 KiB each. */
const KC = 256;

/**
 * C = op(A)·op(B) with the SIMD kernel (row-major; op(A) is m×k and op(B) k×n, where transA means A is
 * stored k×m and transB that B is stored n×k), or null without a kernel.
 */
export function gemmWasm(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  transA = false,
  transB = false,
  options: GemmOptions = {},
): Float64Array | null {
  const scale = options.scaleRowsOfB;
  const symmetric = options.symmetric === true && m === n;
  const w = wasmKernel();
  if (!w) return null;
  const m4 = (m + 3) & ~3;
  const n4 = (n + 3) & ~3;
  const ap = 0;
  const bp = m4 * k;
  const cp = bp + k * n4;
  const needed = (cp + m4 * n4) * 8;
  const have = w.memory.buffer.byteLength;
  if (needed > have) w.memory.grow(Math.ceil((needed - have) / 65536));
  const mem = new Float64Array(w.memory.buffer);
  // A in panels of four rows: panel q holds rows 4q..4q+3, entry (p, r) at q·4k + 4p + r.
  for (let q = 0; q < m4 / 4; q++) {
    const base = ap + q * 4 * k;
    for (let r = 0; r < 4; r++) {
      const i = 4 * q + r;
      if (i >= m) for (let p = 0; p < k; p++) mem[base + 4 * p + r] = 0;
      else if (transA) for (let p = 0; p < k; p++) mem[base + 4 * p + r] = a[p * m + i]!;
      else for (let p = 0; p < k; p++) mem[base + 4 * p + r] = a[i * k + p]!;
    }
  }
  // B in panels of four columns: panel q holds columns 4q..4q+3, entry (p, c) at q·4k + 4p + c.
  for (let q = 0; q < n4 / 4; q++) {
    const base = bp + q * 4 * k;
    for (let p = 0; p < k; p++) {
      for (let c = 0; c < 4; c++) {
        const j = 4 * q + c;
        const entry = j >= n ? 0 : transB ? b[j * k + p]! : b[p * n + j]!;
        mem[base + 4 * p + c] = scale ? scale[p]! * entry : entry;
      }
    }
  }
  mem.fill(0, cp, cp + m4 * n4);
  for (let k0 = 0; k0 < k; k0 += KC) {
    w.gemm(ap * 8, bp * 8, cp * 8, m4, n4, k, k0, Math.min(KC, k - k0), symmetric ? 1 : 0);
  }
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) out.set(mem.subarray(cp + i * n4, cp + i * n4 + n), i * n);
  // Only the blocks on and above the diagonal were computed: the rest is their mirror image.
  if (symmetric) for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) out[i * n + j] = out[j * n + i]!;
  return out;
}
