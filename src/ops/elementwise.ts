// Element-wise functions: exp log sin cos tan tanh cosh sinh arcsin arccos arctan log1p expm1 sqrt
// abs sign sigmoid relu softplus step, and the binary max/min with scalar expansion. Each entry is the whole operator: its
// kernel, printing, derivative and the code every target writes for it.

import { type Node, postorder } from "../ir/index.js";
import { mapTensor, zipTensors } from "../tensor/index.js";
import * as E from "./algebra.js";
import { mathCode } from "./code.js";
import { elementwiseShape, sameShapeAsArgument } from "./shape-rules.js";
import {
  type OperatorCode,
  type OperatorDefinition,
  Precedence,
  type Printed,
  type Tangent,
} from "./types.js";

const latexCall = (name: string) => (args: readonly Printed[]) => ({
  text: `${name}\\left(${args.map((a) => a.text).join(", ")}\\right)`,
  precedence: Precedence.Atom,
});

/**
 * An element-wise function f with its derivative f′ as an expression: the tangent is f′(u) .* du
 * (`derivative` returns null where f′ is zero almost everywhere, as for sign and step).
 */
function elementwise(
  name: string,
  summary: string,
  f: (x: number) => number,
  latex: string,
  derivative: (u: Node, fu: Node) => Node | null,
  code: OperatorCode = mathCode(name),
): OperatorDefinition {
  return {
    elementwise: true,
    code,
    jvp: ([u], [du], node) => {
      if (du === null) return null;
      const d = derivative(u, node);
      return d === null ? null : E.emul(d, du);
    },
    syntax: { kind: "function", name, arity: 1 },
    summary,
    shape: sameShapeAsArgument,
    evaluate: ([a]) => mapTensor(a!, f),
    text: { kind: "call", name },
    latex: { kind: "custom", print: latexCall(latex) },
  };
}

/**
 * The tangent of max(a, b) (and of min(a, b), with `d` = b − a instead of a − b). Against a numeric
 * operand (the 0 of max(0, z)) the other counts only where it strictly wins, so relu has derivative 0
 * at 0, as the lecture defines it. Otherwise a tie splits evenly, as JAX and PyTorch do — also when
 * one operand is merely held fixed, so that partial derivatives add up to the total one and
 * max(a, a) = a has derivative 1: (1 + sign(d))/2 · da + (1 − sign(d))/2 · db.
 */
function extremumTangent(a: Node, b: Node, da: Tangent, db: Tangent, kind: "max" | "min"): Tangent {
  const d = kind === "max" ? E.sub(a, b) : E.sub(b, a);
  const reversed = kind === "max" ? E.sub(b, a) : E.sub(a, b);
  const numeric = (n: Node) => postorder(n).every((m) => m.op !== "var");
  if (db === null && numeric(b)) return E.times(E.call("step", d), da);
  if (da === null && numeric(a)) return E.times(E.call("step", reversed), db);
  const s = E.call("sign", d);
  const half = (t: Node) => E.ediv(t, E.num(2));
  return E.plus(E.times(half(E.add(E.num(1), s)), da), E.times(half(E.sub(E.num(1), s)), db));
}

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const one = () => E.num(1);
/** 1/sqrt(1 - u.^2), the derivative of arcsin. */
const unitRoot = (u: Node) => E.ediv(one(), E.call("sqrt", E.sub(one(), E.pow(u, E.num(2)))));

