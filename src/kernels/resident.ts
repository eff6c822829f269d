// Matrices kept resident in a WebAssembly memory across calls. A caller that multiplies the same large
// matrix by vectors again and again (a gradient inside a training loop, a benchmark) allocates it here
// once and fills its `data` in place; the matrix-vector kernels (gemv.wat) then read it where it lies,
// with no copy per call. The memory is shared (a SharedArrayBuffer), so growing it never detaches the
// views handed out. Where shared memory is unavailable (a page without cross-origin isolation), a
// resident matrix is an ordinary array and products take the other paths.

import { transposeInto } from "../tensor/index.js";
import { GEMV_WASM_SHARED_BASE64, GEMV_WASM_SHARED_FUSED_BASE64 } from "./gemv-wasm.js";
import { decode, type SecondThread, secondThread } from "./wasm-gemm.js";

interface Kernels {
  readonly gemv: (a: number, x: number, y: number, m: number, n: number) => void;
  readonly gemvT: (a: number, x: number, y: number, m: number, n: number, lda: number) => void;
  readonly gemvSym: (a: number, x: number, y: number, n: number) => void;
  readonly zero: (p: number, bytes: number) => void;
  readonly rowSolve: (
    lu: number,
    x: number,
    n: number,
    cols: number,
    xStride: number,
    r0: number,
    r1: number,
    upper: number,
  ) => void;
  readonly pivotEliminate: (lu: number, n: number, k: number, k1: number, tiny: number) => number;
  readonly plusTranspose: (a: number, c: number, n: number) => void;
  readonly gemmThin: (
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    m: number,
    k: number,
    n: number,
    t: number,
    alpha: number,
    beta: number,
  ) => void;
}

interface Block {
  offset: number;
  bytes: number;
  free: boolean;
}

interface Arena {
  readonly memory: WebAssembly.Memory;
  /** The kernels' module, as instantiated here (a second thread instantiates the same). */
  readonly code: Uint8Array<ArrayBuffer>;
  readonly kernels: Kernels;
  /** Every buffer object the memory has handed out (a view keeps the one it was made on). */
  readonly buffers: WeakSet<ArrayBufferLike>;
  /** The buffer object last seen (most views are on it: a quick test before the weak set). */
  last: ArrayBufferLike;
  /** All of the memory as numbers, on the last buffer (operands are copied in through it). */
  all: Float64Array;
  /** The memory's length in bytes (it only grows). */
  bytes: number;
  /** The allocated blocks in address order; above the last one is scratch space. */
  readonly blocks: Block[];
}

/** Offsets are kept to whole cache lines. */
const ALIGN = 64;

let arena: Arena | null | undefined;

function theArena(): Arena | null {
  if (arena !== undefined) return arena;
  try {
    const plain = decode(GEMV_WASM_SHARED_BASE64);
    if (typeof SharedArrayBuffer === "undefined" || !WebAssembly.validate(plain)) {
      arena = null;
      return null;
    }
    // The build whose matrix-vector products use fused multiply-adds, where the runtime has relaxed
    // SIMD (as for the GEMM): ~15% faster A'x, ~8% faster A·x, ~15–25% faster (A + A')·x, and thin
    // products (U·V' - T, the block products of LU) 10–20% faster.
    const fused = decode(GEMV_WASM_SHARED_FUSED_BASE64);
    const code = WebAssembly.validate(fused) ? fused : plain;
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 32768, shared: true });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(code), { env: { memory } });
    const buffers = new WeakSet<ArrayBufferLike>();
    buffers.add(memory.buffer);
    arena = {
      memory,
      code,
      kernels: instance.exports as unknown as Kernels,
      buffers,
      blocks: [],
      last: memory.buffer,
      all: new Float64Array(memory.buffer),
      bytes: memory.buffer.byteLength,
    };
  } catch {
    arena = null;
  }
  return arena;
}

/**
 * The resident memory and the bytes of the kernels' module, for a second thread to instantiate on the
 * same memory (null without the resident memory).
 */
