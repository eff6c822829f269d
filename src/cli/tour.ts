// `matcalc tour`: the worked examples of the "Matrix Calculus" lecture, each differentiated, printed
// in the lecture's notation and checked against finite differences at random values.
import { checkDerivative, differentiate, formatShape, LECTURE_EXAMPLES, toText } from "../api/index.js";
import type { CliIo } from "./io.js";

export function runTour(io: CliIo): number {
  io.stdout.write(
    "A tour of the lecture's worked examples (numerator layout, as the lecture writes them)\n\n",
  );
  let failures = 0;
  LECTURE_EXAMPLES.forEach((stop, k) => {
    const d = differentiate(stop.problem, stop.wrt, { order: stop.order ?? 1 });
    const check = checkDerivative(d.problem, d.wrt, { order: stop.order ?? 1, seed: k + 1 });
    if (!check.passed) failures++;
    const what = (stop.order ?? 1) === 1 ? `d/d${stop.wrt}` : `d^${stop.order}/d${stop.wrt}^${stop.order}`;
    const expression = toText(d.problem.expression);
    io.stdout.write(`${String(k + 1).padStart(2)}. ${stop.title}\n`);
    io.stdout.write(`    ${what} ${expression} = ${d.text}    (${formatShape(d.shape)})\n`);
    io.stdout.write(
      `    check: max relative error ${check.maxRelativeError.toExponential(1)} ${check.passed ? "✓" : "✗"}\n\n`,
    );
  });
  io.stdout.write(
    `${LECTURE_EXAMPLES.length - failures} of ${LECTURE_EXAMPLES.length} derivatives agree with finite differences.\n`,
  );
  return failures === 0 ? 0 : 1;
}
