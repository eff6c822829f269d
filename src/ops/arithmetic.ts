// Arithmetic operators: + - * / .* ./ ^ .^ unary minus and transpose, with scalar expansion (SPEC §1).
import { MatcalcError } from "../core/index.js";
import { mapTensor, matmulRaw, type Tensor, transposeRaw, zipTensors } from "../tensor/index.js";
import { elementwiseShape, failure } from "./shape-rules.js";
import { type OperatorDefinition, Precedence, type Printed, type ShapeRule } from "./types.js";

/** A vector is a one-column matrix for multiplication purposes. */
function asMatrixSizes(t: Tensor): [number, number] {
  if (t.shape.length === 2) return [t.shape[0]!, t.shape[1]!];
  if (t.shape.length === 1) return [t.shape[0]!, 1];
  return [1, 1];
}

function scale(t: Tensor, s: number): Tensor {
  return mapTensor(t, (x) => x * s);
}

const productShape: ShapeRule = (args, dims) => {
  const [a, b] = [args[0]!, args[1]!];
  const fail = failure((d) => `cannot multiply ${d(0)} by ${d(1)}`);
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  if (a.length === 2 && b.length === 1) {
    if (!dims.unify(a[1]!, b[0]!)) return fail;
    return dims.isOne(a[0]!) ? [] : [a[0]!];
  }
  if (a.length === 2 && b.length === 2) {
    if (!dims.unify(a[1]!, b[0]!)) return fail;
    return dims.isOne(a[0]!) && dims.isOne(b[1]!) ? [] : [a[0]!, b[1]!];
  }
  if (a.length === 1 && b.length === 2 && dims.isOne(b[0]!)) return [a[0]!, b[1]!];
  return fail;
};

const transposeShape: ShapeRule = (args, dims) => {
  const a = args[0]!;
  if (a.length === 0) return a;
  if (a.length === 1) return [dims.one(), a[0]!];
  if (dims.isOne(a[0]!)) return [a[1]!];
  return [a[1]!, a[0]!];
};

const scalarPowerShape: ShapeRule = (args) =>
  args[0]!.length === 0 && args[1]!.length === 0
    ? []
    : failure((d) => `^ is the power of a scalar, got ${d(0)} ^ ${d(1)}: use .^ for an element-wise power`);

const divisionShape: ShapeRule = (args) =>
  args[1]!.length === 0
    ? args[0]!
    : failure(
        (d) =>
          `cannot divide ${d(0)} by ${d(1)}: the divisor must be a scalar (use ./ for element-wise division)`,
      );

function latexWrap(p: Printed, needed: Precedence): string {
  return p.precedence < needed ? `\\left(${p.text}\\right)` : p.text;
}

const latexProduct = (args: readonly Printed[]): Printed => {
  const left = latexWrap(args[0]!, Precedence.Product);
  const right = latexWrap(args[1]!, Precedence.Product + 1);
  const separator = /^[\d.-]/.test(right) ? " \\cdot " : " ";
  return { text: `${left}${separator}${right}`, precedence: Precedence.Product };
};

