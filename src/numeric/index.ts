// Numbers: binding values, evaluating expressions.
export * from "./evaluate.js";
export * from "./index-eval.js";
export * from "./values.js";
