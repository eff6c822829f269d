// Generated code: a straight-line program over the derivative's DAG, printed for each target.
export { printJs } from "./js.js";
export {
  buildProgram,
  type Program,
  type ProgramInput,
  type ProgramOutput,
  type ProgramSpec,
} from "./program.js";
export { type PythonTarget, printPython } from "./python.js";
