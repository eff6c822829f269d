// `matcalc steps`: the derivation as a teacher writes it on the board — intermediate variables, local
// derivatives, the chain forward or backward, substitution and simplification, and the cost.
import {
  explain,
  explanationJson,
  explanationMarkdown,
  explanationText,
  loadProblem,
  type Mode,
} from "../api/index.js";
import { layoutOption } from "./diff.js";
import { tensorJson } from "./format.js";
import { type CliIo, EXIT_OK, readValues, UsageError } from "./io.js";
import type { Options } from "./main.js";

export function runSteps(source: string, options: Options, io: CliIo): number {
  const v = options.values;
  if (v.wrt === undefined) throw new UsageError("steps needs --wrt VARIABLE");
  if (v.wrt.includes(",")) throw new UsageError("steps explains one variable at a time");
  const mode = (v.mode ?? "forward") as Mode;
  if (mode !== "forward" && mode !== "backward")
    throw new UsageError(`--mode takes forward or backward, got '${v.mode}'`);
  const layout = layoutOption(v.layout);
  const format = v.format ?? "text";
  if (format !== "text" && format !== "markdown")
    throw new UsageError(`--format takes text or markdown, got '${v.format}'`);
  const explanation = explain(loadProblem(source), v.wrt, { mode, layout });
  if (v.json) {
    const out = explanationJson(explanation);
    if (v.at !== undefined) out.value = tensorJson(explanation.result.evaluate(readValues(v.at)));
    io.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    io.stdout.write(format === "markdown" ? explanationMarkdown(explanation) : explanationText(explanation));
  }
  return EXIT_OK;
}
