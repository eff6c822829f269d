// The `matcalc` command line: tour, parse, shape, eval, diff, steps, emit, train and compare.
// Everything it prints goes through the public API; errors are one line plus a caret, never a trace.
import { parseArgs } from "node:util";
import {
  evaluateProblem,
  formatError,
  isMatcalcError,
  loadProblem,
  shapeReport,
  syntaxTreeText,
} from "../api/index.js";
import { runCompare } from "./compare.js";
import { runDiff } from "./diff.js";
import { runEmit } from "./emit.js";
import { describeShapeOfValue, formatTensor, tensorJson } from "./format.js";
import {
  type CliIo,
  EXIT_BAD_INPUT,
  EXIT_OK,
  EXIT_USAGE,
  InputError,
  readProblem,
  readValues,
  UsageError,
} from "./io.js";
import { runSteps } from "./steps.js";
import { runTour } from "./tour.js";
import { runTrain } from "./train.js";

const PROBLEM_HELP = `PROBLEM is one argument: optional declarations, then the expression, separated by newlines or
commas (for example "A: matrix(n, n), x: vector(n), x'*A*x"); '-' reads it from standard input,
and --file F reads it from a file.`;

const COMMANDS: Record<string, { summary: string; usage: string; help: string }> = {
  tour: {
    summary: "the lecture's worked examples, differentiated and checked",
    usage: "matcalc tour",
    help: "Differentiates each worked example of the Matrix Calculus lecture, prints the result in the\nlecture's notation with its shape, and checks it against finite differences.",
  },
  parse: {
    summary: "show the syntax tree of a problem",
    usage: "matcalc parse PROBLEM [--file F]",
    help: "Prints the declarations and the expression's syntax tree.",
  },
  shape: {
    summary: "infer the type of every name and of the result",
    usage: "matcalc shape PROBLEM [--file F] [--json]",
    help: "Infers every size by unification: undeclared names are typed by their first letter\n(a-g scalar, h-z vector, A-Z matrix), declarations win.",
  },
  diff: {
    summary: "differentiate: gradient, Jacobian, Hessian, any order, any layout",
    usage:
      "matcalc diff PROBLEM --wrt v[,w] [--order k] [--layout numerator|denominator|mixed]\n       [--symmetric projection|cookbook] [--at values.json] [--check] [--json] [--latex]",
    help: [
      "Differentiates the expression by v. Several scalars v,w are stacked into one vector (one",
      "Jacobian); several variables of other shapes (--wrt W,b) get one derivative each (with --json,",
      'a list: {"derivatives": [...]}).',
      "--order k       the k-th derivative (2 for a Hessian)",
      "--layout L      numerator (default, as in the lecture), denominator (gradients in the",
      "                variable's shape, the Matrix Cookbook's), or mixed (matrixcalculus.org's)",
      "--symmetric C   for a symmetric matrix variable: projection (default, (G + G')/2) or",
      "                cookbook (G + G' - G .* I)",
      "--at FILE       also evaluate the derivative at these values (JSON, or inline {...})",
      "--check         compare with central finite differences at --at values (or random ones)",
      "--latex         print LaTeX instead of matcalc syntax",
      "--json          one JSON object: text, latex, shape, layout (and value, check)",
    ].join("\n"),
  },
  steps: {
    summary: "the derivation step by step: intermediates, local derivatives, chain rule",
    usage:
      "matcalc steps PROBLEM --wrt v [--mode forward|backward] [--layout L] [--format text|markdown] [--json] [--at values.json]",
    help: [
      "Writes the derivation as the lecture does: one intermediate variable per operation with its local",
      "derivative, the chain rule applied forward (from the variable) or backward (from the result), the",
      "product written in the intermediates, the substitution back and every simplification by rule name,",
      "and the scalar multiplications each order costs. --format markdown gives Markdown with LaTeX;",
      "--json gives one object (with --at, the derivative's value too).",
    ].join("\n"),
  },
  emit: {
    summary: "generated code for the value and derivatives: ts, js, numpy, torch, jax",
    usage:
      "matcalc emit PROBLEM --wrt v[,w] [--target ts|js|numpy|torch|jax] [--order k] [--layout L]\n       [--symmetric C] [--name f] [--out FILE]",
    help: [
      "Writes one function that takes the variables and returns the value and, for each variable named",
      "by --wrt, its derivatives up to --order (2 adds the Hessian) in the chosen layout: d_w, d2_w, …",
      "The inputs' shapes are checked, common subexpressions are computed once, and a header names the",
      "problem, each derivative with its formula, shape and layout. TypeScript is the default target;",
      "js is the same without types; numpy, torch and jax write Python.",
      "--name f        the function's name (default: derivatives)",
      "--out FILE      write the code to FILE instead of standard output",
    ].join("\n"),
  },
  train: {
    summary: "train a scalar problem by gradient descent or Adam (default: the lecture's neuron)",
    usage:
      "matcalc train [PROBLEM --params w,b --data file.json|file.csv] [--optimizer adam|gd] [--lr r]\n       [--steps k] [--check-every k] [--plot loss.svg] [--seed s]",
    help: [
      "Minimizes a scalar problem over the --params variables with the compiled symbolic gradient.",
      "Without a PROBLEM it trains the lecture's ReLU neuron C(w, b) = mean((y - max(0, X'*w + b)).^2)",
      "on 200 samples made from a known w and b (X holds the samples as columns, as in the lecture).",
      "--data F        values of the other variables: JSON by name, or CSV with a header (a column per",
      "                vector; X_1, X_2, … for the columns of a matrix X; one sample per line)",
      "--optimizer O   adam (default) or gd (plain gradient descent)",
      "--lr r          learning rate (default 0.05 for Adam, 0.1 for gradient descent)",
      "--steps k       number of steps (default 500)",
      "--check-every k compare the gradient with reverse-mode AD every k steps (default 50; 0: never)",
      "--plot F        where to write the loss curve as SVG (default loss.svg)",
      "--seed s        seed of the starting values (default 1)",
    ].join("\n"),
  },
  compare: {
    summary: "check an answer: is it the derivative, in which layout, or how does it differ",
    usage: 'matcalc compare PROBLEM --wrt v --answer "EXPRESSION" [--order k] [--json]',
    help: [
      "Compares an answer written by hand with the derivative by v: equal in numerator or denominator",
      "layout, or what is wrong — a constant factor, a part that holds only for a symmetric matrix, a",
      "missing or extra term, the shape — with a counterexample (values, the derivative and the answer",
      "there). Equality is decided by numbers at several random points, each of its own random sizes.",
      "The answer may use the problem's variables and its sizes (as in ones'/n); with --order k it is",
      "the k-th derivative (a Hessian for 2). Exit 0 when equal, 1 when not; --json gives one object.",
    ].join("\n"),
  },
  eval: {
    summary: "evaluate a problem at given values",
    usage: "matcalc eval PROBLEM --at values.json [--file F] [--json]",
    help: 'Values are JSON: a scalar is a number, a vector a flat array, a matrix an array of rows:\n{"A": [[1, 2], [3, 4]], "x": [1, -1]}. With --json the result is {"value": {"shape", "data"}}.',
  },
};

