// Reductions and the ML functions (SPEC §1): sum, mean, dot, norm2, norm1, softmax, logsumexp.
import { dotEntries, euclideanNorm, mapTensor, scalarTensor, sumEntries } from "../tensor/index.js";
import * as E from "./algebra.js";
import { entryCount, ones, sizeNode } from "./build.js";
import { numpyHelper, valueCode } from "./code.js";
import { latexCall } from "./elementwise.js";
import { failure, scalarResult, vectorArgument } from "./shape-rules.js";
import { type OperatorDefinition, Precedence, type ShapeRule } from "./types.js";

const dotShape: ShapeRule = (args, dims) => {
  const [a, b] = [args[0]!, args[1]!];
  const fail = failure((d) => `dot needs two vectors of one size, got ${d(0)} and ${d(1)}`);
  if (a.length !== 1 || b.length !== 1 || !dims.unify(a[0]!, b[0]!)) return fail;
  return [];
};

/** NumPy's stable softmax along an axis (a vector's is along axis 0). */
const SOFTMAX_AXIS = numpyHelper(
  "softmax_axis",
  `def softmax_axis(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)`,
);

/** NumPy's stable log-sum-exp along an axis (a vector's is along axis 0, a number). */
const LOGSUMEXP_AXIS = numpyHelper(
  "logsumexp_axis",
  `def logsumexp_axis(x, axis):
    top = np.max(x, axis=axis, keepdims=True)
    return np.squeeze(top, axis=axis) + np.log(np.sum(np.exp(x - top), axis=axis))`,
);

