// A problem and its derivative per request: the loaded problem with its values, the Derivative
// (text, LaTeX, index form, numbers) and its Kronecker display.
export * from "./derivative.js";
export * from "./kronecker.js";
export * from "./problem.js";
