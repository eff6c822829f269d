// An element-wise loop as a small WebAssembly module on the kernels' shared memory: out[i] = f(a0[i],
// a1[i], …, s0, s1, …) two entries at a time on 128-bit lanes (f64x2), the last odd entry on f64.
// Only operations that WebAssembly computes exactly as JavaScript does are taken (+ − × ÷, negation,
// absolute value, square root, max, min, comparison with a select), so the loop gives the same numbers
// bit for bit as the JavaScript loop it stands for; anything else (exp, log, pow, …) stays JavaScript.

/** An entry of an element-wise loop: operands read at entry i, scalars, constants and operations. */
export type LoopExpr =
  | { readonly kind: "array"; readonly index: number }
  | { readonly kind: "scalar"; readonly index: number }
  | { readonly kind: "const"; readonly value: number }
  /** A value computed once per entry (a fused temporary read more than once). */
  | { readonly kind: "local"; readonly index: number }
  | { readonly kind: "op"; readonly op: LoopOp; readonly args: readonly LoopExpr[] };

export type LoopOp = "add" | "sub" | "mul" | "div" | "neg" | "abs" | "sqrt" | "max" | "min" | "step";

export interface LoopSpec {
  readonly arrays: number;
  readonly scalars: number;
  /** The per-entry locals, in order (each may read the ones before it). */
  readonly locals: readonly LoopExpr[];
  readonly entry: LoopExpr;
}

// Opcodes (the core and the SIMD proposal's 0xFD-prefixed ones).
const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_CONST = 0x41;
const F64_CONST = 0x44;

const SIMD: Record<Exclude<LoopOp, "step"> | "and" | "gt" | "splat" | "load" | "store" | "const", number> = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  splat: 0x14,
  gt: 0x4a,
  and: 0x4e,
  abs: 0xec,
  neg: 0xed,
  sqrt: 0xef,
  add: 0xf0,
  sub: 0xf1,
  mul: 0xf2,
  div: 0xf3,
  min: 0xf4,
  max: 0xf5,
};

const SCALAR: Record<Exclude<LoopOp, "step">, number> = {
  abs: 0x99,
  neg: 0x9a,
  sqrt: 0x9f,
  add: 0xa0,
  sub: 0xa1,
  mul: 0xa2,
  div: 0xa3,
  min: 0xa4,
  max: 0xa5,
};

