// Immutable hash-consed expression nodes and iterative walks over them.
export type * from "./index-form.js";
export * from "./node.js";
export * from "./traverse.js";
