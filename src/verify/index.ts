// The numeric check of a derivative: central differences and numeric forward and reverse AD.
export * from "./ad.js";
export * from "./check.js";
export * from "./compare.js";
