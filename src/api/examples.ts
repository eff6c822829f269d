// Worked examples: the "Matrix Calculus" lecture's (the CLI tour and the playground's gallery) and a
// few Matrix Cookbook classics.

export interface Example {
  readonly title: string;
  readonly problem: string;
  readonly wrt: string;
  readonly order?: number;
}

export const LECTURE_EXAMPLES: readonly Example[] = [
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

export const COOKBOOK_EXAMPLES: readonly Example[] = [
  {
    title: "Cookbook (101): tr(AXB)",
    problem: "A: matrix(n, n), X: matrix(n, n), B: matrix(n, n), tr(A*X*B)",
    wrt: "X",
  },
  { title: "Cookbook (43): log det X", problem: "X: matrix(n, n), log(det(X))", wrt: "X" },
  {
    title: "Cookbook (61): a'X⁻¹b",
    problem: "a: vector(n), b: vector(n), X: matrix(n, n), a'*inv(X)*b",
    wrt: "X",
  },
  {
    title: "Cookbook (119): ‖AXB + C‖²",
    problem:
      "A: matrix(n, n), X: matrix(n, n), B: matrix(n, n), C: matrix(n, n), tr((A*X*B + C)*(A*X*B + C)')",
    wrt: "X",
  },
  {
    title: "Logistic loss Hessian",
    problem: "X: matrix(m, n), y: vector(m), w: vector(n), sum(log(1 + exp(-y .* (X*w))))",
    wrt: "w",
    order: 2,
  },
  { title: "Softmax Jacobian", problem: "x: vector(n), softmax(x)", wrt: "x" },
  {
    title: "Kronecker form of AXB",
    problem: "A: matrix(n, n), X: matrix(n, n), B: matrix(n, n), A*X*B",
    wrt: "X",
  },
];
