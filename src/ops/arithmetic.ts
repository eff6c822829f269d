// Arithmetic operators: + - * / .* ./ ^ .^ unary minus and transpose, with scalar expansion (SPEC §1).
import { MatcalcError } from "../core/index.js";
import type { Node } from "../ir/index.js";
import { mapTensor, type Tensor, transposeRaw, zipTensors } from "../tensor/index.js";
import * as E from "./algebra.js";
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
    : failure(
        (d) =>
          `^ is the power of a scalar or of a square matrix, got ${d(0)} ^ ${d(1)}: write .^ for the power of each entry (x.^2), or x'*x for a vector's squared norm`,
      );

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

/** Whether a node is the all-ones vector: `ones`, or `vector(1)` as the checker builds it (1*ones). */
function isOnesVector(n: Node): boolean {
  if (n.op === "ones") return true;
  const [s, o] = [n.args[0], n.args[1]];
  return n.op === "mul" && s?.op === "const" && s.attrs.value === 1 && o?.op === "ones";
}

/** `v ± ones` as `v ± 1` (and `ones ± v` as `1 ± v`) for a vector v; null where neither is ones. */
function onesAsNumber(op: "add" | "sub", u: Node, v: Node): Node | null {
  if (u.shape.length !== 1 || v.shape.length !== 1) return null;
  if (isOnesVector(v) && !isOnesVector(u)) return E.call(op, u, E.num(1));
  if (isOnesVector(u) && !isOnesVector(v)) return E.call(op, E.num(1), v);
  return null;
}

