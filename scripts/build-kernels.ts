// Assembles the WebAssembly kernels (src/tensor/*.wat) into TypeScript modules holding their bytes,
// so the library loads them without a file system or a fetch (in Node and in the page alike).
// Run with `npm run build:kernels` after editing a .wat file; a test checks the two agree.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import wabt from "wabt";

/** The kernel's memory: its own (exported), or one shared with other threads (imported). */
const MEMORY = {
  private: '(memory (export "memory") 1)',
  shared: '(import "env" "memory" (memory 1 32768))',
};

/**
 * Marks the imported memory as shared. (wabt's JavaScript build refuses shared memories even with its
 * threads feature on, so the limits flag of the memory import is set here: 0x01 "has maximum" becomes
 * 0x03 "has maximum, shared".)
 */
function shareImportedMemory(bytes: Uint8Array): Uint8Array {
  const name = [...new TextEncoder().encode("memory")];
  // The import: name length, "memory", kind 0x02 (memory), flags 0x01, min 1, max 32768 (LEB128).
  const pattern = [name.length, ...name, 0x02, 0x01, 0x01, 0x80, 0x80, 0x02];
  const at: number[] = [];
  for (let i = 0; i + pattern.length <= bytes.length; i++) {
    if (pattern.every((b, k) => bytes[i + k] === b)) at.push(i);
  }
  if (at.length !== 1) throw new Error(`expected one memory import, found ${at.length}`);
  const out = Uint8Array.from(bytes);
  out[at[0]! + 1 + name.length + 1] = 0x03;
  return out;
}

/** An s-expression of the text format: an atom, or a list (comments are dropped when parsing). */
type Sexp = string | Sexp[];

function parse(text: string): Sexp[] {
  const tokens = text.replace(/;;[^\n]*/g, " ").match(/"(?:[^"\\]|\\.)*"|[()]|[^\s()]+/g) ?? [];
  const stack: Sexp[][] = [[]];
  for (const t of tokens) {
    if (t === "(") stack.push([]);
    else if (t === ")") {
      const list = stack.pop()!;
      stack.at(-1)!.push(list);
    } else stack.at(-1)!.push(t);
  }
  return stack[0]!;
}

const print = (e: Sexp): string => (typeof e === "string" ? e : `(${e.map(print).join(" ")})`);

/** `(f64x2.add c (f64x2.mul a b))` as `(f64x2.relaxed_madd a b c)`, everywhere below e. */
function fuseSexp(e: Sexp): Sexp {
  if (typeof e === "string") return e;
  const list = e.map(fuseSexp);
  const [op, c, product] = list;
  if (op === "f64x2.add" && list.length === 3 && Array.isArray(product) && product[0] === "f64x2.mul")
    return ["f64x2.relaxed_madd", product[1]!, product[2]!, c!];
  return list;
}

/**
 * The kernel with every multiply-add `(f64x2.add c (f64x2.mul a b))` fused into one relaxed-SIMD
 * instruction (a·b + c): in the whole module, or only in the exported functions named. A kernel
 * written as a chain of such adds (y + a0·x0 + a1·x1 + …, innermost first) becomes a chain of fused
 * multiply-adds.
 */
export function fuse(text: string, functions?: readonly string[]): string {
  let count = 0;
  const exported = (e: Sexp) =>
    Array.isArray(e) && e[0] === "func" && Array.isArray(e[1]) && e[1][0] === "export" ? e[1][1] : null;
  const visit = (e: Sexp): Sexp => {
    if (typeof e === "string") return e;
    const name = exported(e);
    if (name !== null && (functions === undefined || functions.includes(JSON.parse(name as string)))) {
      const fused = fuseSexp(e);
      count += (print(fused).match(/relaxed_madd/g) ?? []).length;
      return fused;
    }
    return e.map(visit);
  };
  const out = parse(text).map(visit);
  if (count === 0) throw new Error("no multiply-add to fuse");
  return out.map(print).join("\n");
}

