// Generated code: a straight-line program over the derivative's DAG, printed for each target.
export { jsNameConflict, printJs } from "./js.js";
export {
  buildProgram,
  type Program,
  type ProgramInput,
  type ProgramOutput,
  type ProgramSpec,
} from "./program.js";
export { type PythonTarget, printPython, pythonNameConflict } from "./python.js";
