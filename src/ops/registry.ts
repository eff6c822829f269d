// The operator registry: every operator of the language, by name, from the family files. The type
// OperatorName is derived from it, so a table keyed by OperatorName that misses one fails to compile.
import { arithmeticOperators } from "./arithmetic.js";
import { elementwiseOperators } from "./elementwise.js";
import { leafOperators } from "./leaves.js";
import { linalgOperators } from "./linalg.js";
import { reductionOperators } from "./reductions.js";
import { stackOperators } from "./stack.js";
import type { OperatorDefinition } from "./types.js";

const ALL_OPERATORS = {
  ...leafOperators,
  ...arithmeticOperators,
  ...elementwiseOperators,
  ...reductionOperators,
  ...linalgOperators,
  ...stackOperators,
} satisfies Record<string, OperatorDefinition>;

export type OperatorName = keyof typeof ALL_OPERATORS;

export const OPERATORS: Readonly<Record<OperatorName, OperatorDefinition>> = ALL_OPERATORS;

export const OPERATOR_NAMES = Object.keys(OPERATORS) as OperatorName[];

export function isOperatorName(name: string): name is OperatorName {
  return Object.hasOwn(OPERATORS, name);
}

export function operator(name: string): OperatorDefinition {
  if (!isOperatorName(name)) throw new Error(`unknown operator '${name}'`);
  return OPERATORS[name];
}

/** Operators spelled as the function `name` (diag has two, told apart by the argument's rank). */
export function functionOperators(name: string): OperatorName[] {
  return OPERATOR_NAMES.filter((op) => {
    const syntax = OPERATORS[op].syntax;
    return syntax.kind === "function" && syntax.name === name;
  });
}

export const FUNCTION_NAMES: ReadonlySet<string> = new Set(
  OPERATOR_NAMES.flatMap((op) => {
    const syntax = OPERATORS[op].syntax;
    return syntax.kind === "function" ? [syntax.name] : [];
  }),
);

/** The operator written with a binary, prefix or postfix symbol. */
export function symbolOperator(kind: "binary" | "prefix" | "postfix", symbol: string): OperatorName {
  const found = OPERATOR_NAMES.find((op) => {
    const syntax = OPERATORS[op].syntax;
    return syntax.kind === kind && syntax.symbol === symbol;
  });
  if (!found) throw new Error(`no ${kind} operator '${symbol}'`);
  return found;
}

/** The element-wise functions of one argument: exp, log, sin, …, step. */
export const ELEMENTWISE_FUNCTIONS: ReadonlySet<string> = new Set(
  OPERATOR_NAMES.filter((op) => OPERATORS[op].elementwise === true),
);
