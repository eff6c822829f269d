// The WebAssembly SIMD matrix product behind matmulRaw for large products: operands are packed into
// four-wide panels in the module's memory (which persists and grows across calls), the kernel runs over
// depth ranges that keep a panel pair in the first-level cache, and the result is copied out. Where
// WebAssembly SIMD is missing the caller falls back to the plain loops. Where the runtime has relaxed
// SIMD (Chromium; Node 22, or Node 20 with --experimental-wasm-relaxed-simd), the build whose
// multiply-adds are fused is used instead, found with WebAssembly.validate.
import {
  GEMM_WASM_BASE64,
  GEMM_WASM_FUSED_BASE64,
  GEMM_WASM_SHARED_BASE64,
  GEMM_WASM_SHARED_FUSED_BASE64,
} from "./gemm-wasm.js";

interface Kernel {
  readonly memory: WebAssembly.Memory;
  readonly gemm: (
    ap: number,
    bp: number,
    c: number,
    m4: number,
    n4: number,
    k0: number,
    kc: number,
    i0: number,
    i1: number,
    upper: number,
  ) => void;
}

/** The parameters of one product for the kernel (byte offsets, sizes, the rows to compute). */
export interface ProductJob {
  readonly ap: number;
  readonly bp: number;
  readonly cp: number;
  readonly m4: number;
  readonly n4: number;
  readonly k: number;
  /** Rows of C per chunk (a multiple of 4): both threads take chunks until none is left. */
  readonly chunk: number;
  readonly upper: number;
  readonly kc: number;
  /** 1: run the build with fused multiply-adds (as this thread does), 0: the plain SIMD build. */
  readonly fused: number;
}

/**
 * Another thread that runs the kernel on the same shared memory (a front end that has threads provides
 * one, see src/node/): `start` sets it taking chunks of rows of a product and returns a function that
 * waits until it has finished its last; `claim` takes the next chunk's number for this thread, from
 * the same count. Chunks are claimed, not assigned, so a thread slowed by other load takes fewer.
 */
export interface SecondThread {
  readonly memory: WebAssembly.Memory;
  start(job: ProductJob): () => void;
  /**
   * Sets it taking chunks of a matrix-vector product on the resident memory (src/kernels/resident.ts),
   * where the thread has that memory; returns a function that waits until it has finished its last.
   */
  startVector?(job: VectorJob): () => void;
  claim(): number;
}

/** A matrix-vector product on the resident memory, in chunks that two threads claim (byte offsets). */
export interface VectorJob {
  /** 0: y = A·x by bands of rows; 1: y = A'·x by bands of columns. */
  readonly transposed: number;
  readonly a: number;
  readonly x: number;
  readonly y: number;
  readonly m: number;
  readonly n: number;
  /** Rows (A·x) or columns (A'·x) per chunk: a multiple of 4, so every row and column is summed in
   * the same order as by one thread (the kernels take rows and columns in fours). */
  readonly chunk: number;
}

let second: { thread: SecondThread; gemm: Kernel["gemm"] } | null = null;

/** Which build of the kernel runs: with fused multiply-adds, plain SIMD, or none (plain loops). */
export type KernelVariant = "fused" | "simd" | "none";

/** The build to use: "fused" where the runtime validates it, else "simd" (null: not chosen yet). */
let preferred: KernelVariant | null = null;

function validates(base64: string): boolean {
  return typeof WebAssembly !== "undefined" && WebAssembly.validate(decode(base64));
}

function chosenVariant(): KernelVariant {
  if (preferred === null) {
    preferred = validates(GEMM_WASM_FUSED_BASE64) ? "fused" : validates(GEMM_WASM_BASE64) ? "simd" : "none";
  }
  return preferred;
}

/**
 * Chooses the kernel's build (for comparisons and tests; by default the fastest the runtime validates).
 * Returns the build now in use, which is `variant` if the runtime supports it.
 */
export function useKernel(variant: "fused" | "simd" | "best" = "best"): KernelVariant {
  kernel = undefined;
  preferred = null;
  if (variant === "simd" && validates(GEMM_WASM_BASE64)) preferred = "simd";
  const chosen = chosenVariant();
  if (second) useSecondThread(second.thread);
  return chosen;
}