export async function assemble(
  watPath: string,
  memory: keyof typeof MEMORY = "private",
  fused: boolean | readonly string[] = false,
): Promise<Uint8Array> {
  const w = await wabt();
  const source = readFileSync(watPath, "utf8").replace(/^ *;; MEMORY.*$/m, `  ${MEMORY[memory]}`);
  // true: every multiply-add fused; a list: those of the exported functions named.
  const text = fused === false ? source : fuse(source, fused === true ? undefined : fused);
  const module = w.parseWat(watPath, text, { simd: true, relaxed_simd: fused !== false });
  module.validate();
  const { buffer } = module.toBinary({});
  module.destroy();
  return memory === "shared" ? shareImportedMemory(buffer) : buffer;
}

function constant(name: string, bytes: Uint8Array): string {
  const lines =
    Buffer.from(bytes)
      .toString("base64")
      .match(/.{1,100}/g) ?? [];
  return `export const ${name} =\n${lines.map((l) => `  "${l}"`).join(" +\n")};\n`;
}

/** The four builds of a kernel: its own memory or a shared one, plain or with fused multiply-adds. */
export interface KernelBuilds {
  readonly own: Uint8Array;
  readonly shared: Uint8Array;
  readonly ownFused: Uint8Array;
  readonly sharedFused: Uint8Array;
}

export async function assembleAll(watPath: string): Promise<KernelBuilds> {
  return {
    own: await assemble(watPath, "private"),
    shared: await assemble(watPath, "shared"),
    ownFused: await assemble(watPath, "private", true),
    sharedFused: await assemble(watPath, "shared", true),
  };
}

export function kernelModule(builds: KernelBuilds, source: string): string {
  return [
    `// Generated by scripts/build-kernels.ts from ${source}; do not edit.`,
    "/** The kernel with its own memory. */",
    constant("GEMM_WASM_BASE64", builds.own),
    "/** The kernel importing a shared memory (env.memory), for products split between threads. */",
    constant("GEMM_WASM_SHARED_BASE64", builds.shared),
    "/** The kernel with fused multiply-adds (relaxed SIMD), its own memory. */",
    constant("GEMM_WASM_FUSED_BASE64", builds.ownFused),
    "/** The kernel with fused multiply-adds (relaxed SIMD), importing a shared memory. */",
    constant("GEMM_WASM_SHARED_FUSED_BASE64", builds.sharedFused),
  ].join("\n");
}

/** The matrix-vector kernels whose multiply-adds the relaxed-SIMD build fuses. */
export const FUSED_GEMV_FUNCTIONS = ["gemv", "gemvT"];

/** The matrix-vector kernels: only on the arena's shared memory (the matrices live there). */
export function gemvModule(shared: Uint8Array, sharedFused: Uint8Array, source: string): string {
  return [
    `// Generated by scripts/build-kernels.ts from ${source}; do not edit.`,
    "/** The matrix-vector kernels, importing the arena's shared memory (env.memory). */",
    constant("GEMV_WASM_SHARED_BASE64", shared),
    `/** The same with the multiply-adds of ${FUSED_GEMV_FUNCTIONS.join(" and ")} fused (relaxed SIMD). */`,
    constant("GEMV_WASM_SHARED_FUSED_BASE64", sharedFused),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const wat = resolve(import.meta.dirname, "../src/tensor/gemm.wat");
  const builds = await assembleAll(wat);
  const target = resolve(import.meta.dirname, "../src/tensor/gemm-wasm.ts");
  writeFileSync(target, kernelModule(builds, "src/tensor/gemm.wat"));
  console.log(
    `gemm.wat → ${Object.values(builds)
      .map((b) => b.length)
      .join(", ")} bytes`,
  );
  const gemvWat = resolve(import.meta.dirname, "../src/tensor/gemv.wat");
  const gemv = await assemble(gemvWat, "shared");
  const gemvFused = await assemble(gemvWat, "shared", FUSED_GEMV_FUNCTIONS);
  writeFileSync(
    resolve(import.meta.dirname, "../src/tensor/gemv-wasm.ts"),
    gemvModule(gemv, gemvFused, "src/tensor/gemv.wat"),
  );
  console.log(`gemv.wat → ${gemv.length}, ${gemvFused.length} bytes`);
}
