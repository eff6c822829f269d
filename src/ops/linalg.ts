// Matrix functions (SPEC §1): tr, det, logdet, inv, and diag both ways (vector → diagonal matrix,
// square matrix → its diagonal). det/logdet/inv go through one LU factorization.
import { MatcalcError } from "../core/index.js";
import {
  type LinearAlgebra,
  luDeterminant,
  luLogAbsDeterminant,
  scalarTensor,
  squareSize,
  type Tensor,
} from "../tensor/index.js";
import * as E from "./algebra.js";
import { constant, identity } from "./build.js";
import { numpyHelper, valueCode } from "./code.js";
import { latexCall } from "./elementwise.js";
import { failure, squareMatrix } from "./shape-rules.js";
import { type OperatorDefinition, Precedence, type ShapeRule } from "./types.js";

/** The LU factors of a square matrix. */
function factorsOf(a: Tensor, linalg: LinearAlgebra) {
  return linalg.luFactor(a.data, squareSize(a));
}

const diagMatrixShape: ShapeRule = (args) => {
  const a = args[0]!;
  if (a.length === 0) return []; // diag of a scalar is the scalar
  if (a.length !== 1) return failure((d) => `diag needs a vector or a square matrix, got ${d(0)}`);
  return [a[0]!, a[0]!];
};

export const linalgOperators = {
  tr: {
    syntax: { kind: "function", name: "tr", arity: 1 },
    summary: "trace",
    shape: squareMatrix("tr", "scalar"),
    evaluate: ([a]) => {
      const n = squareSize(a!);
      let s = 0;
      for (let i = 0; i < n; i++) s += a!.data[i * n + i]!;
      return scalarTensor(s);
    },
    text: { kind: "call", name: "tr" },
    latex: { kind: "custom", print: latexCall("\\operatorname{tr}") },
    jvp: (_args, [du]) => (du === null ? null : E.call("tr", du)),
    transpose: (ct, [u]) => [E.mul(ct, identity(u.shape[0]!))],
    scalarForm: (s) => s,
    code: valueCode("trace", "trace", 1),
  },
  det: {
    syntax: { kind: "function", name: "det", arity: 1 },
    summary: "determinant",
    shape: squareMatrix("det", "scalar"),
    evaluate: ([a], _node, context) => scalarTensor(luDeterminant(factorsOf(a!, context.linalg))),
    text: { kind: "call", name: "det" },
    latex: { kind: "custom", print: latexCall("\\det") },
    // d det(A) = det(A) tr(A⁻¹ dA).
    jvp: ([a], [da], node) => (da === null ? null : E.mul(node, E.call("tr", E.mul(E.call("inv", a), da)))),
    scalarForm: (s) => s,
    code: valueCode("det", "linalg.det", 1),
  },
  logdet: {
    syntax: { kind: "function", name: "logdet", arity: 1 },
    summary: "log of the determinant (the determinant must be positive)",
    shape: squareMatrix("logdet", "scalar"),
    evaluate: ([a], _node, context) => {
      const factors = factorsOf(a!, context.linalg);
      if (factors.singular) throw new MatcalcError("numeric", "the matrix is singular");
      const { logAbs, sign } = luLogAbsDeterminant(factors);
      if (sign < 0) throw new MatcalcError("numeric", "the determinant is negative, so its log is not real");
      return scalarTensor(logAbs);
    },
    text: { kind: "call", name: "logdet" },
    latex: { kind: "custom", print: latexCall("\\log\\det") },
    jvp: ([a], [da]) => (da === null ? null : E.call("tr", E.mul(E.call("inv", a), da))),
    scalarForm: (s) => E.call("log", s),
    code: valueCode("logdet", "", 1, {
      numpy: "logdet(#)",
      numpyHelper: numpyHelper(
        "logdet",
        `def logdet(a):
    sign, value = np.linalg.slogdet(a)
    if sign <= 0:
        raise ValueError("logdet: the determinant is not positive")
    return value`,
      ),
      torch: "torch.logdet(#)",
      jax: "jnp.linalg.slogdet(#)[1]",
    }),
  },
  inv: {
    syntax: { kind: "function", name: "inv", arity: 1 },
    summary: "matrix inverse",
    shape: squareMatrix("inv", "same"),
    evaluate: ([a], _node, context) => {
      const factors = factorsOf(a!, context.linalg);
      if (factors.singular) throw new MatcalcError("numeric", "the matrix is singular");
      return { shape: a!.shape, data: context.linalg.inverse(factors) };
    },
    text: { kind: "call", name: "inv" },
    latex: {
      kind: "custom",
      print: ([a]) => ({
        text: `${a!.precedence < Precedence.Atom ? `\\left(${a!.text}\\right)` : a!.text}^{-1}`,
        precedence: Precedence.Power,
      }),
    },
    // d A⁻¹ = −A⁻¹ dA A⁻¹.
    jvp: (_args, [da], node) => (da === null ? null : E.neg(E.mul(E.mul(node, da), node))),
    scalarForm: (s) => E.div(constant(1), s),
    code: { ...valueCode("inv", "linalg.inv", 1), writesInto: true },
  },
  diagMatrix: {
    syntax: { kind: "function", name: "diag", arity: 1, acceptsRanks: (ranks) => ranks[0] !== 2 },
    summary: "diag(x): the diagonal matrix with x on its diagonal",
    shape: diagMatrixShape,
    evaluate: ([a]) => {
      const n = a!.data.length;
      const data = new Float64Array(n * n);
      for (let i = 0; i < n; i++) data[i * n + i] = a!.data[i]!;
      return { shape: [n, n], data };
    },
    text: { kind: "call", name: "diag" },
    latex: { kind: "custom", print: latexCall("\\operatorname{diag}") },
    jvp: (_args, [du]) => (du === null ? null : E.call("diagMatrix", du)),
    transpose: (ct) => [E.call("diagVector", ct)],
    scalarForm: (s) => s,
    code: valueCode("diagMatrix", "diag", 1),
  },
  diagVector: {
    syntax: { kind: "function", name: "diag", arity: 1, acceptsRanks: (ranks) => ranks[0] === 2 },
    summary: "diag(A): the diagonal of a square matrix, as a vector",
    shape: squareMatrix("diag", "vector"),
    evaluate: ([a]) => {
      const n = squareSize(a!);
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = a!.data[i * n + i]!;
      return { shape: [n], data };
    },
    text: { kind: "call", name: "diag" },
    latex: { kind: "custom", print: latexCall("\\operatorname{diag}") },
    jvp: (_args, [du]) => (du === null ? null : E.call("diagVector", du)),
    transpose: (ct) => [E.call("diagMatrix", ct)],
    code: valueCode("diagOf", "diag", 1),
  },
} satisfies Record<string, OperatorDefinition>;
