// Text → syntax tree with diagnostics. Imports only core.
export type * from "./ast.js";
export { syntaxChildren } from "./ast.js";
export { type Token, tokenize } from "./lexer.js";
export { MAX_NESTING, type ParseResult, parseProblem } from "./parser.js";