export const arithmeticOperators = {
  add: {
    syntax: { kind: "binary", symbol: "+" },
    summary: "sum, with scalar expansion",
    shape: elementwiseShape((a, b) => `cannot add ${a} and ${b}`),
    evaluate: ([a, b]) => zipTensors(a!, b!, (x, y) => x + y),
    text: { kind: "infix", symbol: " + ", precedence: Precedence.Sum },
    latex: { kind: "infix", symbol: " + ", precedence: Precedence.Sum },
  },
  sub: {
    syntax: { kind: "binary", symbol: "-" },
    summary: "difference, with scalar expansion",
    shape: elementwiseShape((a, b) => `cannot subtract ${b} from ${a}`),
    evaluate: ([a, b]) => zipTensors(a!, b!, (x, y) => x - y),
    text: { kind: "infix", symbol: " - ", precedence: Precedence.Sum },
    latex: { kind: "infix", symbol: " - ", precedence: Precedence.Sum },
  },
  neg: {
    syntax: { kind: "prefix", symbol: "-" },
    summary: "negation",
    shape: (args) => args[0]!,
    evaluate: ([a]) => mapTensor(a!, (x) => -x),
    text: { kind: "prefix", symbol: "-", precedence: Precedence.Unary },
    latex: { kind: "prefix", symbol: "-", precedence: Precedence.Unary },
  },
  mul: {
    syntax: { kind: "binary", symbol: "*" },
    summary: "matrix product; a scalar factor scales",
    shape: productShape,
    evaluate: ([a, b]) => {
      if (a!.shape.length === 0) return scale(b!, a!.data[0]!);
      if (b!.shape.length === 0) return scale(a!, b!.data[0]!);
      const [m, k] = asMatrixSizes(a!);
      const [k2, n] = asMatrixSizes(b!);
      if (k !== k2) throw new MatcalcError("value", `inner sizes differ (${k} and ${k2})`);
      return { shape: [m, n], data: matmulRaw(a!.data, b!.data, m, k, n) };
    },
    text: { kind: "infix", symbol: "*", precedence: Precedence.Product },
    latex: { kind: "custom", print: latexProduct },
  },
  div: {
    syntax: { kind: "binary", symbol: "/" },
    summary: "division by a scalar",
    shape: divisionShape,
    evaluate: ([a, b]) => zipTensors(a!, b!, (x, y) => x / y),
    text: { kind: "infix", symbol: "/", precedence: Precedence.Product },
    latex: {
      kind: "custom",
      print: ([a, b]) => ({ text: `\\frac{${a!.text}}{${b!.text}}`, precedence: Precedence.Atom }),
    },
  },
  emul: {
    syntax: { kind: "binary", symbol: ".*" },
    summary: "element-wise (Hadamard) product",
    shape: elementwiseShape((a, b) => `cannot multiply ${a} and ${b} element-wise`),
    evaluate: ([a, b]) => zipTensors(a!, b!, (x, y) => x * y),
    text: { kind: "infix", symbol: " .* ", precedence: Precedence.Product },
    latex: { kind: "infix", symbol: " \\odot ", precedence: Precedence.Product },
  },
  ediv: {
    syntax: { kind: "binary", symbol: "./" },
    summary: "element-wise quotient",
    shape: elementwiseShape((a, b) => `cannot divide ${a} by ${b} element-wise`),
    evaluate: ([a, b]) => zipTensors(a!, b!, (x, y) => x / y),
    text: { kind: "infix", symbol: " ./ ", precedence: Precedence.Product },
    latex: { kind: "infix", symbol: " \\oslash ", precedence: Precedence.Product },
  },
  pow: {
    syntax: { kind: "binary", symbol: "^" },
    summary: "power of a scalar",
    shape: scalarPowerShape,
    evaluate: ([a, b]) => zipTensors(a!, b!, Math.pow),
    text: { kind: "infix", symbol: "^", precedence: Precedence.Power },
    latex: {
      kind: "custom",
      print: ([a, b]) => ({
        text: `${latexWrap(a!, Precedence.Atom)}^{${b!.text}}`,
        precedence: Precedence.Power,
      }),
    },
  },
  epow: {
    syntax: { kind: "binary", symbol: ".^" },
    summary: "element-wise power",
    shape: elementwiseShape((a, b) => `cannot raise ${a} to the power ${b} element-wise`),
    evaluate: ([a, b]) => zipTensors(a!, b!, Math.pow),
    text: { kind: "infix", symbol: ".^", precedence: Precedence.Power },
    latex: {
      kind: "custom",
      print: ([a, b]) => ({
        text: `${latexWrap(a!, Precedence.Atom)}^{\\circ ${b!.text}}`,
        precedence: Precedence.Power,
      }),
    },
  },
  transpose: {
    syntax: { kind: "postfix", symbol: "'" },
    summary: "transpose",
    shape: transposeShape,
    evaluate: ([a]) => {
      if (a!.shape.length < 2) return { shape: [1, a!.data.length], data: a!.data };
      const [rows, cols] = [a!.shape[0]!, a!.shape[1]!];
      return { shape: [cols, rows], data: transposeRaw(a!.data, rows, cols) };
    },
    text: { kind: "postfix", symbol: "'" },
    latex: {
      kind: "custom",
      print: ([a]) => ({ text: `${latexWrap(a!, Precedence.Atom)}^\\top`, precedence: Precedence.Postfix }),
    },
  },
} satisfies Record<string, OperatorDefinition>;