/** Options that several commands take, declared once. */
const text = { type: "string" } as const;
const flag = { type: "boolean" } as const;
const DERIVATIVE = { wrt: text, layout: text } as const;
const ORDERED = { ...DERIVATIVE, order: text, symmetric: text } as const;

const OPTIONS: Record<string, Record<string, { type: "string" | "boolean" }>> = {
  eval: { at: text, json: flag },
  shape: { json: flag },
  steps: { ...DERIVATIVE, mode: text, format: text, at: text, json: flag },
  emit: { ...ORDERED, target: text, name: text, out: text },
  train: {
    params: text,
    data: text,
    optimizer: text,
    lr: text,
    steps: text,
    "check-every": text,
    plot: text,
    seed: text,
  },
  diff: { ...ORDERED, at: text, check: flag, json: flag, latex: flag },
  compare: { wrt: text, answer: text, order: text, json: flag },
};

function mainHelp(): string {
  const lines = [
    "matcalc: matrix calculus in compact notation",
    "",
    "usage: matcalc COMMAND PROBLEM [options]   (matcalc COMMAND --help for details)",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`),
    "",
    PROBLEM_HELP,
  ];
  return `${lines.join("\n")}\n`;
}

function commandHelp(name: string): string {
  const c = COMMANDS[name]!;
  return `usage: ${c.usage}\n\n${c.help}\n\n${PROBLEM_HELP}\n`;
}

export interface Options {
  readonly positionals: string[];
  readonly values: {
    file?: string;
    at?: string;
    json?: boolean;
    help?: boolean;
    wrt?: string;
    order?: string;
    layout?: string;
    symmetric?: string;
    check?: boolean;
    latex?: boolean;
    mode?: string;
    format?: string;
    target?: string;
    name?: string;
    out?: string;
    params?: string;
    data?: string;
    optimizer?: string;
    lr?: string;
    steps?: string;
    "check-every"?: string;
    plot?: string;
    seed?: string;
    answer?: string;
  };
}

/**
 * Only `--word` and `-h` are options: a problem such as `-log(x)` is a positional argument. An
 * option's value is joined to it (`--order=-1`), so that a value starting with '-' is read as one;
 * an option given twice is refused rather than the last one silently kept.
 */
function separatePositionals(args: readonly string[], takesValue: ReadonlySet<string>): string[] {
  const options: string[] = [];
  const positionals: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (/^--[a-zA-Z][\w-]*(=.*)?$/.test(arg) || arg === "-h") {
      const name = arg.split("=")[0]!;
      if (seen.has(name) && name !== "--help" && name !== "-h") {
        const list =
          name === "--wrt" || name === "--params" ? ` (several variables go in one list: ${name} x,y)` : "";
        throw new UsageError(`${name} is given twice${list}`);
      }
      seen.add(name);
      if (takesValue.has(arg) && i + 1 < args.length) options.push(`${arg}=${args[++i]!}`);
      else options.push(arg);
    } else {
      positionals.push(arg);
    }
  }
  return [...options, "--", ...positionals];
}

function parseOptions(args: string[], allowed: Record<string, { type: "string" | "boolean" }>): Options {
  const takesValue = new Set(
    Object.entries({ ...allowed, file: { type: "string" } })
      .filter(([, o]) => o.type === "string")
      .map(([name]) => `--${name}`),
  );
  try {
    const { positionals, values } = parseArgs({
      args: separatePositionals(args, takesValue),
      options: { ...allowed, file: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    return { positionals, values: values as Options["values"] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown option '([^']+)'/.exec(message);
    throw new UsageError(unknown ? `unknown option '${unknown[1]}'` : message.split("\n")[0]!);
  }
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    io.stdout.write(mainHelp());
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    io.stderr.write(`error: unknown command '${command}' (try matcalc --help)\n`);
    return EXIT_USAGE;
  }
  let source: string | undefined;
  try {
    const allowed = OPTIONS[command] ?? {};
    const options = parseOptions([...rest], allowed);
    if (options.values.help) {
      io.stdout.write(commandHelp(command));
      return EXIT_OK;
    }
    if (command === "tour") {
      if (options.positionals.length > 0) throw new UsageError("tour takes no arguments");
      return runTour(io);
    }
    if (command === "train" && options.positionals.length === 0 && options.values.file === undefined) {
      return runTrain(undefined, options, io);
    }
    source = await readProblem(options.positionals, options.values.file, io);
    return run(command, source, options, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\nusage: ${COMMANDS[command]!.usage}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof InputError) {
      io.stderr.write(`error: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr.write(`${formatError(error, source)}\n`);
    return isMatcalcError(error) ? EXIT_BAD_INPUT : 3;
  }
}

