// The WebAssembly kernels: matrix products, the shared-memory arena of resident matrices and the
// blocked factorizations on them; compiled on first use, and never imported by the symbolic core.
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