export const arithmeticOperators = {
  add: {
    syntax: { kind: "binary", symbol: "+" },
    summary: "sum, with scalar expansion",
    shape: elementwiseShape((a, b) => `cannot add ${a} and ${b}`),
    evaluate: ([a, b]) => zipTensors(a, b, (x, y) => x + y),
    text: { kind: "infix", symbol: " + ", precedence: Precedence.Sum },
    latex: { kind: "infix", symbol: " + ", precedence: Precedence.Sum },
    jvp: (_args, [du, dv], node) => E.plus(E.spread(du, node.shape), E.spread(dv, node.shape)),
    transpose: (ct, [u, v], [lu, lv]) => [lu ? E.unbroadcast(ct, u) : null, lv ? E.unbroadcast(ct, v) : null],
    // v + ones is v + 1 (scalar expansion): one spelling of one sum, whichever was typed.
    canonical: ([u, v]) => onesAsNumber("add", u!, v!),
  },
  sub: {
    syntax: { kind: "binary", symbol: "-" },
    summary: "difference, with scalar expansion",
    shape: elementwiseShape((a, b) => `cannot subtract ${b} from ${a}`),
    evaluate: ([a, b]) => zipTensors(a, b, (x, y) => x - y),
    text: { kind: "infix", symbol: " - ", precedence: Precedence.Sum },
    latex: { kind: "infix", symbol: " - ", precedence: Precedence.Sum },
    jvp: (_args, [du, dv], node) => E.minus(E.spread(du, node.shape), E.spread(dv, node.shape)),
    transpose: (ct, [u, v], [lu, lv]) => [
      lu ? E.unbroadcast(ct, u) : null,
      lv ? E.unbroadcast(E.neg(ct), v) : null,
    ],
    canonical: ([u, v]) => onesAsNumber("sub", u!, v!),
  },
  neg: {
    syntax: { kind: "prefix", symbol: "-" },
    summary: "negation",
    shape: (args) => args[0]!,
    evaluate: ([a]) => mapTensor(a, (x) => -x),
    text: { kind: "prefix", symbol: "-", precedence: Precedence.Unary },
    latex: { kind: "prefix", symbol: "-", precedence: Precedence.Unary },
    jvp: (_args, [du]) => (du === null ? null : E.neg(du)),
    transpose: (ct) => [E.neg(ct)],
  },
  mul: {
    syntax: { kind: "binary", symbol: "*" },
    summary: "matrix product; a scalar factor scales",
    shape: productShape,
    evaluate: ([a, b], _node, context) => {
      if (a.shape.length === 0) return scale(b, a.data[0]!);
      if (b.shape.length === 0) return scale(a, b.data[0]!);
      const [m, k] = asMatrixSizes(a);
      const [k2, n] = asMatrixSizes(b);
      if (k !== k2) throw new MatcalcError("value", `inner sizes differ (${k} and ${k2})`);
      return { shape: [m, n], data: context.linalg.matmul(a.data, b.data, m, k, n) };
    },
    text: { kind: "infix", symbol: "*", precedence: Precedence.Product },
    latex: { kind: "custom", print: latexProduct },
    // d(uv) = du·v + u·dv, for matrix products and scalar scaling alike.
    jvp: ([u, v], [du, dv]) => E.plus(du === null ? null : E.mul(du, v), dv === null ? null : E.mul(u, dv)),
    transpose: (ct, [u, v], [lu, lv]) => {
      const scalars = u.shape.length === 0 && v.shape.length === 0;
      // A scalar factor's cotangent is ⟨ct, other⟩: vᵀct for a vector, ct·vᵀ for a row, a sum otherwise.
      const inner = (c: Node, w: Node) =>
        w.shape.length === 1
          ? E.mul(E.tr(w), c)
          : w.shape[0] === 1
            ? E.mul(c, E.tr(w))
            : E.call("sum", E.emul(c, w));
      const toU = () =>
        scalars || v.shape.length === 0
          ? E.mul(ct, v)
          : u.shape.length === 0
            ? inner(ct, v)
            : E.mul(ct, E.tr(v));
      const toV = () =>
        scalars || u.shape.length === 0
          ? E.mul(u, ct)
          : v.shape.length === 0
            ? inner(ct, u)
            : E.mul(E.tr(u), ct);
      return [lu ? toU() : null, lv ? toV() : null];
    },
  },
  div: {
    syntax: { kind: "binary", symbol: "/" },
    summary: "division by a scalar",
    shape: divisionShape,
    evaluate: ([a, b]) => zipTensors(a, b, (x, y) => x / y),
    text: { kind: "infix", symbol: "/", precedence: Precedence.Product },
    latex: {
      kind: "custom",
      print: ([a, b]) => ({ text: `\\frac{${a!.text}}{${b!.text}}`, precedence: Precedence.Atom }),
    },
    // d(u/s) = du/s − (u/s)·ds/s.
    jvp: ([, s], [du, ds], node) =>
      E.minus(du === null ? null : E.div(du, s), ds === null ? null : E.mul(E.div(node, s), ds)),
    transpose: (ct, [, s], [lu]) => [lu ? E.div(ct, s) : null, null],
    // exp(u)/sum(exp(u)) is softmax(u), where its definition is written out.
    canonical: ([a, b]) =>
      a!.op === "exp" && a!.shape.length === 1 && b!.op === "sum" && b!.args[0] === a
        ? E.call("softmax", a!.args[0]!)
        : null,
  },
  emul: {
    syntax: { kind: "binary", symbol: ".*" },
    summary: "element-wise (Hadamard) product",
    shape: elementwiseShape((a, b) => `cannot multiply ${a} and ${b} element-wise`),
    evaluate: ([a, b]) => zipTensors(a, b, (x, y) => x * y),
    text: { kind: "infix", symbol: " .* ", precedence: Precedence.Product },
    latex: { kind: "infix", symbol: " \\odot ", precedence: Precedence.Product },
    jvp: ([u, v], [du, dv]) => E.plus(du === null ? null : E.emul(du, v), dv === null ? null : E.emul(u, dv)),
    transpose: (ct, [u, v], [lu, lv]) => [
      lu ? E.unbroadcast(E.emul(ct, v), u) : null,
      lv ? E.unbroadcast(E.emul(u, ct), v) : null,
    ],
    // A number times an array element-wise is the ordinary scaling: s .* x is s*x.
    // (In the order written: generated size names follow the order of first appearance.)
    canonical: ([u, v]) => ((u!.shape.length === 0) !== (v!.shape.length === 0) ? E.mul(u!, v!) : null),
  },
  ediv: {
    syntax: { kind: "binary", symbol: "./" },
    summary: "element-wise quotient",
    shape: elementwiseShape((a, b) => `cannot divide ${a} by ${b} element-wise`),
    evaluate: ([a, b]) => zipTensors(a, b, (x, y) => x / y),
    text: { kind: "infix", symbol: " ./ ", precedence: Precedence.Product },
    latex: { kind: "infix", symbol: " \\oslash ", precedence: Precedence.Product },
    // d(u/v) = du/v − u·dv/v².
    jvp: ([u, v], [du, dv]) =>
      E.minus(
        du === null ? null : E.ediv(du, v),
        dv === null ? null : E.ediv(E.emul(u, dv), E.pow(v, E.num(2))),
      ),
    transpose: (ct, [u, v], [lu]) => [lu ? E.unbroadcast(E.ediv(ct, v), u) : null, null],
    // An array over a number element-wise is the ordinary division: x ./ s is x/s.
    canonical: ([u, v]) => (v!.shape.length === 0 && u!.shape.length > 0 ? E.div(u!, v!) : null),
  },
  pow: {
    // A matrix's power is mpow's (linalg.ts).
    syntax: { kind: "binary", symbol: "^", acceptsRanks: (ranks) => ranks[0] !== 2 },
    summary: "power of a scalar",
    shape: scalarPowerShape,
    evaluate: ([a, b]) => zipTensors(a, b, Math.pow),
    text: { kind: "infix", symbol: "^", precedence: Precedence.Power },
    latex: {
      kind: "custom",
      print: ([a, b]) => ({
        text: `${latexWrap(a!, Precedence.Atom)}^{${b!.text}}`,
        precedence: Precedence.Power,
      }),
    },
    // d(a^b) = b·a^(b−1)·da + a^b·log(a)·db.
    jvp: ([a, b], [da, db], node) =>
      E.plus(E.times(E.mul(b, E.pow(a, E.sub(b, E.num(1)))), da), E.times(E.mul(node, E.call("log", a)), db)),
  },
  epow: {
    syntax: { kind: "binary", symbol: ".^" },
    summary: "element-wise power",
    shape: elementwiseShape((a, b) => `cannot raise ${a} to the power ${b} element-wise`),
    evaluate: ([a, b]) => zipTensors(a, b, Math.pow),
    text: { kind: "infix", symbol: ".^", precedence: Precedence.Power },
    latex: {
      kind: "custom",
      print: ([a, b]) => ({
        text: `${latexWrap(a!, Precedence.Atom)}^{\\circ ${b!.text}}`,
        precedence: Precedence.Power,
      }),
    },
    jvp: ([a, b], [da, db], node) =>
      E.plus(
        E.times(E.emul(b, E.pow(a, E.sub(b, E.num(1)))), E.spread(da, node.shape)),
        E.times(E.emul(node, E.call("log", a)), E.spread(db, node.shape)),
      ),
  },
  transpose: {
    aliases: ["transpose"],
    syntax: { kind: "postfix", symbol: "'" },
    summary: "transpose",
    shape: transposeShape,
    evaluate: ([a]) => {
      if (a.shape.length < 2) return { shape: [1, a.data.length], data: a.data };
      const [rows, cols] = [a.shape[0]!, a.shape[1]!];
      return { shape: [cols, rows], data: transposeRaw(a.data, rows, cols) };
    },
    text: { kind: "postfix", symbol: "'" },
    latex: {
      kind: "custom",
      print: ([a]) => ({ text: `${latexWrap(a!, Precedence.Atom)}^\\top`, precedence: Precedence.Postfix }),
    },
    jvp: (_args, [du]) => (du === null ? null : E.tr(du)),
    transpose: (ct) => [E.tr(ct)],
  },
} satisfies Record<string, OperatorDefinition>;
