// One printer for every notation: it walks the expression bottom-up and asks each operator's
// template (text or LaTeX) how to combine its printed arguments, parenthesizing by the shared
// precedence table. Iterative, so very long expressions print without exhausting the stack.
import { foldRemembered, type Node, type NodeMemo, nodeMemo } from "../ir/index.js";
import { OPERATORS, type OperatorName, Precedence, type Printed, type PrintTemplate } from "../ops/index.js";

export interface Notation {
  readonly template: (op: OperatorName) => PrintTemplate;
  readonly wrap: (text: string) => string;
  /**
   * Each node's printed form, kept on the node: a node is immutable, so it prints the same every
   * time, and a derivation that prints many expressions sharing subexpressions (the terms of an index
   * form, say) prints each subexpression once.
   */
  readonly printed: NodeMemo<Printed>;
}

function print(node: Node, notation: Notation): Printed {
  return foldRemembered<Printed>(node, notation.printed, (current, operands) => {
    const args = operands as readonly Printed[];
    const template = notation.template(current.op as OperatorName);
    const wrap = (p: Printed, needsAbove: Precedence) =>
      p.precedence > needsAbove ? p.text : notation.wrap(p.text);
    switch (template.kind) {
      case "infix": {
        const p = template.precedence;
        const left = wrap(args[0]!, p - 1);
        // Right operands bind one step tighter (left associativity); a negation there is bracketed
        // for the reader even where the grammar would not need it.
        const rightArg = args[1]!;
        const right =
          rightArg.precedence === Precedence.Unary ? notation.wrap(rightArg.text) : wrap(rightArg, p);
        return { text: `${left}${template.symbol}${right}`, precedence: p };
      }
      case "prefix":
        return {
          text: `${template.symbol}${wrap(args[0]!, template.precedence)}`,
          precedence: template.precedence,
        };
      case "postfix":
        return {
          text: `${wrap(args[0]!, Precedence.Postfix - 1)}${template.symbol}`,
          precedence: Precedence.Postfix,
        };
      case "call":
        return {
          text: `${template.name}(${args.map((a) => a.text).join(", ")})`,
          precedence: Precedence.Atom,
        };
      case "custom":
        return template.print(args, current);
    }
  });
}

const textNotation: Notation = {
  template: (op) => OPERATORS[op].text,
  wrap: (text) => `(${text})`,
  printed: nodeMemo(),
};

const latexNotation: Notation = {
  template: (op) => OPERATORS[op].latex,
  wrap: (text) => `\\left(${text}\\right)`,
  printed: nodeMemo(),
};

/** The expression in matcalc's input syntax: parsing and checking it gives the same expression back. */
export function toText(node: Node): string {
  return print(node, textNotation).text;
}

/** The expression as LaTeX that KaTeX renders. */
export function toLatex(node: Node): string {
  return print(node, latexNotation).text;
}
