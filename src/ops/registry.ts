// The operator registry: every operator of the language, by name, from the family files. The type
// OperatorName is derived from it, so a table keyed by OperatorName that misses one fails to compile.
import { arithmeticOperators } from "./arithmetic.js";
import { elementwiseOperators } from "./elementwise.js";
import { kronOperators } from "./kron.js";
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
  ...kronOperators,
  ...stackOperators,
} satisfies Record<string, OperatorDefinition>;

export type OperatorName = keyof typeof ALL_OPERATORS;

export const OPERATORS: Readonly<Record<OperatorName, OperatorDefinition>> = ALL_OPERATORS;

export const OPERATOR_NAMES = Object.keys(OPERATORS) as OperatorName[];

/** The definitions by name (looked up at every node built, so a Map rather than a property probe). */
const BY_NAME: ReadonlyMap<string, OperatorDefinition> = new Map(
  OPERATOR_NAMES.map((op) => [op, OPERATORS[op]]),
);

export function isOperatorName(name: string): name is OperatorName {
  return BY_NAME.has(name);
}

export function operator(name: string): OperatorDefinition {
  const definition = BY_NAME.get(name);
  if (definition === undefined) throw new Error(`unknown operator '${name}'`);
  return definition;
}

/** The operators spelled as each function name (their own, and their aliases). */
const BY_FUNCTION_NAME = new Map<string, OperatorName[]>();
for (const op of OPERATOR_NAMES) {
  const syntax = OPERATORS[op].syntax;
  const names = [...(syntax.kind === "function" ? [syntax.name] : []), ...(OPERATORS[op].aliases ?? [])];
  for (const name of names) {
    const list = BY_FUNCTION_NAME.get(name);
    if (list) list.push(op);
    else BY_FUNCTION_NAME.set(name, [op]);
  }
}

/** How many arguments a call of the operator takes (a postfix or prefix operator's one). */
export function callArity(op: OperatorName): number {
  const syntax = OPERATORS[op].syntax;
  return syntax.kind === "function" ? syntax.arity : syntax.kind === "binary" ? 2 : 1;
}

/** Operators spelled as the function `name` (diag has two, told apart by the argument's rank). */
export function functionOperators(name: string): OperatorName[] {
  return [...(BY_FUNCTION_NAME.get(name) ?? [])];
}

export const FUNCTION_NAMES: ReadonlySet<string> = new Set(BY_FUNCTION_NAME.keys());

/** Operators by how they are written with a symbol: `binary *`, `prefix -`, `postfix '`. */
const BY_SYMBOL = new Map<string, OperatorName[]>();
for (const op of OPERATOR_NAMES) {
  const syntax = OPERATORS[op].syntax;
  if (syntax.kind === "binary" || syntax.kind === "prefix" || syntax.kind === "postfix") {
    const key = `${syntax.kind} ${syntax.symbol}`;
    BY_SYMBOL.set(key, [...(BY_SYMBOL.get(key) ?? []), op]);
  }
}

/**
 * The operator written with a binary, prefix or postfix symbol, for operands of these ranks: where
 * several share the symbol (^ of a scalar, ^ of a square matrix), the one whose syntax accepts them.
 */
export function symbolOperator(
  kind: "binary" | "prefix" | "postfix",
  symbol: string,
  ranks: readonly number[] = [],
): OperatorName {
  const found = BY_SYMBOL.get(`${kind} ${symbol}`);
  if (!found) throw new Error(`no ${kind} operator '${symbol}'`);
  const accepts = (op: OperatorName) => {
    const syntax = OPERATORS[op].syntax;
    return syntax.kind !== "binary" || syntax.acceptsRanks === undefined || syntax.acceptsRanks(ranks);
  };
  return found.find(accepts) ?? found[0]!;
}

/** The element-wise functions of one argument: exp, log, sin, …, step. */
export const ELEMENTWISE_FUNCTIONS: ReadonlySet<string> = new Set(
  OPERATOR_NAMES.filter((op) => OPERATORS[op].elementwise === true),
);
