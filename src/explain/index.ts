// Step-by-step derivations in the lecture's style.
export * from "./explain.js";