export const elementwiseOperators = {
  exp: elementwise("exp", "exponential", Math.exp, "\\exp", (_u, fu) => fu),
  log: {
    ...elementwise("log", "natural logarithm", Math.log, "\\log", (u) => E.ediv(one(), u)),
    // log(sum(exp(u))) is logsumexp(u), where its definition is written out; log(softmax(u)) is
    // u − logsumexp(u), whose derivatives never divide by a softmax (which can underflow to 0).
    canonical: ([s]) => {
      const u = s!.args[0];
      if (s!.op === "sum" && u?.op === "exp" && u.shape.length === 1) return E.call("logsumexp", u.args[0]!);
      if (u === undefined) return null;
      if (s!.op === "softmax") return E.sub(u, E.call("logsumexp", u));
      if (s!.op === "softmaxCols")
        return E.sub(u, E.mul(E.ones(u.shape[0]!), E.call("logsumexpCols", u, s!.args[1]!)));
      if (s!.op === "softmaxRows")
        return E.sub(u, E.mul(E.call("logsumexpRows", u, s!.args[1]!), E.tr(E.ones(u.shape[1]!))));
      return null;
    },
    aliases: ["ln"],
    domain: "positive",
  },
  sin: elementwise("sin", "sine", Math.sin, "\\sin", (u) => E.call("cos", u)),
  cos: elementwise("cos", "cosine", Math.cos, "\\cos", (u) => E.neg(E.call("sin", u))),
  // 1 + tan(u)^2 rather than 1/cos(u)^2: the value already computed, and the shorter form.
  tan: elementwise("tan", "tangent", Math.tan, "\\tan", (_u, fu) => E.add(one(), E.pow(fu, E.num(2)))),
  tanh: elementwise("tanh", "hyperbolic tangent", Math.tanh, "\\tanh", (_u, fu) =>
    E.sub(one(), E.pow(fu, E.num(2))),
  ),
  cosh: elementwise("cosh", "hyperbolic cosine", Math.cosh, "\\cosh", (u) => E.call("sinh", u)),
  sinh: elementwise("sinh", "hyperbolic sine", Math.sinh, "\\sinh", (u) => E.call("cosh", u)),
  arcsin: {
    ...elementwise("arcsin", "inverse sine", Math.asin, "\\arcsin", (u) => unitRoot(u), {
      ...mathCode("asin"),
      numpy: "np.arcsin(#)",
      jax: "jnp.arcsin(#)",
    }),
    aliases: ["asin"],
    domain: "open-unit",
  },
  arccos: {
    ...elementwise("arccos", "inverse cosine", Math.acos, "\\arccos", (u) => E.neg(unitRoot(u)), {
      ...mathCode("acos"),
      numpy: "np.arccos(#)",
      jax: "jnp.arccos(#)",
    }),
    aliases: ["acos"],
    domain: "open-unit",
  },
  arctan: {
    ...elementwise(
      "arctan",
      "inverse tangent",
      Math.atan,
      "\\arctan",
      (u) => E.ediv(one(), E.add(one(), E.pow(u, E.num(2)))),
      { ...mathCode("atan"), numpy: "np.arctan(#)", jax: "jnp.arctan(#)" },
    ),
    aliases: ["atan"],
  },
  log1p: elementwise("log1p", "log(1 + x), exact for small x", Math.log1p, "\\operatorname{log1p}", (u) =>
    E.ediv(one(), E.add(one(), u)),
  ),
  expm1: elementwise("expm1", "exp(x) - 1, exact for small x", Math.expm1, "\\operatorname{expm1}", (u) =>
    E.call("exp", u),
  ),
  sqrt: {
    ...elementwise("sqrt", "square root", Math.sqrt, "\\sqrt", (_u, fu) => E.ediv(E.num(0.5), fu), {
      ...mathCode("sqrt"),
      exactInWasm: "sqrt",
    }),
    domain: "positive",
    latex: { kind: "custom", print: ([a]) => ({ text: `\\sqrt{${a!.text}}`, precedence: Precedence.Atom }) },
  },
  abs: {
    ...elementwise("abs", "absolute value", Math.abs, "\\operatorname{abs}", (u) => E.call("sign", u), {
      ...mathCode("abs"),
      exactInWasm: "abs",
    }),
    latex: {
      kind: "custom",
      print: ([a]) => ({ text: `\\left|${a!.text}\\right|`, precedence: Precedence.Atom }),
    },
  },
  sign: elementwise(
    "sign",
    "sign: −1, 0 or 1",
    (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
    "\\operatorname{sign}",
    () => null,
  ),
  sigmoid: elementwise(
    "sigmoid",
    "logistic sigmoid 1/(1 + exp(−x))",
    sigmoid,
    "\\sigma",
    (_u, fu) => E.emul(fu, E.sub(one(), fu)),
    {
      js: "sigmoid(#)",
      runtime: ["sigmoid"],
      numpy: "sigmoid(#)",
      numpyHelper: {
        name: "sigmoid",
        source: `def sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -x))`,
      },
      torch: "torch.sigmoid(#)",
      jax: "jax.nn.sigmoid(#)",
    },
  ),
  relu: elementwise(
    "relu",
    "max(0, x)",
    (x) => Math.max(x, 0),
    "\\operatorname{relu}",
    (u) => E.call("step", u),
    {
      js: "Math.max(#, 0)",
      numpy: "np.maximum(#, 0.0)",
      torch: "torch.relu(#)",
      jax: "jax.nn.relu(#)",
    },
  ),
  softplus: elementwise(
    "softplus",
    "log(1 + exp(x))",
    softplus,
    "\\operatorname{softplus}",
    (u) => E.call("sigmoid", u),
    {
      js: "softplus(#)",
      runtime: ["softplus"],
      numpy: "np.logaddexp(0.0, #)",
      torch: "torch.nn.functional.softplus(#)",
      jax: "jax.nn.softplus(#)",
    },
  ),
  step: elementwise(
    "step",
    "1 where x > 0, else 0 (the derivative of relu)",
    (x) => (x > 0 ? 1 : 0),
    "\\operatorname{step}",
    () => null,
    {
      js: "# > 0 ? 1 : 0",
      numpy: "np.heaviside(#, 0.0)",
      torch: "(# > 0).to(torch.float64)",
      jax: "jnp.heaviside(#, 0.0)",
      exactInWasm: "step",
    },
  ),
  max: {
    syntax: { kind: "function", name: "max", arity: 2 },
    summary: "element-wise maximum, with scalar expansion",
    shape: elementwiseShape((a, b) => `max needs operands of one shape (or a scalar), got ${a} and ${b}`),
    evaluate: ([a, b]) => zipTensors(a!, b!, Math.max),
    text: { kind: "call", name: "max" },
    latex: { kind: "custom", print: latexCall("\\max") },
    jvp: ([a, b], [da, db]) => extremumTangent(a, b, da, db, "max"),
    code: {
      js: "Math.max(#0, #1)",
      numpy: "np.maximum(#0, #1)",
      torch: "torch.maximum(#0, #1)",
      jax: "jnp.maximum(#0, #1)",
      exactInWasm: "max",
    },
  },
  min: {
    syntax: { kind: "function", name: "min", arity: 2 },
    summary: "element-wise minimum, with scalar expansion",
    shape: elementwiseShape((a, b) => `min needs operands of one shape (or a scalar), got ${a} and ${b}`),
    evaluate: ([a, b]) => zipTensors(a!, b!, Math.min),
    text: { kind: "call", name: "min" },
    latex: { kind: "custom", print: latexCall("\\min") },
    jvp: ([a, b], [da, db]) => extremumTangent(a, b, da, db, "min"),
    code: {
      js: "Math.min(#0, #1)",
      numpy: "np.minimum(#0, #1)",
      torch: "torch.minimum(#0, #1)",
      jax: "jnp.minimum(#0, #1)",
      exactInWasm: "min",
    },
  },
} satisfies Record<string, OperatorDefinition>;

export { latexCall };
