// Syntax tree → IR: names, default typing, declarations, shape inference by unification.
export { type CheckedProblem, type CheckResult, checkProblem, type VariableInfo } from "./checker.js";
export { defaultKind, RESERVED_NAMES } from "./typing.js";
