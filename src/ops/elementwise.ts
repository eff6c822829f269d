// Element-wise functions (SPEC §1): exp log sin cos tan tanh sqrt abs sign sigmoid relu softplus step,
// and the binary max/min with scalar expansion.
import { mapTensor, zipTensors } from "../tensor/index.js";
import { elementwiseShape, sameShapeAsArgument } from "./shape-rules.js";
import { type OperatorDefinition, Precedence, type Printed } from "./types.js";

const latexCall = (name: string) => (args: readonly Printed[]) => ({
  text: `${name}\\left(${args.map((a) => a.text).join(", ")}\\right)`,
  precedence: Precedence.Atom,
});

function elementwise(
  name: string,
  summary: string,
  f: (x: number) => number,
  latex: string,
): OperatorDefinition {
  return {
    syntax: { kind: "function", name, arity: 1 },
    summary,
    shape: sameShapeAsArgument,
    evaluate: ([a]) => mapTensor(a!, f),
    text: { kind: "call", name },
    latex: { kind: "custom", print: latexCall(latex) },
  };
}

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

export const elementwiseOperators = {
  exp: elementwise("exp", "exponential", Math.exp, "\\exp"),
  log: elementwise("log", "natural logarithm", Math.log, "\\log"),
  sin: elementwise("sin", "sine", Math.sin, "\\sin"),
  cos: elementwise("cos", "cosine", Math.cos, "\\cos"),
  tan: elementwise("tan", "tangent", Math.tan, "\\tan"),
  tanh: elementwise("tanh", "hyperbolic tangent", Math.tanh, "\\tanh"),
  sqrt: {
    ...elementwise("sqrt", "square root", Math.sqrt, "\\sqrt"),
    latex: { kind: "custom", print: ([a]) => ({ text: `\\sqrt{${a!.text}}`, precedence: Precedence.Atom }) },
  },
  abs: {
    ...elementwise("abs", "absolute value", Math.abs, "\\operatorname{abs}"),
    latex: {
      kind: "custom",
      print: ([a]) => ({ text: `\\left|${a!.text}\\right|`, precedence: Precedence.Atom }),
    },
  },
  sign: elementwise("sign", "sign: −1, 0 or 1", (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), "\\operatorname{sign}"),
  sigmoid: elementwise("sigmoid", "logistic sigmoid 1/(1 + exp(−x))", sigmoid, "\\sigma"),
  relu: elementwise("relu", "max(0, x)", (x) => Math.max(x, 0), "\\operatorname{relu}"),
  softplus: elementwise("softplus", "log(1 + exp(x))", softplus, "\\operatorname{softplus}"),
  step: elementwise(
    "step",
    "1 where x > 0, else 0 (the derivative of relu)",
    (x) => (x > 0 ? 1 : 0),
    "\\operatorname{step}",
  ),
  max: {
    syntax: { kind: "function", name: "max", arity: 2 },
    summary: "element-wise maximum, with scalar expansion",
    shape: elementwiseShape((a, b) => `max needs operands of one shape (or a scalar), got ${a} and ${b}`),
    evaluate: ([a, b]) => zipTensors(a!, b!, Math.max),
    text: { kind: "call", name: "max" },
    latex: { kind: "custom", print: latexCall("\\max") },
  },
  min: {
    syntax: { kind: "function", name: "min", arity: 2 },
    summary: "element-wise minimum, with scalar expansion",
    shape: elementwiseShape((a, b) => `min needs operands of one shape (or a scalar), got ${a} and ${b}`),
    evaluate: ([a, b]) => zipTensors(a!, b!, Math.min),
    text: { kind: "call", name: "min" },
    latex: { kind: "custom", print: latexCall("\\min") },
  },
} satisfies Record<string, OperatorDefinition>;

export { latexCall };
