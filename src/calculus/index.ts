// Derivatives: forward and reverse mode over the operators' rules, Jacobians in matrix form, and
// index notation where no matrix form exists.
export { coefficientOf, NoMatrixForm } from "./coefficient.js";
export * from "./derivative.js";
export { IndexNames, indexDerivative, indexView, lowerLinear } from "./index-form.js";
export { type KroneckerTerm, kroneckerForm } from "./kronecker.js";
export * from "./layout.js";
export { dependsOn, jvp, transposeLinear } from "./linearize.js";