export const reductionOperators = {
  sum: {
    syntax: { kind: "function", name: "sum", arity: 1 },
    summary: "sum of all entries",
    shape: scalarResult,
    evaluate: ([a]) => scalarTensor(sumEntries(a!)),
    text: { kind: "call", name: "sum" },
    latex: { kind: "custom", print: latexCall("\\operatorname{sum}") },
    jvp: (_args, [du]) => (du === null ? null : E.call("sum", du)),
    transpose: (ct, [u]) => [E.broadcast(ct, u.shape)],
    code: valueCode("sum", "sum", 1, { jsOfNumber: "#" }),
  },
  mean: {
    syntax: { kind: "function", name: "mean", arity: 1 },
    summary: "mean of all entries, sum(a) divided by their number",
    shape: scalarResult,
    evaluate: ([a]) => scalarTensor(sumEntries(a!) / a!.data.length),
    text: { kind: "call", name: "mean" },
    latex: { kind: "custom", print: latexCall("\\operatorname{mean}") },
    jvp: (_args, [du]) => (du === null ? null : E.call("mean", du)),
    transpose: (ct, [u]) => [E.div(E.broadcast(ct, u.shape), entryCount(u.shape))],
    code: valueCode("mean", "mean", 1, { jsOfNumber: "#" }),
  },
  dot: {
    syntax: { kind: "function", name: "dot", arity: 2 },
    summary: "inner product of two vectors, x'*y",
    shape: dotShape,
    evaluate: ([a, b]) => scalarTensor(dotEntries(a!, b!)),
    text: { kind: "call", name: "dot" },
    latex: {
      kind: "custom",
      print: ([a, b]) => ({
        text: `\\left\\langle ${a!.text}, ${b!.text}\\right\\rangle`,
        precedence: Precedence.Atom,
      }),
    },
    jvp: ([u, v], [du, dv]) =>
      E.plus(du === null ? null : E.call("dot", du, v), dv === null ? null : E.call("dot", u, dv)),
    transpose: (ct, [u, v], [lu, lv]) => [lu ? E.mul(ct, v) : null, lv ? E.mul(ct, u) : null],
    code: valueCode("dot", "dot", 2),
  },
  norm2: {
    aliases: ["norm"],
    syntax: { kind: "function", name: "norm2", arity: 1 },
    summary: "Euclidean norm (Frobenius for a matrix)",
    shape: scalarResult,
    evaluate: ([a]) => scalarTensor(euclideanNorm(a!)),
    text: { kind: "call", name: "norm2" },
    latex: {
      kind: "custom",
      print: ([a], node) => ({
        text: `\\left\\|${a!.text}\\right\\|_${node.args[0]!.shape.length === 2 && node.args[0]!.shape[0] !== 1 ? "F" : "2"}`,
        precedence: Precedence.Atom,
      }),
    },
    // d‖u‖ = ⟨u, du⟩ / ‖u‖.
    jvp: ([u], [du], node) => {
      if (du === null) return null;
      const inner = u.shape.length === 1 ? E.call("dot", u, du) : E.call("sum", E.emul(u, du));
      return E.div(inner, node);
    },
    code: valueCode("norm2", "linalg.norm", 1, { jsOfNumber: "Math.abs(#)" }),
  },
  norm1: {
    syntax: { kind: "function", name: "norm1", arity: 1 },
    summary: "1-norm: the sum of absolute values",
    shape: scalarResult,
    evaluate: ([a]) => scalarTensor(sumEntries(mapTensor(a!, Math.abs))),
    text: { kind: "call", name: "norm1" },
    latex: {
      kind: "custom",
      print: ([a]) => ({ text: `\\left\\|${a!.text}\\right\\|_1`, precedence: Precedence.Atom }),
    },
    jvp: ([u], [du]) => (du === null ? null : E.call("sum", E.emul(E.call("sign", u), du))),
    code: valueCode("norm1", "", 1, {
      jsOfNumber: "Math.abs(#)",
      numpy: "np.sum(np.abs(#))",
      torch: "torch.sum(torch.abs(#))",
      jax: "jnp.sum(jnp.abs(#))",
    }),
  },
  softmax: {
    syntax: { kind: "function", name: "softmax", arity: 1 },
    summary: "exp(x) / sum(exp(x)), computed stably",
    shape: vectorArgument("softmax", "same"),
    evaluate: ([a]) => {
      const out = new Float64Array(a!.data.length);
      softmaxLine(a!.data, allEntries(a!.data.length), out);
      return { shape: a!.shape, data: out };
    },
    text: { kind: "call", name: "softmax" },
    latex: { kind: "custom", print: latexCall("\\operatorname{softmax}") },
    // d softmax(u) = s .* du − s (sᵀ du), with s = softmax(u).
    jvp: (_args, [du], s) => (du === null ? null : E.sub(E.emul(s, du), E.mul(s, E.mul(E.tr(s), du)))),
    code: valueCode("softmax", "", 1, {
      numpy: "softmax_axis(#, 0)",
      numpyHelper: SOFTMAX_AXIS,
      torch: "torch.softmax(#, 0)",
      jax: "jax.nn.softmax(#)",
    }),
  },
  logsumexp: {
    syntax: { kind: "function", name: "logsumexp", arity: 1 },
    summary: "log(sum(exp(x))), computed stably",
    shape: vectorArgument("logsumexp", "scalar"),
    evaluate: ([a]) => scalarTensor(logsumexpLine(a!.data, allEntries(a!.data.length))),
    text: { kind: "call", name: "logsumexp" },
    latex: { kind: "custom", print: latexCall("\\operatorname{logsumexp}") },
    jvp: ([u], [du]) => (du === null ? null : E.mul(E.tr(E.call("softmax", u)), du)),
    code: valueCode("logsumexp", "", 1, {
      numpy: "logsumexp_axis(#, 0)",
      numpyHelper: LOGSUMEXP_AXIS,
      torch: "torch.logsumexp(#, 0)",
      jax: "jax_logsumexp(#)",
    }),
  },
  sumCols: axisReduction(
    "sum",
    1,
    "the sum of each column, a row (Matlab's sum(X, 1), NumPy's X.sum(axis=0))",
  ),
  sumRows: axisReduction(
    "sum",
    2,
    "the sum of each row, a column vector (Matlab's sum(X, 2), NumPy's X.sum(axis=1))",
  ),
  meanCols: axisReduction("mean", 1, "the mean of each column, a row (mean(X, 1))"),
  meanRows: axisReduction("mean", 2, "the mean of each row, a column vector (mean(X, 2))"),
  softmaxCols: axisSoftmax(1),
  softmaxRows: axisSoftmax(2),
  logsumexpCols: axisLogsumexp(1),
  logsumexpRows: axisLogsumexp(2),
} satisfies Record<string, OperatorDefinition>;

