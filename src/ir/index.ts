// Immutable hash-consed expression nodes and iterative walks over them.
export * from "./node.js";
export * from "./traverse.js";
