// Float64 tensors and plain-loop linear algebra; knows no expressions and loads no WebAssembly.
export * from "./elementwise.js";
export * from "./linalg.js";
export * from "./tensor.js";