function unsigned(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function signed(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function f64Bytes(value: number): number[] {
  return Array.from(new Uint8Array(new Float64Array([value]).buffer));
}

const simd = (op: number) => [0xfd, ...unsigned(op)];
const section = (id: number, body: number[]) => [id, ...unsigned(body.length), ...body];
const vector = (items: number[][]) => [...unsigned(items.length), ...items.flat()];
const name = (text: string) => [...unsigned(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

/**
 * The module: it imports the memory (env.memory, shared) and exports `f(out, a0…, s0…, n)`, byte
 * offsets of out and of the operands, the scalars as f64, and the number of entries.
 */
export function wasmLoop(spec: LoopSpec): Uint8Array<ArrayBuffer> {
  const { arrays, scalars } = spec;
  // Parameters: out, the arrays (i32), the scalars (f64), n (i32). Locals after them.
  const params = [I32, ...Array<number>(arrays).fill(I32), ...Array<number>(scalars).fill(F64), I32];
  const out = 0;
  const array = (k: number) => 1 + k;
  const scalar = (k: number) => 1 + arrays + k;
  const n = 1 + arrays + scalars;
  const i = n + 1; // the entry's byte offset
  const end = n + 2; // the byte offset where pairs end
  const last = n + 3; // the byte offset where all entries end
  const splat = (k: number) => n + 4 + k; // the scalars as f64x2
  const vlocal = (k: number) => n + 4 + scalars + k;
  const slocal = (k: number) => n + 4 + scalars + spec.locals.length + k;
  const locals = [
    [3, I32],
    [scalars + spec.locals.length, V128],
    [spec.locals.length, F64],
  ].filter(([count]) => count! > 0);

  /** How one width of the loop reads and computes: two entries on f64x2 lanes, or one on f64. */
  interface Width {
    /** Load at the entry's offset (align 2^3), after the operand's base and the offset are pushed. */
    readonly load: number[];
    readonly scalar: (k: number) => number;
    readonly constant: (value: number) => number[];
    readonly local: (k: number) => number;
    readonly op: (op: Exclude<LoopOp, "step">) => number[];
    /** step(x) = x > 0 ? 1 : 0, as what comes before and after x's code. */
    readonly step: readonly [number[], number[]];
  }
  const laneConst = (value: number) => [...simd(SIMD.const), ...f64Bytes(value), ...f64Bytes(value)];
  const lanes: Width = {
    load: [...simd(SIMD.load), 3, 0],
    scalar: splat,
    constant: laneConst,
    local: vlocal,
    op: (op) => simd(SIMD[op]),
    // the comparison's all-ones lanes masked to 1.0
    step: [[], [...laneConst(0), ...simd(SIMD.gt), ...laneConst(1), ...simd(SIMD.and)]],
  };
  const oneConst = (value: number) => [F64_CONST, ...f64Bytes(value)];
  const one: Width = {
    load: [0x2b, 3, 0],
    scalar,
    constant: oneConst,
    local: slocal,
    op: (op) => [SCALAR[op]],
    // select(1, 0, x > 0)
    step: [
      [...oneConst(1), ...oneConst(0)],
      [...oneConst(0), 0x64, 0x1b],
    ],
  };
  const encode = (e: LoopExpr, w: Width): number[] => {
    switch (e.kind) {
      case "array":
        return [LOCAL_GET, array(e.index), LOCAL_GET, i, 0x6a, ...w.load];
      case "scalar":
        return [LOCAL_GET, w.scalar(e.index)];
      case "const":
        return w.constant(e.value);
      case "local":
        return [LOCAL_GET, w.local(e.index)];
      case "op": {
        const args = e.args.flatMap((a) => encode(a, w));
        if (e.op === "step") return [...w.step[0], ...args, ...w.step[1]];
        return [...args, ...w.op(e.op)];
      }
    }
  };

  // The locals, then out[i] = entry, in one width; `local` numbers that width's locals.
  const entries = (w: Width, local: (k: number) => number, store: number[]) => [
    ...spec.locals.flatMap((e, k) => [...encode(e, w), LOCAL_SET, local(k)]),
    ...[LOCAL_GET, out, LOCAL_GET, i, 0x6a],
    ...encode(spec.entry, w),
    ...store,
  ];
  const body = [
    // the scalars splatted once
    ...Array.from({ length: scalars }, (_, k) => [
      LOCAL_GET,
      scalar(k),
      ...simd(SIMD.splat),
      LOCAL_SET,
      splat(k),
    ]),
    // last = n * 8; end = (n & -2) * 8; i = 0 (locals start at zero)
    [LOCAL_GET, n, I32_CONST, 3, 0x74, LOCAL_SET, last],
    [LOCAL_GET, n, I32_CONST, ...signed(-2), 0x71, I32_CONST, 3, 0x74, LOCAL_SET, end],
    // block { loop { br_if 1 (i >= end); the pair at i; i += 16; br 0 } }
    [0x02, 0x40, 0x03, 0x40],
    [LOCAL_GET, i, LOCAL_GET, end, 0x4f, 0x0d, 1],
    entries(lanes, vlocal, [...simd(SIMD.store), 3, 0]),
    [LOCAL_GET, i, I32_CONST, 16, 0x6a, LOCAL_SET, i],
    [0x0c, 0, 0x0b, 0x0b],
    // if (i < last) { the odd last entry (f64.store) }
    [LOCAL_GET, i, LOCAL_GET, last, 0x49, 0x04, 0x40],
    entries(one, slocal, [0x39, 3, 0]),
    [0x0b, 0x0b],
  ].flat();
  const code = [...vector(locals.map(([count, type]) => [...unsigned(count!), type!])), ...body];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, ...vector(params.map((p) => [p])), 0]])),
    // env.memory: shared, minimum 1 page, maximum 32768 pages (as the kernels' memory)
    ...section(
      2,
      vector([[...name("env"), ...name("memory"), 0x02, 0x03, ...unsigned(1), ...unsigned(32768)]]),
    ),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name("f"), 0x00, 0]])),
    ...section(10, vector([[...unsigned(code.length), ...code]])),
  ];
  return Uint8Array.from(bytes) as Uint8Array<ArrayBuffer>;
}