function run(command: string, source: string, options: Options, io: CliIo): number {
  switch (command) {
    case "parse": {
      const { text, errors } = syntaxTreeText(source);
      if (errors.length > 0) {
        io.stdout.write(`${text}\n`);
        for (const e of errors) io.stderr.write(`${formatError(e, source)}\n`);
        return EXIT_BAD_INPUT;
      }
      io.stdout.write(`${text}\n`);
      return EXIT_OK;
    }
    case "shape": {
      const report = shapeReport(source);
      if (options.values.json) {
        io.stdout.write(`${JSON.stringify(report)}\n`);
        return EXIT_OK;
      }
      const width = Math.max(6, ...report.variables.map((v) => v.name.length));
      for (const v of report.variables) io.stdout.write(`${`${v.name}:`.padEnd(width + 1)} ${v.type}\n`);
      io.stdout.write(`${"result:".padEnd(width + 1)} ${report.result}\n`);
      return EXIT_OK;
    }
    case "eval": {
      if (options.values.at === undefined) throw new UsageError("eval needs --at values.json");
      const problem = loadProblem(source);
      const value = evaluateProblem(problem, readValues(options.values.at));
      if (options.values.json) {
        io.stdout.write(`${JSON.stringify({ value: tensorJson(value) })}\n`);
      } else {
        io.stdout.write(
          `${describeShapeOfValue(value)}\n${value.shape.length === 0 ? `  ${formatTensor(value)}` : formatTensor(value)}\n`,
        );
      }
      return EXIT_OK;
    }
    case "diff":
      return runDiff(source, options, io);
    case "emit":
      return runEmit(source, options, io);
    case "train":
      return runTrain(source, options, io);
    case "steps":
      return runSteps(source, options, io);
    case "compare":
      return runCompare(source, options, io);
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}