export function residentMemory(): { memory: WebAssembly.Memory; code: Uint8Array<ArrayBuffer> } | null {
  const a = theArena();
  return a === null ? null : { memory: a.memory, code: a.code };
}

/** Whether matrices can be resident here (WebAssembly SIMD and shared memory). */
export function residentAvailable(): boolean {
  return theArena() !== null;
}

function top(a: Arena): number {
  const last = a.blocks.at(-1);
  return last ? last.offset + last.bytes : 0;
}

/**
 * The memory's buffer, recorded as one of the arena's. (The buffer object of a shared memory changes
 * when it grows — and, in V8, when any other shared memory of the thread grows — so views made at
 * different times hold different objects over the same memory.)
 */
function bufferOf(a: Arena): ArrayBufferLike {
  const buffer = a.memory.buffer;
  if (buffer !== a.last) {
    a.buffers.add(buffer);
    a.last = buffer;
    a.bytes = buffer.byteLength;
    a.all = new Float64Array(buffer);
  }
  return buffer;
}

/** Makes the memory at least `bytes` long. */
function reserve(a: Arena, bytes: number): void {
  if (bytes <= a.bytes) return;
  const have = bufferOf(a).byteLength;
  if (bytes <= have) return;
  a.memory.grow(Math.ceil((bytes - have) / 65536));
  bufferOf(a);
}

function allocate(a: Arena, size: number): number {
  const bytes = Math.ceil((size * 8) / ALIGN) * ALIGN || ALIGN;
  const i = a.blocks.findIndex((b) => b.free && b.bytes >= bytes);
  if (i >= 0) {
    const b = a.blocks[i]!;
    if (b.bytes > bytes)
      a.blocks.splice(i + 1, 0, { offset: b.offset + bytes, bytes: b.bytes - bytes, free: true });
    b.bytes = bytes;
    b.free = false;
    return b.offset;
  }
  const offset = top(a);
  reserve(a, offset + bytes);
  a.blocks.push({ offset, bytes, free: false });
  return offset;
}

export interface ResidentMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major entries, a view on the resident memory: write into it in place. */
  readonly data: Float64Array;
}

/**
 * A rows×cols matrix kept in the kernels' memory (zeros, or a copy of `values`, row-major); release it
 * with `releaseResident` when done. Without shared memory, an ordinary matrix.
 */
export function residentMatrix(rows: number, cols: number, values?: ArrayLike<number>): ResidentMatrix {
  const a = theArena();
  const size = rows * cols;
  if (values !== undefined && values.length !== size) {
    throw new Error(`expected ${size} values for a ${rows}×${cols} matrix, got ${values.length}`);
  }
  let data: Float64Array;
  if (a === null) data = new Float64Array(size);
  else {
    const offset = allocate(a, size);
    data = new Float64Array(bufferOf(a), offset, size);
    // Zeroed by a memset (filling a typed array on shared memory is slow), unless values follow.
    if (values === undefined) a.kernels.zero(offset, size * 8);
  }
  if (values !== undefined) data.set(values);
  return { rows, cols, data };
}

/** Gives a resident matrix's memory back (the matrix must not be used afterwards). */
export function releaseResident(m: ResidentMatrix): void {
  const a = theArena();
  if (a === null || !a.buffers.has(m.data.buffer)) return;
  const i = a.blocks.findIndex((b) => b.offset === m.data.byteOffset && !b.free);
  if (i < 0) return;
  a.blocks[i]!.free = true;
  // Merge free neighbours, and drop free blocks at the top.
  for (let j = a.blocks.length - 1; j > 0; j--) {
    const [prev, cur] = [a.blocks[j - 1]!, a.blocks[j]!];
    if (prev.free && cur.free) {
      prev.bytes += cur.bytes;
      a.blocks.splice(j, 1);
    }
  }
  while (a.blocks.at(-1)?.free) a.blocks.pop();
}

