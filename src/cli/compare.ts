// `matcalc compare`: is this answer the derivative? Says in which layout it is, or how it differs —
// the other layout, a constant factor, a missing symmetric part, a missing or extra term, the shape —
// with a counterexample. Exit 0 when equal, 1 when not, 2 on bad usage.
import { type Comparison, compareAnswer, loadProblem } from "../api/index.js";
import { parseOrder } from "./diff.js";
import { formatTensor, tensorJson } from "./format.js";
import { type CliIo, EXIT_BAD_INPUT, EXIT_OK, UsageError } from "./io.js";
import type { Options } from "./main.js";

export function runCompare(source: string, options: Options, io: CliIo): number {
  const v = options.values;
  if (v.wrt === undefined) throw new UsageError("compare needs --wrt VARIABLE");
  if (v.wrt.includes(",")) throw new UsageError("compare checks the derivative by one variable at a time");
  if (v.answer === undefined) throw new UsageError('compare needs --answer "EXPRESSION"');
  const comparison = compareAnswer(loadProblem(source), v.wrt, v.answer, { order: parseOrder(v.order) });
  io.stdout.write(v.json ? `${JSON.stringify(comparisonJson(comparison))}\n` : comparisonText(comparison));
  return comparison.equal ? EXIT_OK : EXIT_BAD_INPUT;
}

function comparisonJson(c: Comparison): Record<string, unknown> {
  const { counterexample, ...rest } = c;
  return counterexample === undefined
    ? rest
    : {
        ...rest,
        counterexample: {
          values: counterexample.values,
          expected: tensorJson(counterexample.expected),
          answer: tensorJson(counterexample.answer),
        },
      };
}

const indented = (text: string) =>
  text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");

export function comparisonText(c: Comparison): string {
  const lines = [c.message];
  if (!c.equal && c.verdict !== "different" && c.verdict !== "symmetric-only")
    lines.push(`the derivative${c.layout ? ` (${c.layout} layout)` : ""}: ${c.derivative}`);
  if (c.counterexample) {
    lines.push("counterexample:");
    for (const [name, value] of Object.entries(c.counterexample.values))
      lines.push(`  ${name} = ${JSON.stringify(value)}`);
    lines.push(`  derivative:\n${indented(formatTensor(c.counterexample.expected))}`);
    lines.push(`  answer:\n${indented(formatTensor(c.counterexample.answer))}`);
  }
  lines.push(
    `(compared at ${c.points} random points of random sizes${c.symbolic ? ", and symbolically" : ""})`,
  );
  return `${lines.join("\n")}\n`;
}
