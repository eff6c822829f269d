// One printer for every notation: it walks the expression bottom-up and asks each operator's
// template (text or LaTeX) how to combine its printed arguments, parenthesizing by the shared
// precedence table. Iterative, so very long expressions print without exhausting the stack.
import { MatcalcError } from "../core/index.js";
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

/**
 * The most characters a printed expression may have. An expression is a DAG and prints as a tree, so
 * its text can be far longer than the expression is large; past this the printer stops and says so.
 */
export const TEXT_LIMIT = 1_000_000;

/** The error for a text over `limit` characters. */
export function tooLargeToShow(what: string, limit: number): MatcalcError {
  return new MatcalcError(
    "limit",
    `${what} is too large to show (more than ${limit.toLocaleString("en-US")} characters); \`matcalc emit\` writes it as code`,
  );
}

function print(node: Node, notation: Notation, limit: number): Printed {
  const printed = foldRemembered<Printed>(node, notation.printed, (current, operands) => {
    const result = printOne(current, operands as readonly Printed[], notation);
    // Strings join as ropes, so the length is known without building the text.
    if (result.text.length > TEXT_LIMIT) throw tooLargeToShow("the expression", TEXT_LIMIT);
    return result;
  });
  if (printed.text.length > limit) throw tooLargeToShow("the expression", limit);
  return printed;
}

function printOne(current: Node, args: readonly Printed[], notation: Notation): Printed {
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
  return print(node, textNotation, TEXT_LIMIT).text;
}

/** The length of the expression's text: the cost by which the simplifier's search compares forms. */
export function printedLength(node: Node): number {
  return toText(node).length;
}

/** The expression as text, or an error of kind "limit" past `limit` characters. */
export function toTextWithin(node: Node, limit: number): string {
  return print(node, textNotation, limit).text;
}

/** The expression as LaTeX that KaTeX renders. */
export function toLatex(node: Node): string {
  return print(node, latexNotation, TEXT_LIMIT).text;
}
