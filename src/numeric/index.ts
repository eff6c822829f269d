// Numbers: binding values, evaluating expressions.
export * from "./evaluate.js";
export * from "./values.js";