/** The indices 0 … n−1: a vector's one line. */
function allEntries(n: number): number[] {
  return Array.from({ length: n }, (_, k) => k);
}

/** The largest of the entries at `line`, by a loop (NaN wins, so it propagates). */
function largestAt(data: Float64Array, line: readonly number[]): number {
  let top = Number.NEGATIVE_INFINITY;
  for (const k of line) top = data[k]! > top || Number.isNaN(data[k]!) ? data[k]! : top;
  return top;
}

/** The softmax of the entries at `line`, written there in `out`: shifted by their largest, so stable. */
function softmaxLine(data: Float64Array, line: readonly number[], out: Float64Array): void {
  const top = largestAt(data, line);
  let total = 0;
  for (const k of line) total += out[k] = Math.exp(data[k]! - top);
  for (const k of line) out[k]! /= total;
}

/** log(sum(exp(…))) of the entries at `line`, stably (±∞ and NaN as their largest entry). */
function logsumexpLine(data: Float64Array, line: readonly number[]): number {
  const top = largestAt(data, line);
  if (!Number.isFinite(top)) return top;
  let total = 0;
  for (const k of line) total += Math.exp(data[k]! - top);
  return top + Math.log(total);
}

/**
 * sum(X, k) and mean(X, k) along an axis, as Matlab numbers them: 1 adds down each column (a 1×n
 * row), 2 along each row (an m-vector). Linear: the tangent is the same reduction of the tangent, the
 * cotangent is spread back over the axis.
 */
function axisReduction(kind: "sum" | "mean", axis: 1 | 2, summary: string): OperatorDefinition {
  const op = `${kind}${axis === 1 ? "Cols" : "Rows"}`;
  const helper = `${kind}${axis === 1 ? "Cols" : "Rows"}`;
  const numpyAxis = axis - 1;
  return {
    syntax: {
      kind: "function",
      name: kind,
      arity: 2,
      acceptsRanks: (ranks) => ranks[0] === 2 && ranks[1] === 0,
      literals: { at: 1, values: [axis] },
    },
    summary,
    shape: (args, dims) => {
      const a = args[0]!;
      if (a.length !== 2 || args[1]!.length !== 0)
        return failure((d) => `${kind}(X, ${axis}) needs a matrix X, got ${d(0)}`);
      return axis === 1 ? [dims.one(), a[1]!] : [a[0]!];
    },
    evaluate: ([a]) => {
      const [m, n] = [a!.shape[0]!, a!.shape[1]!];
      const out = new Float64Array(axis === 1 ? n : m);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[axis === 1 ? j : i]! += a!.data[i * n + j]!;
      if (kind === "mean") for (let k = 0; k < out.length; k++) out[k]! /= axis === 1 ? m : n;
      return { shape: axis === 1 ? [1, n] : [m], data: out };
    },
    text: { kind: "call", name: kind },
    latex: { kind: "custom", print: latexCall(`\\operatorname{${kind}}`) },
    jvp: ([, k], [du]) => (du === null ? null : E.call(op, du, k)),
    transpose: (ct, [u]) => {
      const [m, n] = [u.shape[0]!, u.shape[1]!];
      const spread = axis === 1 ? E.mul(ones(m), ct) : E.mul(ct, E.tr(ones(n)));
      return [kind === "mean" ? E.div(spread, sizeNode(axis === 1 ? m : n)) : spread, null];
    },
    code: valueCode(helper, "", 2, {
      js: `${helper}(#0)`,
      numpy: `np.${kind}(#0, axis=${numpyAxis})`,
      torch: `torch.${kind}(#0, ${numpyAxis})`,
      jax: `jnp.${kind}(#0, axis=${numpyAxis})`,
    }),
  };
}

/** Each column (axis 1) or row (axis 2) of a matrix, as index lists into its row-major entries. */
function lines(m: number, n: number, axis: 1 | 2): number[][] {
  return axis === 1
    ? Array.from({ length: n }, (_, j) => Array.from({ length: m }, (_, i) => i * n + j))
    : Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => i * n + j));
}

