// Float64 tensors and their kernels; knows no expressions.
export * from "./elementwise.js";
export * from "./linalg.js";
export * from "./tensor.js";
export { type ProductJob, type SecondThread, sharedKernelBytes, useSecondThread } from "./wasm-gemm.js";
