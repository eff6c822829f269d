// The core vocabulary shared by every layer: shapes, diagnostics, errors.
export * from "./assert.js";
export * from "./diagnostic.js";
export * from "./shape.js";
export * from "./size.js";
