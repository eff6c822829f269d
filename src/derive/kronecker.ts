// The Kronecker form of a tensor derivative as text and LaTeX (when it has one): d vec(Y)/d vec(X)
// = B' ⊗ A for A*X*B by X, from the derivative in natural order. Where the layout transposes the
// derivative, each factor is transposed, (M ⊗ N)' = M' ⊗ N'.
import { kroneckerForm, type Layout, transposes } from "../calculus/index.js";
import type { IndexForm, Node } from "../ir/index.js";
import { apply, OPERATORS, type OperatorName } from "../ops/index.js";
import { toLatex, toText } from "../render/index.js";

/** Leaves, calls and their transposes need no brackets around them. */
function atomic(n: Node): boolean {
  if (n.op === "transpose") return atomic(n.args[0]!);
  return n.op === "var" || n.op === "identity" || OPERATORS[n.op as OperatorName].text.kind === "call";
}

/**
 * ⊗ binds as tightly as * and from the left, so a product or quotient on its left needs no brackets
 * (`V'*V ⊗ I` reads as `(V'*V) ⊗ I`) in the text; an element-wise one keeps them, to be read at a
 * glance.
 */
function bareOnTheLeft(n: Node): boolean {
  return atomic(n) || n.op === "mul" || n.op === "div";
}

export interface KroneckerDisplay {
  readonly text: string;
  readonly latex: string;
  /** Σ coefficient · Π scalars · (left ⊗ right), in the chosen layout. */
  readonly terms: ReadonlyArray<{ coefficient: number; scalars: readonly Node[]; left: Node; right: Node }>;
}

/** The Kronecker form of `natural` (the derivative's index form in natural order), in `layout`. */
export function kroneckerText(
  natural: IndexForm,
  expression: Node,
  variables: readonly Node[],
  order: number,
  layout: Layout,
  tidy: (node: Node) => Node,
): KroneckerDisplay | null {
  if (variables.length !== 1 || order > 2) return null;
  const variableShape = variables[0]!.shape;
  const outputShape = order === 1 ? expression.shape : expression.shape.length === 0 ? variableShape : null;
  if (outputShape === null) return null;
  const terms = kroneckerForm(natural, outputShape, variableShape);
  if (terms === null) return null;
  const transposed = transposes(layout, false);
  const side = (n: Node) => tidy(transposed ? apply("transpose", n) : n);
  const parts = terms.map((t) => {
    const [left, right] = [side(t.left), side(t.right)];
    const text = (n: Node, bare: (n: Node) => boolean) => (bare(n) ? toText(n) : `(${toText(n)})`);
    const latex = (n: Node, bare: (n: Node) => boolean) =>
      bare(n) ? toLatex(n) : `\\left(${toLatex(n)}\\right)`;
    const magnitude = Math.abs(t.coefficient);
    const head = [...(magnitude !== 1 ? [String(magnitude)] : []), ...t.scalars.map(toText)];
    const headLatex = [...(magnitude !== 1 ? [String(magnitude)] : []), ...t.scalars.map(toLatex)];
    const factor = `${text(left, bareOnTheLeft)} ⊗ ${text(right, atomic)}`;
    // In typeset mathematics ⊗ has no agreed binding against a product: brackets on both sides.
    const factorLatex = `${latex(left, atomic)} \\otimes ${latex(right, atomic)}`;
    return {
      negative: t.coefficient < 0,
      text: head.length === 0 ? factor : `${head.join("*")}*(${factor})`,
      latex: headLatex.length === 0 ? factorLatex : `${headLatex.join(" ")} \\left(${factorLatex}\\right)`,
    };
  });
  const join = (key: "text" | "latex") =>
    parts
      .map((part, k) =>
        k === 0 ? `${part.negative ? "-" : ""}${part[key]}` : ` ${part.negative ? "-" : "+"} ${part[key]}`,
      )
      .join("");
  const factors = terms.map((t) => ({
    coefficient: t.coefficient,
    scalars: t.scalars,
    left: side(t.left),
    right: side(t.right),
  }));
  return { text: join("text"), latex: join("latex"), terms: factors };
}
