// `matcalc diff`: the derivative in compact notation, its shape and layout, and optionally its
// numbers and a finite-difference check.
import {
  type CheckReport,
  CONVENTIONS,
  checkResult,
  type Derivative,
  differentiateEach,
  formatShape,
  isMatcalcError,
  LAYOUTS,
  type Layout,
  leadingForm,
  loadProblem,
  shownOrWhy,
} from "../api/index.js";
import { formatTensor, tensorJson } from "./format.js";
import { type CliIo, EXIT_BAD_INPUT, EXIT_OK, readValues, UsageError } from "./io.js";
import type { Options } from "./main.js";

export function parseOrder(text: string | undefined): number {
  if (text === undefined) return 1;
  const order = Number(text);
  if (!Number.isInteger(order) || order < 1 || order > 8)
    throw new UsageError(`--order takes a whole number from 1 to 8, got '${text}'`);
  return order;
}

export function choice<T extends string>(
  name: string,
  text: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text))
    throw new UsageError(`--${name} takes ${allowed.join(", ")}, got '${text}'`);
  return text as T;
}

/** The --layout option, checked (one place for every command that takes it). */
export function layoutOption(text: string | undefined): Layout {
  return choice("layout", text, LAYOUTS) ?? "numerator";
}

/** The --symmetric option, checked. */
export function symmetricOption(text: string | undefined) {
  return choice("symmetric", text, CONVENTIONS);
}

function describe(d: Derivative, heading: string | null): string {
  const by = d.wrt.join(",");
  const what = d.order === 1 ? `derivative by ${by}` : `derivative of order ${d.order} by ${by}`;
  return `${what} — ${d.layout} layout, ${formatShape(d.shape)}${heading === null ? "" : `, ${heading}`}`;
}

export function runDiff(source: string, options: Options, io: CliIo): number {
  const v = options.values;
  if (v.wrt === undefined) throw new UsageError("diff needs --wrt VARIABLE");
  const order = parseOrder(v.order);
  const layout = layoutOption(v.layout);
  const symmetric = symmetricOption(v.symmetric);
  const problem = loadProblem(source);
  // Several scalars stack into one Jacobian; several variables of other shapes get one each.
  const derivatives = differentiateEach(
    problem,
    v.wrt,
    symmetric ? { order, layout, symmetric } : { order, layout },
  );
  const values = v.at === undefined ? undefined : readValues(v.at);
  const results = derivatives.map((d) => report(d, values, v, io));
  if (v.json) {
    const [only] = results;
    io.stdout.write(
      `${JSON.stringify(results.length === 1 ? only!.json : { derivatives: results.map((r) => r.json) })}\n`,
    );
  }
  for (const r of results) {
    if (r.checkFailure !== undefined) io.stderr.write(`error: no check at these values: ${r.checkFailure}\n`);
    else if (r.check && !r.check.passed)
      io.stderr.write(
        `error: the numbers of the derivative by ${r.wrt} disagree with the check at these values (see above)\n`,
      );
  }
  const failed = results.some((r) => (r.check && !r.check.passed) || r.checkFailure !== undefined);
  return failed ? EXIT_BAD_INPUT : EXIT_OK;
}

/** One derivative's value and check, written as text (JSON is gathered by the caller). */
function report(
  derivative: Derivative,
  values: unknown,
  v: Options["values"],
  io: CliIo,
): { json: Record<string, unknown>; check?: CheckReport; checkFailure?: string; wrt: string } {
  // Without --at, a check with no point where it can be made is skipped, and says why: it never
  // hides a derivative. At given values it is a failure there.
  const value = values === undefined ? undefined : derivative.evaluate(values);
  // A check that cannot be made (the function is not defined near these values) is reported after
  // the derivative, which stands on its own.
  let check: CheckReport | undefined;
  let checkFailure: string | undefined;
  let checkSkipped: string | undefined;
  if (v.check) {
    try {
      check = checkResult(
        derivative,
        values !== undefined ? { values: values as Record<string, unknown> } : {},
      );
    } catch (error) {
      if (!isMatcalcError(error)) throw error;
      if (values === undefined) checkSkipped = error.message;
      else checkFailure = error.message;
    }
  }
  // A tensor with a Kronecker form leads with it; its index form comes beside it.
  const lead = leadingForm(derivative);
  const text = shownOrWhy(lead.text);
  // The LaTeX and index forms are made only when the JSON is written (getters): plain text needs
  // neither, and the command answers sooner without them.
  let latex: ReturnType<typeof shownOrWhy> | undefined;
  const latexOf = () => {
    latex ??= shownOrWhy(lead.latex);
    return latex;
  };
  const json: Record<string, unknown> = {
    text: text.text,
    get latex() {
      return latexOf().text;
    },
    shape: derivative.shape,
    layout: derivative.layout,
    order: derivative.order,
    wrt: derivative.wrt,
    notation: derivative.kronecker === null ? derivative.kind : "kronecker",
    get index() {
      return derivative.index;
    },
    get notes() {
      return [...derivative.notes, ...new Set([text.why, latexOf().why].filter((w) => w !== null))];
    },
  };
  if (value) json.value = tensorJson(value);
  if (check)
    json.check = {
      maxRelativeError: check.maxRelativeError,
      reverseModeError: check.reverseModeError,
      forwardModeError: check.forwardModeError,
      passed: check.passed,
      tolerance: check.tolerance,
      method: check.method,
      probes: check.probes,
      unresolved: check.unresolved,
      notes: check.notes,
    };
  if (checkFailure !== undefined) json.check = { passed: false, error: checkFailure };
  if (checkSkipped !== undefined) json.check = { skipped: true, reason: checkSkipped };
  const wrt = derivative.wrt.join(",");
  const outcome = {
    json,
    wrt,
    ...(check ? { check } : {}),
    ...(checkFailure !== undefined ? { checkFailure } : {}),
  };
  if (v.json) return outcome;
  io.stdout.write(`${describe(derivative, lead.heading)}\n`);
  const shown = v.latex ? latexOf() : text;
  io.stdout.write(`  ${shown.text ?? `(${shown.why})`}\n`);
  if (lead.beside !== null) {
    const beside = shownOrWhy(v.latex ? lead.beside.latex : lead.beside.text);
    io.stdout.write(`  index notation: ${beside.text ?? `(${beside.why})`}\n`);
  }
  for (const note of derivative.notes) io.stdout.write(`note: ${note}\n`);
  if (value)
    io.stdout.write(
      `value:\n${value.shape.length === 0 ? `  ${formatTensor(value)}` : formatTensor(value)}\n`,
    );
  if (checkFailure !== undefined) io.stdout.write(`check: not possible at these values: ${checkFailure}\n`);
  if (checkSkipped !== undefined) io.stdout.write(`check: skipped — ${checkSkipped}\n`);
  if (check) {
    const verdict = check.passed ? "passed" : "FAILED";
    const along = check.method === "directions" ? ` (along ${check.probes} random directions)` : "";
    io.stdout.write(
      `check: max relative error ${check.maxRelativeError.toExponential(2)} against central finite differences${along}${
        check.reverseModeError === null
          ? ""
          : `, ${check.reverseModeError.toExponential(2)} against reverse-mode AD`
      }${
        check.forwardModeError === null
          ? ""
          : `, ${check.forwardModeError.toExponential(2)} against forward-mode AD`
      } (${verdict})\n`,
    );
    for (const note of check.notes) io.stdout.write(`check note: ${note}\n`);
  }
  return outcome;
}