/** The byte offset of `data` in the resident memory, or -1 when it lies elsewhere. */
function residentOffset(a: Arena, data: Float64Array): number {
  const buffer = data.buffer;
  return buffer === a.last || a.buffers.has(buffer) ? data.byteOffset : -1;
}

/** Sets every entry of `data` to 0 (a memset where it is resident) and returns it. */
export function clear(data: Float64Array): Float64Array {
  const a = theArena();
  const p = a === null ? -1 : residentOffset(a, data);
  if (p < 0) data.fill(0);
  else a!.kernels.zero(p, data.length * 8);
  return data;
}

/** Whether `data` is a view on the resident memory. */
export function isResident(data: Float64Array): boolean {
  const a = theArena();
  return a !== null && residentOffset(a, data) >= 0;
}

/**
 * y = op(A)·x for a resident A (m×n, row-major; transposed: A'·x), on the SIMD kernels; null when A
 * is not resident. x is copied to scratch space above the allocated blocks unless it is resident too;
 * y is written into `into` (in place when that is resident) or a new array.
 */
export function gemvResident(
  a: Float64Array,
  x: Float64Array,
  m: number,
  n: number,
  transposed: boolean,
  into?: Float64Array,
): Float64Array | null {
  const [inLength, outLength] = transposed ? [m, n] : [n, m];
  return onArena([operand(a, m * n, true), operand(x, inLength)], outLength, into, (k, [ap, xp], yp) => {
    const thread = m * n >= SPLIT_VECTOR ? secondThread() : null;
    if (thread?.startVector) bothThreads(k, thread, transposed, ap!, xp!, yp, m, n);
    else if (transposed) k.gemvT(ap!, xp!, yp, m, n, n);
    else k.gemv(ap!, xp!, yp, m, n);
  });
}

/**
 * From how many multiply-adds a matrix-vector product is shared with a second thread, where there is
 * one: a 100×1000 product (100,000) takes ~20 µs on one thread, and handing chunks to a thread that
 * is awake costs well under a microsecond.
 */
const SPLIT_VECTOR = 1 << 16;

/**
 * y = A·x (or A'·x) on two threads: each takes chunks of rows of A (or bands of its columns) until
 * none is left, so a thread slowed by other load, or one that is asleep, takes fewer.
 */
function bothThreads(
  k: Kernels,
  thread: SecondThread,
  transposed: boolean,
  a: number,
  x: number,
  y: number,
  m: number,
  n: number,
): void {
  const lines = transposed ? n : m;
  // About 16 chunks, each a multiple of 4 rows or columns.
  const chunk = Math.max(8, Math.ceil(lines / 64) * 4);
  const wait = thread.startVector!({ transposed: transposed ? 1 : 0, a, x, y, m, n, chunk });
  for (let c = thread.claim(); c * chunk < lines; c = thread.claim()) {
    const first = c * chunk;
    const count = Math.min(chunk, lines - first);
    if (transposed) k.gemvT(a + first * 8, x, y + first * 8, m, count, n);
    else k.gemv(a + first * n * 8, x, y + first * 8, count, n);
  }
  wait();
}

/**
 * An element-wise loop compiled to WebAssembly (a module importing env.memory and exporting
 * `f(out, a0…, s0…, n)` on byte offsets), on the resident memory: a function that runs it over
 * `out.length` entries — operands not resident are copied to scratch space, and the result out of it
 * unless `out` is resident — and says whether it ran. Null without the resident memory, or when the
 * runtime refuses the module.
 */
export function residentLoop(
  bytes: Uint8Array<ArrayBuffer>,
): ((out: Float64Array, arrays: readonly Float64Array[], scalars: readonly number[]) => boolean) | null {
  const arena = theArena();
  if (arena === null) return null;
  let f: (...args: number[]) => void;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: { memory: arena.memory },
    });
    f = instance.exports.f as typeof f;
  } catch {
    return null;
  }
  return (out, arrays, scalars) => {
    const n = out.length;
    if (arrays.some((a) => a.length < n)) return false;
    const ran = onArena(
      arrays.map((a) => operand(a, n)),
      n,
      out,
      (_, offsets, o) => f(o, ...offsets, ...scalars, n),
    );
    return ran !== null;
  };
}