/** The syntax of a function of a matrix and an axis, written as a number. */
function axisSyntax(name: string, axis: 1 | 2) {
  return {
    kind: "function" as const,
    name,
    arity: 2,
    acceptsRanks: (ranks: readonly number[]) => ranks[0] === 2 && ranks[1] === 0,
    literals: { at: 1, values: [axis] },
  };
}

/**
 * softmax(Z, k): the softmax of each column (k = 1) or row (k = 2), computed stably. With S its value,
 * dS = S .* dZ − S .* (the spread-back sum of S .* dZ along the axis).
 */
function axisSoftmax(axis: 1 | 2): OperatorDefinition {
  const sum = axis === 1 ? "sumCols" : "sumRows";
  return {
    syntax: axisSyntax("softmax", axis),
    summary: `the softmax of each ${axis === 1 ? "column" : "row"} (softmax(Z, ${axis})), computed stably`,
    shape: (args) => {
      const a = args[0]!;
      if (a.length !== 2 || args[1]!.length !== 0)
        return failure((d) => `softmax(Z, ${axis}) needs a matrix Z, got ${d(0)}`);
      return a;
    },
    evaluate: ([a]) => {
      const [m, n] = [a!.shape[0]!, a!.shape[1]!];
      const out = new Float64Array(m * n);
      for (const line of lines(m, n, axis)) softmaxLine(a!.data, line, out);
      return { shape: [m, n], data: out };
    },
    text: { kind: "call", name: "softmax" },
    latex: { kind: "custom", print: latexCall("\\operatorname{softmax}") },
    jvp: ([u, k], [du], s) => {
      if (du === null) return null;
      const weighted = E.emul(s, du);
      const along = E.call(sum, weighted, k);
      const spread = axis === 1 ? E.mul(ones(u.shape[0]!), along) : E.mul(along, E.tr(ones(u.shape[1]!)));
      return E.sub(weighted, E.emul(s, spread));
    },
    code: valueCode(`softmax${axis === 1 ? "Cols" : "Rows"}`, "", 2, {
      js: `softmax${axis === 1 ? "Cols" : "Rows"}(#0)`,
      numpy: `softmax_axis(#0, ${axis - 1})`,
      numpyHelper: SOFTMAX_AXIS,
      torch: `torch.softmax(#0, ${axis - 1})`,
      jax: `jax.nn.softmax(#0, axis=${axis - 1})`,
    }),
  };
}

/** logsumexp(Z, k) of each column (a row) or row (a vector); its tangent is the softmax-weighted sum. */
function axisLogsumexp(axis: 1 | 2): OperatorDefinition {
  const sum = axis === 1 ? "sumCols" : "sumRows";
  const softmax = axis === 1 ? "softmaxCols" : "softmaxRows";
  return {
    syntax: axisSyntax("logsumexp", axis),
    summary: `log(sum(exp(Z), ${axis})): of each ${axis === 1 ? "column, a row" : "row, a column vector"}, computed stably`,
    shape: (args, dims) => {
      const a = args[0]!;
      if (a.length !== 2 || args[1]!.length !== 0)
        return failure((d) => `logsumexp(Z, ${axis}) needs a matrix Z, got ${d(0)}`);
      return axis === 1 ? [dims.one(), a[1]!] : [a[0]!];
    },
    evaluate: ([a]) => {
      const [m, n] = [a!.shape[0]!, a!.shape[1]!];
      const out = lines(m, n, axis).map((line) => logsumexpLine(a!.data, line));
      return { shape: axis === 1 ? [1, n] : [m], data: Float64Array.from(out) };
    },
    text: { kind: "call", name: "logsumexp" },
    latex: { kind: "custom", print: latexCall("\\operatorname{logsumexp}") },
    jvp: ([u, k], [du]) => (du === null ? null : E.call(sum, E.emul(E.call(softmax, u, k), du), k)),
    code: valueCode(`logsumexp${axis === 1 ? "Cols" : "Rows"}`, "", 2, {
      js: `logsumexp${axis === 1 ? "Cols" : "Rows"}(#0)`,
      numpy: `logsumexp_axis(#0, ${axis - 1})`,
      numpyHelper: LOGSUMEXP_AXIS,
      torch: `torch.logsumexp(#0, ${axis - 1})`,
      jax: `jax_logsumexp(#0, axis=${axis - 1})`,
    }),
  };
}
