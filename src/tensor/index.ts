// Float64 tensors and their kernels; knows no expressions.
export * from "./elementwise.js";
export * from "./linalg.js";
export {
  clear,
  isResident,
  type ResidentMatrix,
  releaseResident,
  residentAvailable,
  residentLoop,
  residentMatrix,
  residentMemory,
} from "./resident.js";
export * from "./tensor.js";
export {
  type KernelVariant,
  kernelVariant,
  type ProductJob,
  type SecondThread,
  sharedKernelBytes,
  useKernel,
  useSecondThread,
  type VectorJob,
} from "./wasm-gemm.js";
