// The public API of matcalc: a facade over the folders that load, derive, check, emit and train.
export type { VariableInfo } from "../check/index.js";
export {
  type Diagnostic,
  formatDiagnostic,
  formatShape,
  isMatcalcError,
  MatcalcError,
  type Shape,
  type SourceSpan,
} from "../core/index.js";
export {
  type Analysis,
  analyze,
  asProblem,
  CONVENTIONS,
  type Derivative,
  type DifferentiateOptions,
  declarationOf,
  differentiate,
  differentiateEach,
  evaluateProblem,
  formatError,
  inLayout,
  KRONECKER_CONVENTION,
  LAYOUTS,
  type Layout,
  leadingForm,
  loadProblem,
  type Problem,
  type ShapeReport,
  type SymmetricConvention,
  shapeReport,
  shownOrWhy,
  sizeSymbols,
} from "../derive/index.js";
export {
  type Compiled,
  type CompiledFunction,
  type CompileOptions,
  compile,
  type EmitOptions,
  type Emitted,
  emit,
  TARGETS,
  type Target,
} from "../emit/index.js";
export type { Node } from "../ir/index.js";
export {
  isResident,
  kernelVariant,
  type ResidentMatrix,
  releaseResident,
  residentAvailable,
  residentMatrix,
} from "../kernels/index.js";
export { linePlotSvg, type PlotOptions, sparkline } from "../plot/plot.js";
export { toLatex, toText } from "../render/index.js";
export type { Tensor } from "../tensor/index.js";
export { toNested } from "../tensor/index.js";
export {
  createTrainer,
  type GradientCheck,
  NEURON_PROBLEM,
  type NeuronData,
  neuronData,
  type Optimizer,
  type Trainer,
  type TrainOptions,
  type TrainState,
  train,
} from "../train/index.js";
export {
  CHECK_DIRECTIONS,
  CHECK_ENTRIES,
  type CheckOptions,
  type CheckReport,
  type CompareOptions,
  type Comparison,
  type Counterexample,
  checkDerivative,
  checkResult,
  compareAnswer,
  compareWithDerivative,
  POINT_KINDS,
  type PointKind,
  randomValues,
  type Verdict,
} from "../verify/index.js";
export { COOKBOOK_EXAMPLES, type Example, LECTURE_EXAMPLES } from "./examples.js";
export {
  type ExplainOptions,
  type Explanation,
  explain,
  explanationJson,
  explanationMarkdown,
  explanationText,
  type Mode,
} from "./explain.js";
export { syntaxTreeText } from "./tree.js";
