// Index notation in text and LaTeX: T[i,j,k] = Σ_a A[i,a] δ[a,j] x[k] + …

import { MatcalcError } from "../core/index.js";
import type { IndexFactor, IndexForm, IndexTerm, Node } from "../ir/index.js";
import { formatNumber, OPERATORS, type OperatorName } from "../ops/index.js";
import { TEXT_LIMIT, toLatex, toText } from "./printer.js";

/** The most terms index notation shows; a larger form is still computed, evaluated and emitted. */
export const INDEX_TERMS_SHOWN = 2000;

function tooLarge(detail: string): MatcalcError {
  return new MatcalcError("limit", `too large to show in index notation (${detail})`);
}

/** A leaf or a function call can take an index directly; anything else is bracketed first. */
function isAtomic(node: Node): boolean {
  if (node.op === "var" || node.op === "identity" || node.op === "ones") return true;
  if (node.op === "const") return (node.attrs.value ?? 0) >= 0;
  return OPERATORS[node.op as OperatorName].text.kind === "call";
}

/**
 * A transposed matrix indexed [i,j] is the matrix indexed [j,i]: `A[j,i]`, not `(A')[i,j]` (a leaf or
 * call under the transpose; anything else keeps its brackets).
 */
function untransposed(factor: Extract<IndexFactor, { kind: "tensor" }>): {
  node: Node;
  indices: readonly string[];
} {
  const { node, indices } = factor;
  const inner = node.op === "transpose" ? node.args[0]! : null;
  if (inner !== null && indices.length === 2 && inner.shape.length === 2 && isAtomic(inner))
    return { node: inner, indices: [indices[1]!, indices[0]!] };
  return { node, indices };
}

function indexedText(factor: IndexFactor): string {
  switch (factor.kind) {
    case "delta":
      return `δ[${factor.indices.join(",")}]`;
    case "unit":
      return `[${factor.indices[0]}=${factor.position + 1}]`;
    case "tensor": {
      const { node, indices } = untransposed(factor);
      const text = toText(node);
      const shown = isAtomic(node) ? text : `(${text})`;
      return indices.length === 0 ? shown : `${shown}[${indices.join(",")}]`;
    }
  }
}

function indexedLatex(factor: IndexFactor): string {
  switch (factor.kind) {
    case "delta":
      return `\\delta_{${factor.indices.join("")}}`;
    case "unit":
      return `[${factor.indices[0]} = ${factor.position + 1}]`;
    case "tensor": {
      const { node, indices } = untransposed(factor);
      const text = toLatex(node);
      const shown = isAtomic(node) ? text : `\\left(${text}\\right)`;
      return indices.length === 0 ? shown : `${shown}_{${indices.join("")}}`;
    }
  }
}

function termText(term: IndexTerm, first: boolean, latex: boolean): string {
  const sign = term.coefficient < 0 ? "-" : first ? "" : "+";
  const magnitude = Math.abs(term.coefficient);
  const parts: string[] = [];
  if (magnitude !== 1 || term.factors.length === 0) parts.push(formatNumber(magnitude));
  for (const f of term.factors) parts.push(latex ? indexedLatex(f) : indexedText(f));
  const sum =
    term.summed.length === 0 ? "" : latex ? `\\sum_{${term.summed.join("")}} ` : `Σ_${term.summed.join("")} `;
  const body = `${sum}${parts.join(latex ? " " : " ")}`;
  return first ? `${sign}${body}`.trimStart() : ` ${sign} ${body}`;
}

/** `head = term + term …`, within the limits of what is shown. */
function written(form: IndexForm, head: string, latex: boolean): string {
  if (form.terms.length === 0) return `${head} = 0`;
  // (Formatted only for a message: the first number formatted for a locale loads its data.)
  const count = () => form.terms.length.toLocaleString("en-US");
  if (form.terms.length > INDEX_TERMS_SHOWN) throw tooLarge(`${count()} terms`);
  let text = `${head} = `;
  for (const [k, term] of form.terms.entries()) {
    text += termText(term, k === 0, latex);
    if (text.length > TEXT_LIMIT)
      throw tooLarge(`${count()} terms, more than ${TEXT_LIMIT.toLocaleString("en-US")} characters`);
  }
  return text;
}

/** `T[i,j] = …` with the given tensor name. */
export function indexFormText(form: IndexForm, name = "T"): string {
  return written(form, `${name}[${form.indices.join(",")}]`, false);
}

export function indexFormLatex(form: IndexForm, name = "T"): string {
  return written(form, `${name}_{${form.indices.join("")}}`, true);
}
