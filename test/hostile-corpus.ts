// The standing hostile corpus: inputs an attacker or a careless user might give, each with what it
// must come to — a correct answer (exit 0, with text the answer must hold) or a clear one-line error
// (exit 1 or 2, with the message). Cases marked `process` run as a real `matcalc` process, under a
// heap of 1 GB, for what only a process shows (pipes, memory, files that never end).

export interface HostileCase {
  readonly name: string;
  /** Arguments of `matcalc`; "$DIR" stands for a scratch folder holding `files`. */
  readonly args: readonly string[];
  readonly files?: Readonly<Record<string, string>>;
  /** Run as a process; a shell pipeline when `pipe` is given (the command is piped into it). */
  readonly process?: boolean;
  readonly pipe?: string;
  readonly exit: 0 | 1 | 2;
  /** Text the standard output must contain (exit 0) or the first line of standard error (exit ≠ 0). */
  readonly expect?: string | RegExp;
  /** Text standard output must not contain. */
  readonly reject?: string | RegExp;
}

const terms = (count: number, term: (i: number) => string, separator = " + ") =>
  Array.from({ length: count }, (_, i) => term(i)).join(separator);

const mlp = (layers: number, inner = "x") => {
  let e = inner;
  for (let i = 1; i <= layers; i++) e = `tanh(W${i}*${e})`;
  return e;
};

const matrixJson = (n: number, entry: (i: number, j: number) => number) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => entry(i, j))));

/** A generated function's name that the target cannot take, refused when emitting with the reason. */
function takenName(target: string, name: string, reason: string): HostileCase {
  return {
    name: `a generated ${target} function named ${name}`,
    args: ["emit", "x'*x", "--wrt", "x", "--name", name, "--target", target],
    exit: 1,
    expect: `error: ${name} cannot name the generated function: it is ${reason}`,
  };
}

/** Training least squares on a data file with something wrong in it: refused before any step. */
function badData(name: string, file: string, content: string, expect: string | RegExp): HostileCase {
  return {
    name,
    args: ["train", "sum((X*w - y).^2)", "--params", "w", "--data", `$DIR/${file}`, "--steps", "3"],
    files: { [file]: content },
    exit: 1,
    expect,
  };
}

