// The operator registry: one entry per operator with its shape rule, kernel and printing templates.

export * as algebra from "./algebra.js";
export * from "./build.js";
export {
  asFraction,
  exactly,
  formatNumber,
  fractionText,
  GREEK_LETTERS,
  latexName,
} from "./names.js";
export * from "./registry.js";
export { blockAsSum, stackLayout } from "./stack.js";
export * from "./types.js";