/** y = (A + A')·x for a resident square A (n×n), reading A once; null when A is not resident. */
export function gemvSymResident(
  a: Float64Array,
  x: Float64Array,
  n: number,
  into?: Float64Array,
): Float64Array | null {
  return onArena([operand(a, n * n, true), operand(x, n)], n, into, (k, [ap, xp], yp) =>
    k.gemvSym(ap!, xp!, yp, n),
  );
}

/**
 * C = alpha·A·B + beta·T (T optional) with A m×k, B k×n, T and C m×n, row-major, on the kernel that
 * reads A in place: for a resident A times a thin B, or for a shallow product (small k) of any
 * operands (they are copied to scratch space). Null without the resident memory, or when A must be
 * resident and is not.
 */
export function gemmSmall(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  options: {
    readonly aResident?: boolean;
    /** A is given as its transpose (k×m), B as its transpose (n×k). */
    readonly transA?: boolean;
    readonly transB?: boolean;
    readonly alpha?: number;
    readonly t?: Float64Array | undefined;
    readonly beta?: number;
    readonly into?: Float64Array | undefined;
  } = {},
): Float64Array | null {
  const { alpha = 1, t, beta = 1, into } = options;
  // A transposed operand is written transposed into scratch space (A stored k×m, B stored n×k).
  const operands = [
    options.transA ? transposedOperand(a, k, m) : operand(a, m * k, options.aResident === true),
    options.transB ? transposedOperand(b, n, k) : operand(b, k * n),
  ];
  if (t !== undefined) operands.push(operand(t, m * n));
  return onArena(operands, m * n, into, (w, [ap, bp, tp], cp) =>
    w.gemmThin(ap!, k, bp!, n, cp, n, m, k, n, tp ?? -1, alpha, beta),
  );
}

/**
 * The triangular solve within rows r0..r1 of an n×n LU factorization `lu` on the rows of x (row i at
 * x[xStart + i·xStride], cols entries): unit lower (x_i -= L[i,k]·x_k for r0 ≤ k < i) or upper (then
 * divided by U[i,i]). In place on the kernels when both are resident; false (nothing done) otherwise.
 */
export function rowSolveResident(
  lu: Float64Array,
  x: Float64Array,
  xStart: number,
  n: number,
  cols: number,
  xStride: number,
  r0: number,
  r1: number,
  upper: boolean,
): boolean {
  const a = theArena();
  if (a === null) return false;
  const [lp, xp] = [residentOffset(a, lu), residentOffset(a, x)];
  if (lp < 0 || xp < 0) return false;
  a.kernels.rowSolve(lp, xp + xStart * 8, n, cols, xStride, r0, r1, upper ? 1 : 0);
  return true;
}

/**
 * C -= A·B for blocks of larger row-major matrices (A m×k, B k×n, C m×n, rows lda, ldb and ldc apart),
 * in place on the kernel that keeps a 2×8 block of the product in registers over the whole depth
 * (gemmThin with C as its T), without packing. False (nothing done) unless all three are resident.
 */
export function subtractInPlaceResident(
  a: Float64Array,
  lda: number,
  b: Float64Array,
  ldb: number,
  c: Float64Array,
  ldc: number,
  m: number,
  k: number,
  n: number,
): boolean {
  const arena = theArena();
  if (arena === null) return false;
  const [ap, bp, cp] = [residentOffset(arena, a), residentOffset(arena, b), residentOffset(arena, c)];
  if (ap < 0 || bp < 0 || cp < 0) return false;
  arena.kernels.gemmThin(ap, lda, bp, ldb, cp, ldc, m, k, n, cp, -1, 1);
  return true;
}

