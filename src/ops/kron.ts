// The Kronecker product kron(A, B) — of two matrices, (m·p)×(n·q), or of two vectors, m·p (a vector
// with a matrix is read as a column: kron(I, y) is (n·m)×n) — and the
// two contractions that are its adjoints in each factor, which its derivatives are made of:
//   kronT1(G, B)[i,j] = Σ_kl G[(i,k),(j,l)]·B[k,l]   (the gradient of ⟨G, kron(A, B)⟩ by A)
//   kronT2(A, G)[k,l] = Σ_ij A[i,j]·G[(i,k),(j,l)]   (the gradient of ⟨G, kron(A, B)⟩ by B)
// where (i,k) is row i·p + k. All three are bilinear; each one's transpose rules are the other two.
import { MatcalcError } from "../core/index.js";
import type { Node } from "../ir/index.js";
import type { Tensor } from "../tensor/index.js";
import * as E from "./algebra.js";
import { ones } from "./build.js";
import { latexCall } from "./elementwise.js";
import { failure } from "./shape-rules.js";
import {
  type DimAlgebra,
  type JvpRule,
  type OperatorCode,
  type OperatorDefinition,
  Precedence,
  type ShapeResult,
  type ShapeRule,
} from "./types.js";

/** Rows and columns of a value, a vector read as a column. */
const sizes = (t: Tensor): [number, number] => [t.shape[0] ?? 1, t.shape[1] ?? 1];

const kronShape: ShapeRule = (args, dims) => {
  const [a, b] = [args[0]!, args[1]!];
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  if (a.length === 1 && b.length === 1) return [dims.product(a[0]!, b[0]!)];
  const [ea, eb] = [extent(a, dims), extent(b, dims)];
  return [dims.product(ea[0], eb[0]), dims.product(ea[1], eb[1])];
};

/**
 * The size q with g = q·f (kronT1: the product's size over B's) or g = f·q (kronT2: over A's). Where
 * the quotient is not known yet (an I of inferred size), inference makes q a fresh size and unifies
 * g with the product, so that kronT1(I, B) reads back.
 */
function quotient<D>(dims: DimAlgebra<D>, g: D, f: D, factorFirst: 0 | 1): D | undefined {
  const known = dims.quotient(g, f);
  if (known !== undefined || dims.fresh === undefined) return known;
  const q = dims.fresh();
  return dims.unify(g, factorFirst === 1 ? dims.product(f, q) : dims.product(q, f)) ? q : undefined;
}

/** Rows and columns of a shape, a vector read as a column. */
function extent<D>(shape: readonly D[], dims: DimAlgebra<D>): [D, D] {
  return shape.length === 1 ? [shape[0]!, dims.one()] : [shape[0]!, shape[1]!];
}

/** The shape of a contraction: the product's sizes divided by the other factor's. */
function contractionShape(name: string, product: 0 | 1): ShapeRule {
  return <D>(args: readonly (readonly D[])[], dims: DimAlgebra<D>): ShapeResult<D> => {
    const [g, f] = product === 0 ? [args[0]!, args[1]!] : [args[1]!, args[0]!];
    const fail = failure(
      (d) =>
        `${name} needs a Kronecker product's sizes and a factor's of the same rank, each size a multiple of the factor's; got ${d(0)} and ${d(1)}`,
    );
    // The product is a vector only where both factors are; a vector factor of a matrix is a column.
    if (g.length === 0 || f.length === 0 || (g.length === 1 && f.length !== 1)) return fail;
    if (g.length === 1) {
      const q = quotient(dims, g[0]!, f[0]!, product);
      return q === undefined ? fail : [q];
    }
    const ef = extent(f, dims);
    const sizes = [0, 1].map((i) => quotient(dims, g[i]!, ef[i]!, product));
    return sizes.some((d) => d === undefined) ? fail : (sizes as D[]);
  };
}

/** The most entries a Kronecker product is given (a gigabyte of doubles). */
const MAX_KRON_ENTRIES = 2 ** 27;

function kron(a: Tensor, b: Tensor): Tensor {
  const [m, n] = sizes(a);
  const [p, q] = sizes(b);
  if (m * p * n * q > MAX_KRON_ENTRIES)
    throw new MatcalcError(
      "limit",
      `a Kronecker product of ${m}×${n} and ${p}×${q} would have ${(m * p * n * q).toLocaleString("en-US")} entries: at most ${MAX_KRON_ENTRIES.toLocaleString("en-US")} are computed`,
    );
  const data = new Float64Array(m * p * n * q);
  const cols = n * q;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      const x = a.data[i * n + j]!;
      for (let k = 0; k < p; k++) {
        const row = (i * p + k) * cols + j * q;
        for (let l = 0; l < q; l++) data[row + l] = x * b.data[k * q + l]!;
      }
    }
  const shape = a.shape.length === 1 && b.shape.length === 1 ? [m * p] : [m * p, n * q];
  return { shape, data };
}

/** kronT1(G, B) when `left` (a result of A's shape), else kronT2(A, G) (of B's shape). */
function contract(g: Tensor, factor: Tensor, left: boolean): Tensor {
  const [gr, gc] = sizes(g);
  const [fr, fc] = sizes(factor);
  // G is (m·p)×(n·q); the factor is B (p×q) for kronT1, A (m×n) for kronT2.
  const [m, n, p, q] = left ? [gr / fr, gc / fc, fr, fc] : [fr, fc, gr / fr, gc / fc];
  const data = new Float64Array(left ? m * n : p * q);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < p; k++)
        for (let l = 0; l < q; l++) {
          const entry = g.data[(i * p + k) * gc + j * q + l]!;
          if (left) data[i * n + j]! += entry * factor.data[k * q + l]!;
          else data[k * q + l]! += entry * factor.data[i * n + j]!;
        }
  const shape = g.shape.length === 1 ? [left ? m : p] : left ? [m, n] : [p, q];
  return { shape, data };
}