export const HOSTILE_CASES: readonly HostileCase[] = [
  // Deep and long input: every walk is iterative or bounded.
  {
    name: "a sum of 3,000 quadratic forms in one vector",
    args: ["diff", terms(3000, (i) => `x'*A${i}*x`), "--wrt", "x"],
    exit: 0,
    expect: /^ {2}x'\*\(A2999 \+ A2998 \+ .* \+ A0'\)$/m,
  },
  {
    name: "a sum of 3,000 quadratic forms, as generated code",
    args: ["emit", terms(3000, (i) => `x'*A${i}*x`), "--wrt", "x", "--target", "numpy"],
    exit: 0,
    expect: "def derivatives(",
  },
  {
    name: "a sum of 7,000 inner products",
    args: ["diff", terms(7000, (i) => `w'*x${i}`), "--wrt", "w"],
    exit: 0,
    expect: /^ {2}\(x6999 \+ x6998 \+ .* \+ x0\)'$/m,
  },
  {
    name: "the Hessian of a sum of 3,000 tanh layers",
    args: ["diff", terms(3000, (i) => `sum(tanh(W${i}*x))`), "--wrt", "x", "--order", "2"],
    exit: 0,
    expect: "derivative of order 2 by x",
  },
  {
    name: "a 400×400 Hessian's value",
    args: ["diff", "x'*A*x", "--wrt", "x", "--order", "2", "--at", "$DIR/a.json"],
    files: {
      "a.json": `{"A": ${matrixJson(400, (i, j) => ((i * 7 + j * 3) % 11) - 5)}, "x": ${JSON.stringify(Array(400).fill(1))}}`,
    },
    exit: 0,
    expect: "(400×400 = 160000 entries, summarized; --json gives every entry)",
  },
  {
    name: "the tour read by a reader that stops after one line",
    args: ["tour"],
    process: true,
    pipe: "head -1",
    exit: 0,
    expect: "A tour of the lecture's worked examples",
  },
  {
    name: "softmax of a vector of 200,000 entries",
    args: ["eval", "sum(softmax(x))", "--at", "$DIR/x.json"],
    files: { "x.json": `{"x": [${terms(200_000, (i) => String(i % 13), ",")}]}` },
    exit: 0,
    expect: /^ {2}1$/m,
  },

  // User text never runs: the issue's payload, emitted and imported by Node.
  ...[
    ["CR", "\r"],
    ["U+2028", "\u2028"],
    ["U+2029", "\u2029"],
  ].map(
    ([what, separator]): HostileCase => ({
      name: `a comment ending in ${what} and a payload, emitted and run`,
      args: ["emit", `x'*A*x # ${separator}console.log("INJECTED"); //`, "--wrt", "x", "--target", "js"],
      process: true,
      pipe: "node --input-type=module && echo ran",
      exit: 0,
      expect: "ran",
      reject: "INJECTED",
    }),
  ),

  // Emitted code that must run: names the targets cannot take are refused when emitting.
  takenName("ts", "class", "a reserved word of JavaScript"),
  takenName("js", "return", "a reserved word of JavaScript"),
  takenName("ts", "matmul", "a name the generated code uses"),
  takenName("js", "alloc", "a name the generated code uses"),
  takenName("numpy", "lambda", "a Python keyword"),
  takenName("torch", "None", "a Python keyword"),
  takenName("numpy", "np", "a name the generated Python code uses"),
  takenName("jax", "array_arg", "a name the generated Python code uses"),
  {
    name: "a variable named lambda, for Python",
    args: ["emit", "lambda: scalar, lambda*x'*x", "--wrt", "x", "--target", "numpy"],
    exit: 1,
    expect:
      "error: the variable lambda cannot be a parameter of the generated numpy function: it is a Python keyword; rename it",
  },
  {
    name: "a variable named lambda, for JavaScript (read from the inputs object)",
    args: ["emit", "lambda: scalar, lambda*x'*x", "--wrt", "x", "--target", "js"],
    exit: 0,
    expect: "inputs.lambda",
  },
  {
    name: "a Python function named like its variable",
    args: ["emit", "x'*x", "--wrt", "x", "--name", "x", "--target", "numpy"],
    exit: 0,
    expect: "def x(x):",
  },

  // Exponential output: index notation has a budget, and the matrix form still comes out.
  {
    name: "an 18-layer network's gradient as JSON",
    args: ["diff", `sum(${mlp(18)})`, "--wrt", "W1", "--json"],
    process: true,
    exit: 0,
    expect: /"index":"\(not shown: too large to show in index notation \(more than [\d,]+ terms\)\)"/,
  },
  {
    name: "a 20-layer tanh network's Jacobian as JSON",
    args: ["diff", mlp(20), "--wrt", "x", "--json"],
    process: true,
    exit: 0,
    expect: /^\{"text":"diag\(1 - tanh\(W20\*tanh/,
  },
  {
    name: "a 20-layer network's third derivative by its input (a tensor too long to print)",
    args: ["diff", `sum(${mlp(20)})`, "--wrt", "x", "--order", "3"],
    process: true,
    exit: 0,
    expect: "(too large to show in index notation (249 terms, more than 1,000,000 characters))",
  },
  {
    name: "a fourth derivative with no matrix form and more terms than the budget",
    args: ["diff", `${terms(8, () => "x*x'", "*")}*x`, "--wrt", "x", "--order", "4"],
    exit: 1,
    expect: "error: too large to show in index notation (more than 20,000 terms)",
  },
  {
    name: "a block matrix of 256 vectors: the Hessian of its squared norm",
    args: ["diff", `sum([${terms(256, () => "x", "; ")}].^2)`, "--wrt", "x", "--order", "2"],
    exit: 0,
    expect: "512*I",
  },
  {
    name: "a Kronecker product of 268 million entries, refused with the budget",
    args: [
      "eval",
      "kron(kron(kron(kron(kron(kron(kron(A, A), A), A), A), A), A), A)",
      "--at",
      JSON.stringify({
        A: [
          [1, 2, 3, 4],
          [1, 2, 3, 4],
          [1, 2, 3, 4],
          [1, 2, 3, 4],
        ],
      }),
    ],
    exit: 1,
    expect:
      /a Kronecker product of 4096×4096 and 4×4 would have 268,435,456 entries: at most 134,217,728 are computed/,
  },
  {
    name: "a block matrix of 300 vectors, refused with the budget",
    args: ["diff", `sum([${terms(300, (i) => `x${i}`, "; ")}].^2)`, "--wrt", "x1"],
    exit: 1,
    expect: /^error: a block matrix has at most 256 blocks here, got 300/,
  },
  {
    name: "the steps of a sum of 5,000 terms",
    args: ["steps", terms(5000, (i) => `a${i}*x`), "--wrt", "x"],
    exit: 0,
    expect:
      "Too many operations to show step by step: 9,999 intermediate variables (at most 200 are written out).",
  },
  {
    name: "the steps of a sum of 5,000 terms, as JSON",
    args: ["steps", terms(5000, (i) => `a${i}*x`), "--wrt", "x", "--json"],
    exit: 0,
    expect: '"tooManySteps":9999',
  },

  // Numbers: folding constants never overflows on the way to a representable result.
  {
    name: "constants that overflow when folded step by step",
    args: ["diff", "x'*x*1e-320/1e-320", "--wrt", "x"],
    exit: 0,
    expect: /^ {2}2\*x'$/m,
  },
  {
    name: "a huge constant that cancels",
    args: ["diff", "x'*x*1e300*1e300/1e300", "--wrt", "x"],
    exit: 0,
    expect: /^ {2}2e\+300\*x'$/m,
  },
  {
    name: "a constant raised to a huge integer power",
    args: ["diff", "a*1.5^300000000/1.5^299999999", "--wrt", "a"],
    exit: 0,
    expect: /^ {2}1\.4999999999999\d*$/m,
  },
  {
    name: "a value that is not finite in the values",
    args: ["eval", "x'*x", "--at", '{"x": [1, 1e999]}'],
    exit: 1,
    expect: "error: x[2] must be a finite number, got Infinity (x is a vector)",
  },

  // Input files: read with a cap, so a file that never ends is refused.
  {
    name: "a problem file that never ends",
    args: ["diff", "--file", "/dev/zero", "--wrt", "x"],
    process: true,
    exit: 1,
    expect: "error: problem file /dev/zero is larger than 16 MB, the most matcalc reads",
  },
  {
    name: "a values file that never ends",
    args: ["eval", "x'*x", "--at", "/dev/zero"],
    process: true,
    exit: 1,
    expect: "error: values file /dev/zero is larger than 256 MB, the most matcalc reads",
  },

  // Training data.
  badData(
    "training data that are not valid JSON",
    "d.json",
    '{"X": [[1, 2], [3, 4',
    /^error: \S+d\.json is not valid JSON/,
  ),
  badData(
    "training data with a text entry",
    "d.json",
    '{"X": [[1, 2], [3, "a"]], "y": [1, 2]}',
    'error: X[2][2] must be a finite number, got "a"',
  ),
  badData(
    "training data whose y is too short",
    "d.json",
    '{"X": [[1, 2], [3, 4], [5, 6]], "y": [1, 2]}',
    "error: values disagree on the size m: X has 3 rows, but y has 2 entries",
  ),
  badData(
    "a CSV column given twice",
    "d.csv",
    "X_1,X_1,y\n1,2,3\n4,5,6\n",
    "column 'X_1' appears twice (columns 1 and 2)",
  ),
  badData("a CSV column skipped", "d.csv", "X_1,X_3,y\n1,2,3\n4,5,6\n", "X_2 is missing"),
  badData(
    "a hexadecimal number in CSV data",
    "d.csv",
    "X_1,y\n0x10,3\n4,6\n",
    "X_1 is not a decimal number: '0x10'",
  ),
  {
    name: "a loss plot that cannot be written, refused before training",
    args: ["train", "--steps", "20", "--plot", "/nonexistent/folder/loss.svg"],
    exit: 1,
    expect: "error: cannot write the loss plot /nonexistent/folder/loss.svg: no such folder",
  },

  // The command line's own edges.
  {
    name: "a negative order",
    args: ["diff", "x'*x", "--wrt", "x", "--order", "-1"],
    exit: 2,
    expect: "error: --order takes a whole number from 1 to 8, got '-1'",
  },
  {
    name: "a huge order",
    args: ["diff", "x'*x", "--wrt", "x", "--order", "1000000"],
    exit: 2,
    expect: "error: --order takes a whole number from 1 to 8, got '1000000'",
  },
  {
    name: "--wrt given twice",
    args: ["diff", "x'*A*x", "--wrt", "x", "--wrt", "A"],
    exit: 2,
    expect: "error: --wrt is given twice (several variables go in one list: --wrt x,y)",
  },

  // Symmetric variables: every output shape, both conventions, checked by numbers.
  ...["inv(S)", "S", "S*x", "S*S", "S.*S"].flatMap((expression): HostileCase[] =>
    (["projection", "cookbook"] as const).map((convention) => ({
      name: `${expression} by a symmetric S (${convention}), checked`,
      args: ["diff", `S: symmetric(n), ${expression}`, "--wrt", "S", "--check", "--symmetric", convention],
      exit: 0,
      expect: /S is symmetric[^\n]*\n(?:.*\n)*check: .*\(passed\)/,
    })),
  ),

  // Sizes of 1.
  {
    name: "a quadratic form in a 1-vector",
    args: ["diff", "x: vector(1), A: matrix(1,1), x'*A*x", "--wrt", "x", "--check"],
    exit: 0,
    expect: /^ {2}2\*A\*x\n(?:.*\n)*check: .*\(passed\)/m,
  },
  {
    name: "the trace of a 1×1 matrix squared",
    args: ["diff", "X: matrix(1,1), tr(X*X)", "--wrt", "X", "--check"],
    exit: 0,
    expect: /^ {2}2\*X\n(?:.*\n)*check: .*\(passed\)/m,
  },
  {
    name: "the value of a quadratic form in a 1-vector",
    args: ["eval", "x: vector(1), A: matrix(1,1), x'*A*x", "--at", '{"x": [2], "A": [[3]]}'],
    exit: 0,
    expect: "scalar:\n  12",
  },

  // Checks: bounded, and honest where differences are out of their depth.
  {
    name: "a check of a 100×100 logdet at given values",
    args: ["diff", "logdet(X)", "--wrt", "X", "--check", "--at", "$DIR/x.json"],
    files: { "x.json": `{"X": ${matrixJson(100, (i, j) => (i === j ? 100 : Math.sin(i * 7 + j * 3)))}}` },
    process: true,
    exit: 0,
    expect: /check: .*along 6 random directions.*\(passed\)/,
  },
  {
    name: "a check of a 200×200 logdet at given values",
    args: ["diff", "logdet(X)", "--wrt", "X", "--check", "--at", "$DIR/x.json"],
    files: { "x.json": `{"X": ${matrixJson(200, (i, j) => (i === j ? 200 : Math.sin(i * 7 + j * 3)))}}` },
    process: true,
    exit: 0,
    expect: /check: .*along 6 random directions.*\(passed\)/,
  },
  {
    name: "a check of logdet where a finite-difference step leaves the domain",
    args: ["diff", "logdet(X)", "--wrt", "X", "--check", "--at", '{"X": [[1e-7, 0.5], [0, 1]]}'],
    exit: 0,
    expect:
      /check: .*\(passed\)\ncheck note: where a step left the function's domain, smaller steps were used/,
  },
  {
    name: "a check of exp at 700, whose other partial differences cannot see",
    args: ["diff", "sum(exp(x))", "--wrt", "x", "--check", "--at", '{"x": [700, 1]}'],
    exit: 0,
    expect: /check: .*\(passed\)\ncheck note: finite differences cannot resolve 1 of 2 entries/,
  },
  {
    name: "a check at values where the function is not defined",
    args: ["diff", "logdet(X)", "--wrt", "X", "--check", "--at", '{"X": [[-1, 0], [0, 1]]}'],
    exit: 1,
    expect: "error: no check at these values: logdet(X): the determinant is negative, so its log is not real",
  },

  // Long input in linear time.
  {
    name: "a stack of 10,000 entries",
    args: ["diff", `[${terms(10_000, () => "a", "; ")}]'*y`, "--wrt", "y"],
    exit: 0,
    expect: "derivative by y — numerator layout, 1×10000",
  },
  {
    name: "a sum of 3,000 squared differences",
    args: ["diff", terms(3000, (i) => `(x - y${i})'*(x - y${i})`), "--wrt", "x"],
    exit: 0,
    expect: "derivative by x",
  },
  {
    name: "a sum of 10,000 inner products, as generated code",
    args: ["emit", terms(10_000, (i) => `w'*x${i}`), "--wrt", "w", "--target", "numpy"],
    exit: 0,
    expect: "def derivatives(",
  },
  {
    name: "the syntax tree of a sum of 5,000 terms",
    args: ["parse", terms(5000, (i) => `a${i}*x`)],
    exit: 0,
    expect: "… (nested too deeply to draw)",
  },
];
