// Every kernel against plain loops on random shapes and values: the evaluator's product and the
// runtime helpers that generated JavaScript carries (products with and without a transpose, row and
// column scaling by a diagonal, einsum).

import { resolve } from "node:path";
import { setFlagsFromString } from "node:v8";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assemble, assembleAll, FUSED_GEMV_FUNCTIONS } from "../scripts/build-kernels.js";
import { helperSource } from "../src/codegen/js-runtime.js";
import {
  GEMM_WASM_BASE64,
  GEMM_WASM_FUSED_BASE64,
  GEMM_WASM_SHARED_BASE64,
  GEMM_WASM_SHARED_FUSED_BASE64,
} from "../src/kernels/gemm-wasm.js";
import { GEMV_WASM_SHARED_BASE64, GEMV_WASM_SHARED_FUSED_BASE64 } from "../src/kernels/gemv-wasm.js";
import {
  addTranspose,
  gemm,
  gemmPlus,
  gram,
  inverseOf,
  inverseRaw,
  isResident,
  luFactor,
  luSolve,
  matmulRaw,
  plusTransposeTimes,
  type ResidentMatrix,
  releaseResident,
  residentAvailable,
  residentMatrix,
} from "../src/kernels/index.js";
import {
  gemmWasm,
  kernelVariant,
  secondThread,
  useKernel,
  useSecondThread,
  wasmKernel,
} from "../src/kernels/wasm-gemm.js";
import { useTwoThreads } from "../src/node/threads.js";
import {
  luDeterminant,
  luFactorLoops,
  luSolveLoops,
  matmulLoops,
  transposeRaw,
} from "../src/tensor/index.js";

interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

const runtime = new Function(
  `${helperSource(["matmul", "matmulTN", "matmulNT", "scaleRows", "scaleCols", "einsum", "transpose", "gram"], false)}
return { matmul, matmulTN, matmulNT, scaleRows, scaleCols, einsum, transpose, gram };`,
)() as Record<string, (...args: unknown[]) => Mat & Float64Array>;

function naive(a: Mat, b: Mat): Float64Array {
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let p = 0; p < a.cols; p++) s += a.data[i * a.cols + p]! * b.data[p * b.cols + j]!;
      out[i * b.cols + j] = s;
    }
  return out;
}

function transposed(a: Mat): Mat {
  const data = new Float64Array(a.data.length);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++) data[j * a.rows + i] = a.data[i * a.cols + j]!;
  return { rows: a.cols, cols: a.rows, data };
}

const size = fc.integer({ min: 1, max: 40 });
const matrix = (rows: number, cols: number) =>
  fc
    .array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: rows * cols, maxLength: rows * cols })
    .map((xs) => ({ rows, cols, data: Float64Array.from(xs) }));
const pair = fc.tuple(size, size, size).chain(([m, k, n]) => fc.tuple(matrix(m, k), matrix(k, n)));

function close(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  expect(worst).toBeLessThanOrEqual(1e-9);
}

