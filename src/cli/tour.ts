// `matcalc tour`: the worked examples of the "Matrix Calculus" lecture, each differentiated, printed
// in the lecture's notation and checked against finite differences at random values.
import { checkDerivative, differentiate, formatShape, toText } from "../api/index.js";
import type { CliIo } from "./io.js";

interface Stop {
  readonly title: string;
  readonly problem: string;
  readonly wrt: string;
  readonly order?: number;
}

const STOPS: readonly Stop[] = [
  {
    title: "Jacobian of [f; g] = [3x²y; 2x + 4y²]",
    problem: "x: scalar, y: scalar, [3*x^2*y; 2*x + 4*y^2]",
    wrt: "x,y",
  },
  { title: "Identity function", problem: "x: vector(n), x", wrt: "x" },
  { title: "Element-wise sum", problem: "w: vector(n), x: vector(n), w + x", wrt: "w" },
  { title: "Element-wise difference", problem: "w: vector(n), x: vector(n), w - x", wrt: "x" },
  { title: "Element-wise product", problem: "w: vector(n), x: vector(n), w .* x", wrt: "w" },
  { title: "Element-wise quotient", problem: "w: vector(n), x: vector(n), w ./ x", wrt: "x" },
  { title: "Scalar expansion, by the scalar", problem: "x: vector(n), z: scalar, x + z", wrt: "z" },
  { title: "Scalar times vector", problem: "x: vector(n), z: scalar, z*x", wrt: "x" },
  { title: "Single-variable chain rule", problem: "x: scalar, log(sin(x^3)^2)", wrt: "x" },
  { title: "Vector chain rule", problem: "x: scalar, [log(x^2); sin(3*x)]", wrt: "x" },
  {
    title: "Vector chain rule, matrix form",
    problem: "B: matrix(m, n), x: vector(n), sin(B*x.^2)",
    wrt: "x",
  },
  {
    title: "Neuron activation, by w",
    problem: "w: vector(n), x: vector(n), b: scalar, max(0, w'*x + b)",
    wrt: "w",
  },
  {
    title: "Neuron activation, by b",
    problem: "w: vector(n), x: vector(n), b: scalar, max(0, w'*x + b)",
    wrt: "b",
  },
  {
    title: "MSE loss of the neuron, by w",
    problem:
      "X: matrix(n, k), y: vector(k), w: vector(n), b: scalar, N: scalar, sum((y - max(0, X'*w + b)).^2)/N",
    wrt: "w",
  },
  { title: "Ax", problem: "A: matrix(m, n), x: vector(n), A*x", wrt: "x" },
  { title: "y'Ax by x", problem: "y: vector(m), A: matrix(m, n), x: vector(n), y'*A*x", wrt: "x" },
  { title: "y'Ax by y", problem: "y: vector(m), A: matrix(m, n), x: vector(n), y'*A*x", wrt: "y" },
  { title: "Quadratic form x'Ax", problem: "A: matrix(n, n), x: vector(n), x'*A*x", wrt: "x" },
  { title: "Symmetric quadratic form", problem: "S: symmetric(n), x: vector(n), x'*S*x", wrt: "x" },
  { title: "x'x", problem: "x: vector(n), x'*x", wrt: "x" },
  { title: "Hessian of x'Ax", problem: "A: matrix(n, n), x: vector(n), x'*A*x", wrt: "x", order: 2 },
  { title: "Cosine similarity", problem: "x: vector(n), y: vector(n), (y'*x)/(norm2(x)*norm2(y))", wrt: "x" },
];

export function runTour(io: CliIo): number {
  io.stdout.write(
    "A tour of the lecture's worked examples (numerator layout, as the lecture writes them)\n\n",
  );
  let failures = 0;
  STOPS.forEach((stop, k) => {
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
    `${STOPS.length - failures} of ${STOPS.length} derivatives agree with finite differences.\n`,
  );
  return failures === 0 ? 0 : 1;
}
