// Generated code for a request: the program, its text for every target, and compiled functions.
export {
  type Compiled,
  type CompiledFunction,
  type CompileOptions,
  compile,
} from "./compile.js";
export { type EmitOptions, type Emitted, emit, programFor, TARGETS, type Target } from "./emit.js";