/**
 * Column k of a panel's elimination with partial pivoting in the resident n×n matrix `lu`: the row p
 * with the largest |lu[p,k]| (p ≥ k, the first such) is exchanged with row k; then, unless that pivot
 * is at most `tiny`, the rows below k get their multiplier in column k and lose multiplier × row k over
 * columns k+1..k1. Returns p, or -1-p for a tiny pivot; null (nothing done) if `lu` is not resident.
 */
export function pivotEliminateResident(
  lu: Float64Array,
  n: number,
  k: number,
  k1: number,
  tiny: number,
): number | null {
  const a = theArena();
  const p = a === null ? -1 : residentOffset(a, lu);
  if (p < 0) return null;
  return a!.kernels.pivotEliminate(p, n, k, k1, tiny);
}

/**
 * C = A + A' for a square A (n×n) on the kernel (A copied to scratch space unless resident); null
 * without the resident memory.
 */
export function plusTransposeResident(a: Float64Array, n: number, into?: Float64Array): Float64Array | null {
  return onArena([operand(a, n * n)], n * n, into, (k, [ap], cp) => k.plusTranspose(ap!, cp, n));
}

interface Operand {
  readonly data: Float64Array;
  readonly length: number;
  /** The kernel is worth calling only if this one is resident already. */
  readonly mustBeResident: boolean;
  /** Rows and columns of `data` when the kernel reads its transpose: copied transposed, always. */
  readonly transposeOf?: readonly [number, number];
}

function operand(data: Float64Array, length: number, mustBeResident = false): Operand {
  return { data, length, mustBeResident };
}

/** The transpose of a rows×cols `data`, written into scratch space as it is copied there. */
function transposedOperand(data: Float64Array, rows: number, cols: number): Operand {
  return { data, length: rows * cols, mustBeResident: false, transposeOf: [rows, cols] };
}

/**
 * Runs a kernel on operands in the resident memory: those not resident are copied to scratch space
 * above the allocated blocks, as is the result unless `into` is resident (and overlaps no operand);
 * hands the result back (in `into`, or a new array). Null without the resident memory or when an
 * operand that must be resident is not.
 */
function onArena(
  operands: readonly Operand[],
  outLength: number,
  into: Float64Array | undefined,
  run: (k: Kernels, offsets: number[], out: number) => void,
): Float64Array | null {
  const arena = theArena();
  if (arena === null) return null;
  const offsets: number[] = [];
  for (const o of operands) {
    const p = o.transposeOf ? -1 : residentOffset(arena, o.data);
    if (o.mustBeResident && p < 0) return null;
    offsets.push(p);
  }
  let out = into === undefined ? -1 : residentOffset(arena, into);
  // The result written in place must not overlap what is read.
  for (let i = 0; out >= 0 && i < operands.length; i++) {
    const p = offsets[i]!;
    if (p >= 0 && out < p + operands[i]!.length * 8 && p < out + outLength * 8) out = -1;
  }
  let scratch = top(arena);
  const copies: number[] = [];
  for (let i = 0; i < operands.length; i++) {
    if (offsets[i]! >= 0) continue;
    offsets[i] = scratch;
    copies.push(i);
    scratch += Math.ceil((operands[i]!.length * 8) / ALIGN) * ALIGN;
  }
  const inPlace = out >= 0;
  if (!inPlace) out = scratch;
  reserve(arena, Math.max(scratch, out + outLength * 8));
  if (copies.length > 0) {
    bufferOf(arena);
    for (const i of copies) {
      const o = operands[i]!;
      const at = offsets[i]! / 8;
      if (o.transposeOf) transposeInto(o.data, o.transposeOf[0], o.transposeOf[1], arena.all, at);
      else arena.all.set(o.data.length === o.length ? o.data : o.data.subarray(0, o.length), at);
    }
  }
  run(arena.kernels, offsets, out);
  if (inPlace) return into!;
  const y = new Float64Array(bufferOf(arena), out, outLength);
  if (into === undefined) return y.slice();
  into.set(y);
  return into;
}