describe("kernels agree with plain loops", () => {
  it("the evaluator's blocked loops and its product (sizes across the block edges)", () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        close(matmulLoops(a.data, b.data, a.rows, a.cols, b.cols), naive(a, b));
        close(matmulRaw(a.data, b.data, a.rows, a.cols, b.cols), naive(a, b));
      }),
      { numRuns: 80 },
    );
    const big = { rows: 67, cols: 600, data: Float64Array.from({ length: 67 * 600 }, (_, i) => Math.sin(i)) };
    const wide = {
      rows: 600,
      cols: 530,
      data: Float64Array.from({ length: 600 * 530 }, (_, i) => Math.cos(i)),
    };
    close(matmulLoops(big.data, wide.data, 67, 600, 530), naive(big, wide));
    close(matmulRaw(big.data, wide.data, 67, 600, 530), naive(big, wide));
  });

  it("the generated code's products, transposed products and diagonal scalings", () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        close(runtime.matmul!(a, b).data, naive(a, b));
        close(runtime.matmulTN!(transposed(a), b).data, naive(a, b));
        close(runtime.matmulNT!(a, transposed(b)).data, naive(a, b));
        const v = { rows: a.rows, cols: 1, data: a.data.slice(0, a.rows).map((x, i) => x + i) };
        const diag = { rows: a.rows, cols: a.rows, data: new Float64Array(a.rows * a.rows) };
        for (let i = 0; i < a.rows; i++) diag.data[i * a.rows + i] = v.data[i]!;
        close(runtime.scaleRows!(v, a).data, naive(diag, a));
        const w = { rows: a.cols, cols: 1, data: Float64Array.from({ length: a.cols }, (_, i) => i - 1.5) };
        const diagW = { rows: a.cols, cols: a.cols, data: new Float64Array(a.cols * a.cols) };
        for (let i = 0; i < a.cols; i++) diagW.data[i * a.cols + i] = w.data[i]!;
        close(runtime.scaleCols!(a, w).data, naive(a, diagW));
      }),
      { numRuns: 80 },
    );
  });

  it("einsum: a product, a trace, an outer product and a permuted output", () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        close(runtime.einsum!("ik,kj->ij", a, b), naive(a, b));
        close(
          runtime.einsum!("ik,kj->ji", a, b),
          transposed({ rows: a.rows, cols: b.cols, data: naive(a, b) }).data,
        );
        const square = { rows: a.rows, cols: a.rows, data: naive(a, transposed(a)) };
        let trace = 0;
        for (let i = 0; i < a.rows; i++) trace += square.data[i * a.rows + i]!;
        close(runtime.einsum!("ii->", square), [trace]);
        const x = { rows: a.rows, cols: 1, data: a.data.slice(0, a.rows) };
        const y = { rows: b.cols, cols: 1, data: b.data.slice(0, b.cols) };
        close(runtime.einsum!("i,j->ij", x, y), naive(x, { rows: 1, cols: b.cols, data: y.data }));
      }),
      { numRuns: 100 },
    );
  });

  const products = (variant: "simd" | "fused") => () => {
    if (variant === "fused") {
      // Node 20 has relaxed SIMD behind a flag (on by default from Node 22, and in Chromium).
      setFlagsFromString("--experimental-wasm-relaxed-simd");
    }
    expect(useKernel(variant), `the ${variant} kernel is available in Node 20`).toBe(variant);
    expect(kernelVariant()).toBe(variant);
    expect(wasmKernel()).not.toBeNull();
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const want = naive(a, b);
        const [m, k, n] = [a.rows, a.cols, b.cols];
        close(gemmWasm(a.data, b.data, m, k, n)!, want);
        close(gemmWasm(transposed(a).data, b.data, m, k, n, true, false)!, want);
        close(gemmWasm(a.data, transposed(b).data, m, k, n, false, true)!, want);
        close(gemm(transposed(a).data, transposed(b).data, m, k, n, true, true), want);
      }),
      { numRuns: 80 },
    );
    // Deeper than one kernel call (the depth is cut into ranges of 128), with partial panels.
    const deep = { rows: 9, cols: 700, data: Float64Array.from({ length: 9 * 700 }, (_, i) => Math.sin(i)) };
    const tall = { rows: 700, cols: 6, data: Float64Array.from({ length: 700 * 6 }, (_, i) => Math.cos(i)) };
    close(gemmWasm(deep.data, tall.data, 9, 700, 6)!, naive(deep, tall));
    // Wider than one block of 64 columns, and a symmetric result across blocks.
    const wide = {
      rows: 70,
      cols: 150,
      data: Float64Array.from({ length: 70 * 150 }, (_, i) => Math.sin(0.3 * i)),
    };
    close(
      gemmWasm(wide.data, wide.data, 150, 70, 150, true, false, { symmetric: true })!,
      naive(transposed(wide), wide),
    );
  };

  it("the WebAssembly SIMD product, plain and with either operand transposed", products("simd"));
  it("the same with fused multiply-adds (relaxed SIMD)", products("fused"));

  it("products on resident matrices (A*x, A'*x, x'*A, (A+A')*x, A times a thin B), in place or not", () => {
    expect(residentAvailable(), "shared memory is available in Node").toBe(true);
    const shapes = fc.tuple(size, size).chain(([m, n]) => fc.tuple(matrix(m, n), matrix(n, 1), matrix(m, 1)));
    fc.assert(
      fc.property(shapes, fc.boolean(), ([a, x, z], inPlace) => {
        const [m, n] = [a.rows, a.cols];
        const resident = residentMatrix(m, n, a.data);
        const into = inPlace ? residentMatrix(Math.max(m, n), 1) : undefined;
        const target = (length: number) => into?.data.subarray(0, length);
        try {
          expect(isResident(resident.data)).toBe(true);
          close(gemm(resident.data, x.data, m, n, 1, false, false, target(m)), naive(a, x));
          close(gemm(resident.data, z.data, n, m, 1, true, false, target(n)), naive(transposed(a), z));
          const row = { rows: 1, cols: m, data: z.data };
          close(gemm(z.data, resident.data, 1, m, n, false, false, target(n)), naive(row, a));
          // A thin product read in place: A (m×n) times B (n×w), w up to 40 columns (8-wide blocks,
          // pairs and an odd one; an odd last row).
          const w = (m * 7 + n * 3) % 41 || 1;
          const b = {
            rows: n,
            cols: w,
            data: Float64Array.from({ length: n * w }, (_, i) => Math.sin(i + m)),
          };
          const product = naive(a, b);
          close(gemm(resident.data, b.data, m, n, w), product);
          if (inPlace && m * w <= Math.max(m, n))
            close(gemm(resident.data, b.data, m, n, w, false, false, target(m * w)), product);
          if (m === n) {
            const sum = {
              rows: n,
              cols: n,
              data: a.data.map((v, k) => v + a.data[(k % n) * n + Math.floor(k / n)]!),
            };
            close(plusTransposeTimes(resident.data, x.data, n, target(n)), naive(sum, x));
            // The same without residency: two products.
            close(plusTransposeTimes(a.data, x.data, n), naive(sum, x));
          }
        } finally {
          releaseResident(resident);
          if (into) releaseResident(into);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("a product plus a matrix, alpha*op(A)*op(B) + beta*T, shallow ones in one pass (resident or not)", () => {
    const shapes = fc
      .tuple(
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 90 }),
      )
      .chain(([m, k, n]) => fc.tuple(matrix(m, k), matrix(k, n), matrix(m, n)));
    fc.assert(
      fc.property(
        shapes,
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        ([a, b, t], transposedB, resident, transposedA) => {
          const [m, k, n] = [a.rows, a.cols, b.cols];
          const stored = transposedB ? transposed(b).data : b.data;
          const storedA = transposedA ? transposed(a).data : a.data;
          const tr = resident ? residentMatrix(m, n, t.data) : t;
          try {
            const want = naive(a, b).map((v, i) => 2 * v - 0.5 * t.data[i]!);
            close(gemmPlus(storedA, stored, m, k, n, transposedA, transposedB, 2, tr.data, -0.5), want);
            const into = residentMatrix(m, n);
            close(
              gemmPlus(storedA, stored, m, k, n, transposedA, transposedB, 2, tr.data, -0.5, into.data),
              want,
            );
            releaseResident(into);
          } finally {
            if (resident) releaseResident(tr as ResidentMatrix);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("A + A' on the kernel (resident or copied, even or odd n) and in tiles", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.boolean(), (n, resident) => {
        const a = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 0.37 + n));
        const want = a.map((v, k) => v + a[(k % n) * n + Math.floor(k / n)]!);
        const r = residentMatrix(n, n, a);
        const into = residentMatrix(n, n);
        try {
          close(addTranspose(resident ? r.data : a, n), want);
          close(addTranspose(resident ? r.data : a, n, into.data), want);
        } finally {
          releaseResident(r);
          releaseResident(into);
        }
      }),
      { numRuns: 80 },
    );
  });

  it("resident memory is reused after release and survives growth", () => {
    const a = residentMatrix(
      10,
      10,
      Float64Array.from({ length: 100 }, (_, i) => i),
    );
    const b = residentMatrix(5, 5);
    releaseResident(b);
    const c = residentMatrix(5, 5);
    expect(c.data.byteOffset).toBe(b.data.byteOffset);
    // A large allocation grows the memory; earlier views stay valid.
    const big = residentMatrix(3000, 1000);
    expect(a.data[99]).toBe(99);
    a.data[0] = -1;
    expect(a.data[0]).toBe(-1);
    // Growing another shared memory (the product kernel's, with two threads) gives this one a new
    // buffer object in V8: matrices allocated afterwards are still recognized as resident.
    const other = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
    other.grow(1);
    const after = residentMatrix(4, 4);
    expect(isResident(after.data)).toBe(true);
    for (const m of [a, c, big, after]) releaseResident(m);
    expect(() => residentMatrix(2, 2, [1, 2, 3])).toThrow(/expected 4 values for a 2×2 matrix, got 3/);
  });

  it("the committed kernel bytes are the assembled gemm.wat and gemv.wat", async () => {
    const wat = resolve(import.meta.dirname, "../src/kernels/gemm.wat");
    const builds = await assembleAll(wat);
    const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
    expect(base64(builds.own)).toBe(GEMM_WASM_BASE64);
    expect(base64(builds.shared)).toBe(GEMM_WASM_SHARED_BASE64);
    expect(base64(builds.ownFused)).toBe(GEMM_WASM_FUSED_BASE64);
    expect(base64(builds.sharedFused)).toBe(GEMM_WASM_SHARED_FUSED_BASE64);
    const gemvWat = resolve(import.meta.dirname, "../src/kernels/gemv.wat");
    expect(base64(await assemble(gemvWat, "shared"))).toBe(GEMV_WASM_SHARED_BASE64);
    expect(base64(await assemble(gemvWat, "shared", FUSED_GEMV_FUNCTIONS))).toBe(
      GEMV_WASM_SHARED_FUSED_BASE64,
    );
  });

  it("both builds of the matrix-vector kernels (plain, and fused multiply-adds) against plain loops", () => {
    // Node 20 has relaxed SIMD behind a flag (on by default from Node 22, and in Chromium).
    setFlagsFromString("--experimental-wasm-relaxed-simd");
    for (const base64 of [GEMV_WASM_SHARED_BASE64, GEMV_WASM_SHARED_FUSED_BASE64]) {
      const bytes = Uint8Array.from(Buffer.from(base64, "base64"));
      expect(WebAssembly.validate(bytes)).toBe(true);
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 32768, shared: true });
      const kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })
        .exports as unknown as Record<
        "gemv" | "gemvT",
        (a: number, x: number, y: number, m: number, n: number, lda?: number) => void
      >;
      fc.assert(
        // Row lengths odd and even, and row counts past and short of the kernels' steps of 4.
        fc.property(size, size, fc.nat(), fc.nat(), (m, n, from, width) => {
          const a = Float64Array.from({ length: m * n }, (_, i) => Math.sin(i * 0.7 + m));
          const x = Float64Array.from({ length: Math.max(m, n) }, (_, i) => Math.cos(i * 1.3 + n));
          const f = new Float64Array(memory.buffer);
          const [ap, xp, yp] = [0, m * n, m * n + Math.max(m, n)];
          f.set(a, ap);
          f.set(x, xp);
          kernels.gemv(ap * 8, xp * 8, yp * 8, m, n);
          close(
            f.slice(yp, yp + m),
            naive({ rows: m, cols: n, data: a }, { rows: n, cols: 1, data: x.slice(0, n) }),
          );
          kernels.gemvT(ap * 8, xp * 8, yp * 8, m, n, n);
          const whole = naive(transposed({ rows: m, cols: n, data: a }), {
            rows: m,
            cols: 1,
            data: x.slice(0, m),
          });
          close(f.slice(yp, yp + n), whole);
          // A band of columns j0 … j0+w-1 (rows still n apart), as a second thread computes its share.
          const j0 = from % n;
          const w = 1 + (width % (n - j0));
          f.fill(7, yp, yp + n + 1);
          kernels.gemvT((ap + j0) * 8, xp * 8, yp * 8, m, w, n);
          close(f.slice(yp, yp + w), whole.slice(j0, j0 + w));
          expect(f[yp + w]).toBe(7);
          // (A + A')·x for a square A, in the same build (rows odd and even, short of and past 4).
          const sq = {
            rows: n,
            cols: n,
            data: Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 0.9 + m)),
          };
          const sym = (kernels as unknown as Record<string, (...args: number[]) => void>).gemvSym!;
          const sp = yp + Math.max(m, n) + 1;
          f.set(sq.data, sp);
          sym(sp * 8, xp * 8, yp * 8, n);
          const xs = { rows: n, cols: 1, data: x.slice(0, n) };
          const fromTranspose = naive(transposed(sq), xs);
          close(
            f.slice(yp, yp + n),
            naive(sq, xs).map((v, i) => v + fromTranspose[i]!),
          );
          // The thin product plus a matrix, C = 2·A·B - 0.5·T (A m×k, B k×n), in the same build.
          const k = 1 + (from % 12);
          const thin = (kernels as unknown as Record<string, (...args: number[]) => void>).gemmThin!;
          const [pa, pb, pt, pc] = [0, m * k, m * k + k * n, m * k + k * n + m * n];
          const am = {
            rows: m,
            cols: k,
            data: Float64Array.from({ length: m * k }, (_, i) => Math.sin(i + k)),
          };
          const bm = {
            rows: k,
            cols: n,
            data: Float64Array.from({ length: k * n }, (_, i) => Math.cos(i - m)),
          };
          const tm = Float64Array.from({ length: m * n }, (_, i) => Math.sin(0.3 * i));
          f.set(am.data, pa);
          f.set(bm.data, pb);
          f.set(tm, pt);
          thin(pa * 8, k, pb * 8, n, pc * 8, n, m, k, n, pt * 8, 2, -0.5);
          close(
            f.slice(pc, pc + m * n),
            naive(am, bm).map((v, i) => 2 * v - 0.5 * tm[i]!),
          );
        }),
        { numRuns: 60 },
      );
    }
  });

  it("Gram products X'*X and X'*diag(s)*X, computing half and mirroring (kernel, loops and generated code)", () => {
    const tall = fc.tuple(size, fc.integer({ min: 1, max: 60 })).chain(([k, n]) => matrix(k, n));
    fc.assert(
      fc.property(tall, (x) => {
        const s = Float64Array.from({ length: x.rows }, (_, p) => Math.cos(p) + 0.5);
        const scaled = {
          rows: x.rows,
          cols: x.cols,
          data: x.data.map((v, i) => v * s[Math.floor(i / x.cols)]!),
        };
        const plain = naive(transposed(x), x);
        const weighted = naive(transposed(x), scaled);
        close(gram(x.data, x.rows, x.cols), plain);
        close(gram(x.data, x.rows, x.cols, s), weighted);
        if (x.cols >= 4) {
          close(gemmWasm(x.data, x.data, x.cols, x.rows, x.cols, true, false, { symmetric: true })!, plain);
          close(
            gemmWasm(x.data, x.data, x.cols, x.rows, x.cols, true, false, {
              symmetric: true,
              scaleRowsOfB: s,
            })!,
            weighted,
          );
        }
        close(runtime.gram!(x, null).data, plain);
        close(runtime.gram!(x, { rows: x.rows, cols: 1, data: s }).data, weighted);
      }),
      { numRuns: 60 },
    );
  });

  it("products split between two threads (a worker on shared memory) agree with one thread", () => {
    const fill = (rows: number, cols: number, f: (i: number) => number) => ({
      rows,
      cols,
      data: Float64Array.from({ length: rows * cols }, (_, i) => f(i)),
    });
    const a = fill(130, 100, (i) => Math.sin(i));
    const b = fill(100, 97, (i) => Math.cos(i * 0.7));
    const x = fill(150, 121, (i) => Math.sin(i * 1.3));
    const s = Float64Array.from({ length: 150 }, (_, p) => 1 + (p % 3));
    const products = () => [
      gemm(a.data, b.data, 130, 100, 97),
      gemm(transposed(a).data, b.data, 130, 100, 97, true, false),
      gram(x.data, 150, 121, s),
    ];
    // On one thread first: each block of the result is computed whole by one thread, so the split
    // gives these numbers bit for bit.
    const single = products();
    useTwoThreads();
    try {
      for (let run = 0; run < 3; run++) {
        const [ab, atb, xsx] = products();
        close(ab!, naive(a, b));
        close(atb!, naive(a, b));
        const scaled = { rows: 150, cols: 121, data: x.data.map((v, i) => v * s[Math.floor(i / 121)]!) };
        close(xsx!, naive(transposed(x), scaled));
        expect([ab, atb, xsx]).toEqual(single);
      }
    } finally {
      useSecondThread(null);
    }
  });

  it.runIf(residentAvailable())(
    "matrix-vector products split between two threads give the one-thread result, bit for bit",
    () => {
      useTwoThreads();
      const thread = secondThread()!;
      expect(thread.startVector).toBeDefined();
      // Count the chunks this thread claims: fewer than all means the worker took some.
      let mine = 0;
      const counting = {
        ...thread,
        claim: () => {
          mine++;
          return thread.claim();
        },
      };
      useSecondThread(counting);
      try {
        let shared = 0;
        for (const [m, n] of [
          [100, 1000],
          [257, 301],
          [1001, 67],
          [67, 1001],
        ] as const) {
          const a = residentMatrix(
            m,
            n,
            Float64Array.from({ length: m * n }, (_, i) => Math.sin(i * 0.37 + m)),
          );
          const x = Float64Array.from({ length: Math.max(m, n) }, (_, i) => Math.cos(i * 1.3 + n));
          const expected = { rows: m, cols: n, data: a.data.slice() };
          const one = (t: boolean) => {
            useSecondThread(null);
            const y = gemm(a.data, x.subarray(0, t ? m : n), t ? n : m, t ? m : n, 1, t, false);
            useSecondThread(counting);
            return y;
          };
          for (const t of [false, true]) {
            const single = one(t);
            close(
              single,
              naive(t ? transposed(expected) : expected, {
                rows: t ? m : n,
                cols: 1,
                data: x.slice(0, t ? m : n),
              }),
            );
            for (let run = 0; run < 20; run++) {
              mine = 0;
              const both = gemm(a.data, x.subarray(0, t ? m : n), t ? n : m, t ? m : n, 1, t, false);
              expect(both).toEqual(single);
              const lines = t ? n : m;
              const chunks = Math.ceil(lines / Math.max(8, Math.ceil(lines / 64) * 4));
              // This thread claims until a claim comes back past the last chunk.
              if (mine - 1 < chunks) shared++;
            }
          }
          releaseResident(a);
        }
        // The worker took part (it is awake for most of these calls, unless the machine is busy).
        expect(shared).toBeGreaterThan(0);
      } finally {
        useSecondThread(null);
      }
    },
  );

  it("the LU, inverse and solve on the kernels agree with plain loops (and find a singular matrix)", () => {
    fc.assert(
      // Panels of 32 columns and in-place block products from 33 rows on; one panel below.
      fc.property(fc.integer({ min: 16, max: 200 }), fc.integer({ min: 1, max: 1000 }), (n, seed) => {
        // Entries in [-1, 1] and a modest diagonal: well enough conditioned to compare inverses, and
        // still pivoting (the diagonal does not dominate).
        const a = Float64Array.from(
          { length: n * n },
          (_, i) => Math.sin(seed + i * 0.37) * Math.cos(i * seed) + (i % (n + 1) === 0 ? Math.sqrt(n) : 0),
        );
        // Without the diagonal almost every column pivots: the factors' determinants still agree.
        const wild = a.map((v, i) => (i % (n + 1) === 0 ? v - Math.sqrt(n) : v));
        const [w1, w2] = [luDeterminant(luFactor(wild, n)), luDeterminant(luFactorLoops(wild, n))];
        expect(Math.abs(w1 - w2)).toBeLessThanOrEqual(1e-6 * Math.abs(w2));
        const blocked = luFactor(a, n);
        const loops = luFactorLoops(a, n);
        expect(blocked.singular).toBe(loops.singular);
        const [d1, d2] = [luDeterminant(blocked), luDeterminant(loops)];
        expect(Math.abs(d1 - d2)).toBeLessThanOrEqual(1e-8 * Math.abs(d2));
        close(
          inverseRaw(blocked),
          luSolveLoops(
            loops,
            Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0)),
            n,
          ),
        );
        // A few right-hand sides (an odd count: the kernels' single last column).
        const cols = 1 + (seed % 5);
        const b = Float64Array.from({ length: n * cols }, (_, i) => Math.cos(seed * i));
        close(luSolve(blocked, b, cols), luSolveLoops(loops, b, cols));
      }),
      { numRuns: 10 },
    );
    // Factored and solved in place, and written transposed: the same numbers.
    for (const n of [10, 40, 150]) {
      const a = Float64Array.from(
        { length: n * n },
        (_, i) => Math.cos(i * 0.71) + (i % (n + 1) === 0 ? 3 : 0),
      );
      const inverse = inverseRaw(luFactor(a, n));
      close(inverseOf(a, n)!, inverse);
      close(inverseOf(a, n, true)!, transposeRaw(inverse, n, n));
      close(inverseRaw(luFactor(a, n), true), transposeRaw(inverse, n, n));
    }
    expect(inverseOf(new Float64Array(40 * 40).fill(1), 40)).toBeNull();
    // A large matrix, solved in blocks of 128 rows: A·A⁻¹ is the identity.
    const big = 960;
    const a = Float64Array.from(
      { length: big * big },
      (_, i) => Math.sin(i * 0.37) + (i % (big + 1) === 0 ? Math.sqrt(big) : 0),
    );
    const product = matmulRaw(a, inverseRaw(luFactor(a, big)), big, big, big);
    let worst = 0;
    for (let i = 0; i < big * big; i++)
      worst = Math.max(worst, Math.abs(product[i]! - (i % (big + 1) === 0 ? 1 : 0)));
    expect(worst).toBeLessThan(1e-10);
    const n = 150;
    const rankDeficient = Float64Array.from(
      { length: n * n },
      (_, i) => ((i % n) + 1) * (Math.floor(i / n) + 1),
    );
    expect(luFactor(rankDeficient, n).singular).toBe(true);
  });
});