/** The build of the kernel that products run on. */
export function kernelVariant(): KernelVariant {
  return wasmKernel() === null ? "none" : chosenVariant();
}

/**
 * The kernel importing a shared memory, compiled from its bytes (what a second thread instantiates):
 * the plain SIMD build, or the fused one (null where the runtime lacks relaxed SIMD).
 */
export function sharedKernelBytes(fused = false): Uint8Array<ArrayBuffer> | null {
  if (!fused) return decode(GEMM_WASM_SHARED_BASE64);
  return validates(GEMM_WASM_SHARED_FUSED_BASE64) ? decode(GEMM_WASM_SHARED_FUSED_BASE64) : null;
}

/** The thread that shares large products with this one, if any. */
export function secondThread(): SecondThread | null {
  return second?.thread ?? null;
}

/** Splits large products between this thread and `thread` (null: this thread alone). */
export function useSecondThread(thread: SecondThread | null): void {
  if (thread === null) {
    second = null;
    return;
  }
  const bytes = sharedKernelBytes(chosenVariant() === "fused") ?? sharedKernelBytes(false)!;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: { memory: thread.memory },
  });
  second = { thread, gemm: (instance.exports as unknown as Kernel).gemm };
}

let kernel: Kernel | null | undefined;

/** The bytes of a base64 text (how the kernels' modules are committed). */
export function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const out = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** The instantiated kernel, or null where WebAssembly SIMD is unavailable. */
export function wasmKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const variant = chosenVariant();
    if (variant === "none") {
      kernel = null;
      return null;
    }
    const code = decode(variant === "fused" ? GEMM_WASM_FUSED_BASE64 : GEMM_WASM_BASE64);
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
  /** Where to write the result (m·n entries; default a new array). */
  readonly into?: Float64Array | undefined;
  /** The row stride of A as stored (default its width: k, or m when transposed): a block of a matrix. */
  readonly lda?: number | undefined;
  /** The row stride of B as stored (default n, or k when transposed). */
  readonly ldb?: number | undefined;
  /**
   * Subtract the product from this m×n block (rows `ld` apart) in place, C -= A·B, instead of
   * returning it: the block is the kernel's starting C and A is packed negated.
   */
  readonly subtractFrom?: { readonly data: Float64Array; readonly ld: number } | undefined;
}

/** Depth of one kernel call: a 4×KC panel of A and of B is 4 KiB each. */
const KC = 128;

/**
 * Packs an operand into panels of four by depth blocks of KC, as the kernel reads them: the block of
 * depths k0..k0+kc (kc = min(KC, k − k0)) starts at at + k0·lines4, and in it panel q holds lines
 * 4q..4q+3 (rows of A, columns of B) with entry (p, r) at q·4kc + 4(p − k0) + r, from `src` where line
 * i, depth p is at i·lineStride + p·depthStride. Lines past `lines` are zero, and depth p is multiplied
 * by scale[p] when given. Each panel is copied four entries at a time, the sequential writes that the
 * kernel's reads follow.
 */
function packPanels(
  mem: Float64Array,
  at: number,
  src: Float64Array,
  lines: number,
  k: number,
  lineStride: number,
  depthStride: number,
  scale: Float64Array | null,
): void {
  const full = Math.floor(lines / 4);
  const lines4 = (lines + 3) & ~3;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = Math.min(KC, k - k0);
    const block = at + k0 * lines4;
    for (let q = 0; q < full; q++) {
      let d = block + q * 4 * kc;
      const l0 = 4 * q * lineStride + k0 * depthStride;
      const [l1, l2, l3] = [l0 + lineStride, l0 + 2 * lineStride, l0 + 3 * lineStride];
      if (scale === null) {
        for (let p = 0, o = 0; p < kc; p++, o += depthStride, d += 4) {
          mem[d] = src[l0 + o]!;
          mem[d + 1] = src[l1 + o]!;
          mem[d + 2] = src[l2 + o]!;
          mem[d + 3] = src[l3 + o]!;
        }
      } else {
        for (let p = 0, o = 0; p < kc; p++, o += depthStride, d += 4) {
          const w = scale[k0 + p]!;
          mem[d] = w * src[l0 + o]!;
          mem[d + 1] = w * src[l1 + o]!;
          mem[d + 2] = w * src[l2 + o]!;
          mem[d + 3] = w * src[l3 + o]!;
        }
      }
    }
    if (full * 4 === lines) continue;
    // The last, partial panel.
    const base = block + full * 4 * kc;
    for (let p = 0; p < kc; p++) {
      for (let r = 0; r < 4; r++) {
        const i = 4 * full + r;
        const entry = i < lines ? src[i * lineStride + (k0 + p) * depthStride]! : 0;
        mem[base + 4 * p + r] = scale === null ? entry : scale[k0 + p]! * entry;
      }
    }
  }
}

