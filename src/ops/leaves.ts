// Leaves: variables, numeric constants, the identity I and the all-ones vector (SPEC §1).
import { MatcalcError } from "../core/index.js";
import { filledTensor, identityTensor, scalarTensor, zerosTensor } from "../tensor/index.js";
import { asFraction, formatNumber, fractionText, latexName, latexNumber } from "./names.js";
import { type OperatorDefinition, Precedence } from "./types.js";

const atom = (text: string) => ({ text, precedence: Precedence.Atom });
const constantTangent = () => null;
const noShapeRule = () => {
  throw new Error("leaves get their shape from the checker");
};

export const leafOperators = {
  var: {
    syntax: { kind: "leaf" },
    summary: "a variable",
    shape: noShapeRule,
    evaluate: (_args, node, context) => context.variable(node.attrs.name!),
    text: { kind: "custom", print: (_args, node) => atom(node.attrs.name!) },
    latex: { kind: "custom", print: (_args, node) => atom(latexName(node.attrs.name!, node.shape.length)) },
    // The variable being differentiated is seeded by the calculus layer; any other is a constant.
    jvp: constantTangent,
  },
  const: {
    syntax: { kind: "leaf" },
    summary: "a number (or the named constant pi)",
    shape: noShapeRule,
    evaluate: (_args, node) => scalarTensor(node.attrs.value!),
    text: {
      kind: "custom",
      print: (_args, node) => {
        if (node.attrs.symbol !== undefined) return atom(node.attrs.symbol);
        const value = node.attrs.value!;
        // A fraction reads as a quotient, bracketed inside anything tighter than a sum: (1/3)*x^(-2/3).
        const fraction = fractionText(value);
        if (fraction !== null) return { text: fraction, precedence: Precedence.Sum };
        return { text: formatNumber(value), precedence: value < 0 ? Precedence.Unary : Precedence.Atom };
      },
    },
    latex: {
      kind: "custom",
      print: (_args, node) => {
        if (node.attrs.symbol !== undefined) return atom(`\\${node.attrs.symbol}`);
        const value = node.attrs.value!;
        const fraction = asFraction(value);
        if (fraction !== null && fractionText(value) !== null) {
          const frac = `\\frac{${Math.abs(fraction[0])}}{${fraction[1]}}`;
          return value < 0 ? { text: `-${frac}`, precedence: Precedence.Unary } : atom(frac);
        }
        const text = latexNumber(value);
        // 4.9 \cdot 10^{-324} is a product: a power or a transpose of it needs parentheses.
        const precedence =
          value < 0 ? Precedence.Unary : text.includes("\\cdot") ? Precedence.Product : Precedence.Atom;
        return { text, precedence };
      },
    },
    jvp: constantTangent,
  },
  identity: {
    syntax: { kind: "leaf" },
    summary: "the identity matrix I, its size taken from context",
    shape: noShapeRule,
    evaluate: (_args, node, context) => identityTensor(sizeOrFail(node.shape[0]!, "I", context.size)),
    text: { kind: "custom", print: () => atom("I") },
    latex: { kind: "custom", print: () => atom("I") },
    jvp: constantTangent,
  },
  ones: {
    syntax: { kind: "leaf" },
    summary: "the all-ones column vector, its size taken from context",
    shape: noShapeRule,
    evaluate: (_args, node, context) => filledTensor([sizeOrFail(node.shape[0]!, "ones", context.size)], 1),
    text: { kind: "custom", print: () => atom("ones") },
    latex: { kind: "custom", print: () => atom("\\mathbf{1}") },
    jvp: constantTangent,
  },
  size: {
    syntax: { kind: "leaf" },
    summary: "a size of the problem as a number (the n of mean(x) = sum(x)/n)",
    shape: noShapeRule,
    evaluate: (_args, node, context) =>
      scalarTensor(sizeOrFail(node.attrs.name!, node.attrs.name!, context.size)),
    text: { kind: "custom", print: (_args, node) => atom(node.attrs.name!) },
    latex: { kind: "custom", print: (_args, node) => atom(node.attrs.name!) },
    jvp: constantTangent,
  },
  zeros: {
    syntax: { kind: "leaf" },
    summary: "a zero scalar, vector or matrix (what a vanishing derivative is)",
    shape: noShapeRule,
    evaluate: (_args, node, context) => zerosTensor(node.shape.map((d) => sizeOrFail(d, "0", context.size))),
    text: { kind: "custom", print: () => atom("0") },
    latex: { kind: "custom", print: (_args, node) => atom(node.shape.length === 0 ? "0" : "\\mathbf{0}") },
    jvp: constantTangent,
  },
} satisfies Record<string, OperatorDefinition>;

function sizeOrFail(dim: string | number, what: string, size: (d: string | number) => number): number {
  try {
    return size(dim);
  } catch {
    throw new MatcalcError("value", `cannot tell the size of ${what}: no value fixes its size ${dim}`);
  }
}