/** A factor of a Kronecker product with a matrix, in Python: a vector as a column. */
const column = (x: string, other: string) =>
  `(${x}.reshape(-1, 1) if ${x}.ndim == 1 and ${other}.ndim == 2 else ${x})`;

/** NumPy, PyTorch or JAX code of kronT1 / kronT2, for matrices and vectors alike. */
function contractionPython(module: string, left: boolean): string {
  return left
    ? `(lambda g, b: (lambda B: ${module}.einsum('ikjl,kl->ij', g.reshape(g.shape[0] // B.shape[0], B.shape[0], g.shape[1] // B.shape[1], B.shape[1]), B))(${column("b", "g")}) if g.ndim == 2 else g.reshape(-1, b.shape[0]) @ b)(#0, #1)`
    : `(lambda a, g: (lambda A: ${module}.einsum('ij,ikjl->kl', A, g.reshape(A.shape[0], g.shape[0] // A.shape[0], A.shape[1], g.shape[1] // A.shape[1])))(${column("a", "g")}) if g.ndim == 2 else a @ g.reshape(a.shape[0], -1))(#0, #1)`;
}

/** The tangent of a bilinear op(a, b): op(da, b) + op(a, db). */
function bilinear(op: string): JvpRule {
  return ([a, b], [da, db]) =>
    E.plus(da === null ? null : E.call(op, da, b), db === null ? null : E.call(op, a, db));
}

/** How generated code writes one of the three: the runtime's function, and Python in each module. */
function kronCode(name: string, python: (module: string) => string): OperatorCode {
  return {
    js: `${name}(#0, #1)`,
    runtime: [name],
    rowsAsMatrices: true,
    numpy: python("np"),
    torch: python("torch"),
    jax: python("jnp"),
  };
}

/** The cotangent of a vector factor of a matrix product comes as a column: made a vector again. */
function asShapeOf(factor: Node, cotangent: Node): Node {
  return factor.shape.length === 1 && cotangent.shape.length === 2 ? E.mul(cotangent, ones(1)) : cotangent;
}

export const kronOperators = {
  kron: {
    syntax: { kind: "function", name: "kron", arity: 2 },
    summary: "Kronecker product A ⊗ B of two matrices ((m·p)×(n·q)) or two vectors",
    shape: kronShape,
    evaluate: ([a, b]) => kron(a!, b!),
    text: { kind: "call", name: "kron" },
    latex: { kind: "infix", symbol: " \\otimes ", precedence: Precedence.Product },
    jvp: bilinear("kron"),
    transpose: (ct, [a, b], [la, lb]) => [
      la ? asShapeOf(a, E.call("kronT1", ct, b)) : null,
      lb ? asShapeOf(b, E.call("kronT2", a, ct)) : null,
    ],
    // A number's Kronecker product is the scalar multiple.
    canonical: ([a, b]) => (a!.shape.length === 0 || b!.shape.length === 0 ? E.mul(a!, b!) : null),
    // torch.kron views its operands: a transposed one is made contiguous first.
    code: kronCode("kron", (module) => {
      const whole = module === "torch" ? ".contiguous()" : "";
      return `(lambda a, b: ${module}.kron(${column("a", "b")}${whole}, ${column("b", "a")}${whole}))(#0, #1)`;
    }),
  },
  kronT1: {
    syntax: { kind: "function", name: "kronT1", arity: 2 },
    summary:
      "the adjoint of kron in its first factor: kronT1(G, B)[i,j] = Σ_kl G[(i,k),(j,l)]·B[k,l], the gradient of ⟨G, kron(A, B)⟩ by A",
    shape: contractionShape("kronT1", 0),
    evaluate: ([g, b]) => contract(g!, b!, true),
    text: { kind: "call", name: "kronT1" },
    latex: { kind: "custom", print: latexCall("\\operatorname{kronT_1}") },
    jvp: bilinear("kronT1"),
    transpose: (ct, [g, b], [lg, lb]) => [
      lg ? E.call("kron", ct, b) : null,
      lb ? asShapeOf(b, E.call("kronT2", ct, g)) : null,
    ],
    code: kronCode("kronT1", (module) => contractionPython(module, true)),
  },
  kronT2: {
    syntax: { kind: "function", name: "kronT2", arity: 2 },
    summary:
      "the adjoint of kron in its second factor: kronT2(A, G)[k,l] = Σ_ij A[i,j]·G[(i,k),(j,l)], the gradient of ⟨G, kron(A, B)⟩ by B",
    shape: contractionShape("kronT2", 1),
    evaluate: ([a, g]) => contract(g!, a!, false),
    text: { kind: "call", name: "kronT2" },
    latex: { kind: "custom", print: latexCall("\\operatorname{kronT_2}") },
    jvp: bilinear("kronT2"),
    transpose: (ct, [a, g], [la, lg]) => [
      la ? asShapeOf(a, E.call("kronT1", g, ct)) : null,
      lg ? E.call("kron", a, ct) : null,
    ],
    code: kronCode("kronT2", (module) => contractionPython(module, false)),
  },
} satisfies Record<string, OperatorDefinition>;