/**
 * Rows of C per chunk when two threads share a product: about sixteen chunks, so the faster thread
 * can take more of them, and no fewer than 16 rows, so each chunk reuses the B block it streams.
 */
function chunkRows(m4: number): number {
  return Math.max(16, Math.ceil(m4 / 64) * 4);
}

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
  const memory = second ? second.thread.memory : w.memory;
  const run = second ? second.gemm : w.gemm;
  const m4 = (m + 3) & ~3;
  const n4 = (n + 3) & ~3;
  const ap = 0;
  const bp = m4 * k;
  const cp = bp + k * n4;
  const needed = (cp + m4 * n4) * 8;
  const have = memory.buffer.byteLength;
  if (needed > have) memory.grow(Math.ceil((needed - have) / 65536));
  const mem = new Float64Array(memory.buffer);
  const lda = options.lda ?? (transA ? m : k);
  const ldb = options.ldb ?? (transB ? k : n);
  const target = options.subtractFrom;
  const negated = target === undefined ? null : new Float64Array(k).fill(-1);
  packPanels(mem, ap, a, m, k, transA ? 1 : lda, transA ? lda : 1, negated);
  packPanels(mem, bp, b, n, k, transB ? ldb : 1, transB ? 1 : ldb, scale ?? null);
  // Without a block to subtract from, C starts from zero in the kernel (no fill); else from the block.
  if (target !== undefined) {
    mem.fill(0, cp, cp + m4 * n4);
    for (let i = 0; i < m; i++) mem.set(target.data.subarray(i * target.ld, i * target.ld + n), cp + i * n4);
  }
  const upper = (symmetric ? 1 : 0) | (target === undefined ? 2 : 0);
  const rows = (i0: number, i1: number) => {
    for (let k0 = 0; k0 < k; k0 += KC)
      run(ap * 8, bp * 8, cp * 8, m4, n4, k0, Math.min(KC, k - k0), i0, i1, upper);
  };
  if (second && m4 >= 64 && m * n * k >= 4 * 64 * 64 * 64) {
    // Two threads take chunks of rows of C in turn until none is left: on a machine with other load,
    // or for a symmetric result (whose top rows hold more of the upper triangle), a fixed half each
    // would leave one thread waiting for the other.
    const chunk = chunkRows(m4);
    const thread = second.thread;
    const wait = thread.start({
      ap: ap * 8,
      bp: bp * 8,
      cp: cp * 8,
      m4,
      n4,
      k,
      chunk,
      upper,
      kc: KC,
      fused: kernelVariant() === "fused" ? 1 : 0,
    });
    for (let c = thread.claim(); c * chunk < m4; c = thread.claim())
      rows(c * chunk, Math.min(m4, (c + 1) * chunk));
    wait();
  } else {
    rows(0, m4);
  }
  if (target !== undefined) {
    for (let i = 0; i < m; i++) target.data.set(mem.subarray(cp + i * n4, cp + i * n4 + n), i * target.ld);
    return target.data;
  }
  const out = options.into ?? new Float64Array(m * n);
  for (let i = 0; i < m; i++) out.set(mem.subarray(cp + i * n4, cp + i * n4 + n), i * n);
  // Only the blocks on and above the diagonal were computed: the rest is their mirror image.
  if (symmetric) for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) out[i * n + j] = out[j * n + i]!;
  return out;
}
