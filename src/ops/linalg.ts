// Matrix functions (SPEC §1): tr, det, logdet, inv, and diag both ways (vector → diagonal matrix,
// square matrix → its diagonal). det/logdet/inv go through one LU factorization.
import { MatcalcError } from "../core/index.js";
import type { Node } from "../ir/index.js";
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

/** The largest |k| of X^k: its derivative has k terms, and its evaluation k products. */
export const MAX_MATRIX_POWER = 64;

/** X^k: X square, k a scalar (a whole number, which the checker holds to). */
const matrixPowerShape: ShapeRule = (args, dims) => {
  const [a, k] = [args[0]!, args[1]!];
  const fail = failure(
    (d) =>
      `^ of a matrix is the matrix power of a square matrix to a whole number, got ${d(0)} ^ ${d(1)}: write .^ for the power of each entry`,
  );
  if (dims.isOne(a[0]!) || dims.isOne(a[1]!))
    return failure(
      (d) =>
        `^ is the power of a scalar or of a square matrix, got ${d(0)} ^ ${d(1)}: write .^ for the power of each entry`,
    );
  if (a.length !== 2 || k.length !== 0) return fail;
  if (!dims.unify(a[0]!, a[1]!)) return fail;
  return a;
};

function identityData(n: number): Float64Array {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return data;
}

const diagMatrixShape: ShapeRule = (args) => {
  const a = args[0]!;
  if (a.length === 0) return []; // diag of a scalar is the scalar
  if (a.length !== 1) return failure((d) => `diag needs a vector or a square matrix, got ${d(0)}`);
  return [a[0]!, a[0]!];
};

export const linalgOperators = {
  tr: {
    aliases: ["trace"],
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
    domain: "positive-definite",
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
    aliases: ["inverse"],
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
  adj: {
    syntax: { kind: "function", name: "adj", arity: 1 },
    summary: "adjugate det(X)*inv(X) (here only where X is invertible)",
    shape: squareMatrix("adj", "same"),
    evaluate: ([a], _node, context) => {
      const factors = factorsOf(a!, context.linalg);
      if (factors.singular)
        throw new MatcalcError(
          "numeric",
          "the matrix is singular (the adjugate is computed as det(X)*inv(X))",
        );
      const det = luDeterminant(factors);
      return { shape: a!.shape, data: context.linalg.inverse(factors).map((v) => det * v) };
    },
    text: { kind: "call", name: "adj" },
    latex: { kind: "custom", print: latexCall("\\operatorname{adj}") },
    // adj(X) = det(X) inv(X): d adj = tr(inv(X) dX) adj(X) - adj(X) dX inv(X).
    jvp: ([x], [dx], node) => {
      if (dx === null) return null;
      const inverse = E.call("inv", x);
      return E.sub(E.mul(E.call("tr", E.mul(inverse, dx)), node), E.mul(E.mul(node, dx), inverse));
    },
    scalarForm: () => constant(1),
    code: valueCode("adj", "", 1, {
      numpy: "np.linalg.det(#) * np.linalg.inv(#)",
      torch: "torch.linalg.det(#) * torch.linalg.inv(#)",
      jax: "jnp.linalg.det(#) * jnp.linalg.inv(#)",
    }),
  },
  mpow: {
    syntax: {
      kind: "binary",
      symbol: "^",
      acceptsRanks: (ranks) => ranks[0] === 2,
      integerLiteralRight: { max: MAX_MATRIX_POWER },
    },
    summary: "matrix power X^k of a square matrix, k a whole number (X^-1 is inv(X))",
    shape: matrixPowerShape,
    evaluate: ([a, k], _node, context) => {
      const n = squareSize(a!);
      let result: Tensor = { shape: [n, n], data: identityData(n) };
      for (let i = 0; i < k!.data[0]!; i++)
        result = { shape: [n, n], data: context.linalg.matmul(result.data, a!.data, n, n, n) };
      return result;
    },
    text: { kind: "infix", symbol: "^", precedence: Precedence.Power },
    latex: {
      kind: "custom",
      print: ([a, k]) => ({
        text: `${a!.precedence < Precedence.Atom ? `\\left(${a!.text}\\right)` : a!.text}^{${k!.text}}`,
        precedence: Precedence.Power,
      }),
    },
    // d(X^k) = Σ_{i<k} X^i dX X^(k-1-i).
    jvp: ([x, k], [dx]) => {
      if (dx === null) return null;
      const power = k.attrs.value!;
      const terms: Node[] = [];
      for (let i = 0; i < power; i++) {
        const left = E.call("mpow", x, E.num(i));
        const right = E.call("mpow", x, E.num(power - 1 - i));
        terms.push(E.mul(E.mul(left, dx), right));
      }
      return terms.reduce((sum, term) => E.add(sum, term));
    },
    // X^-1 is inv(X), X^1 is X, X^0 is I, X^-k is inv(X)^k.
    canonical: ([x, k]) => {
      const power = k!.attrs.value;
      if (k!.op !== "const" || power === undefined || power >= 2) return null;
      if (power === 1) return x!;
      if (power === 0) return identity(x!.shape[0]!);
      if (power === -1) return E.call("inv", x!);
      return E.call("mpow", E.call("inv", x!), E.num(-power));
    },
    code: valueCode("mpow", "", 2, {
      numpy: "np.linalg.matrix_power(#0, int(#1))",
      torch: "torch.linalg.matrix_power(#0, int(#1))",
      jax: "jnp.linalg.matrix_power(#0, int(#1))",
    }),
  },
} satisfies Record<string, OperatorDefinition>;
