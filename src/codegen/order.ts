// Products ordered by cost before code is generated. The derivative's compact form is the one a
// person reads — (A + A')*x, 2*A'*(A*x - b) — but as written it builds an n×n sum, or scales a whole
// matrix by 2, where a vector would do. These rewrites keep the value and move work onto the thin
// operands: a scalar factor multiplies the product's result, a chain ending in a vector is evaluated
// from the vector (A*B*x as A*(B*x)), a row chain from the row, and a sum of matrices times a vector
// becomes a sum of matrix-vector products. When the sizes are known (a compiled function learns them
// from its first call), products are also regrouped by their cost in multiply-adds: (A*B)*C or
// A*(B*C), whichever is cheaper.
import { type Dim, dimValue, shapesEqual } from "../core/index.js";
import { type Node, postorderOf, signedTerms } from "../ir/index.js";
import { apply, rebuild } from "../ops/index.js";

const isScalar = (n: Node) => n.shape.length === 0;
const isVector = (n: Node) => n.shape.length === 1;
const isRow = (n: Node) => n.shape.length === 2 && n.shape[0] === 1;
const isMatrix = (n: Node) => n.shape.length === 2 && n.shape[0] !== 1;
const isMatrixSum = (n: Node) =>
  (n.op === "add" || n.op === "sub") &&
  isMatrix(n) &&
  shapesEqual(n.args[0]!.shape, n.shape) &&
  shapesEqual(n.args[1]!.shape, n.shape);

/** One rewrite at the top of `node`, or null. */
function step(node: Node): Node | null {
  if (node.op !== "mul") return null;
  const [a, b] = [node.args[0]!, node.args[1]!];
  if (isScalar(a) || isScalar(b)) {
    // (s*P)*Q is handled below from the outer product's side; nothing to do for a scaling itself.
    return null;
  }
  // (s*P)*Q → s*(P*Q) and P*(s*Q) → s*(P*Q): the scalar multiplies the (often smaller) result.
  if (a.op === "mul" && isScalar(a.args[0]!) && !isScalar(a.args[1]!))
    return apply("mul", a.args[0]!, apply("mul", a.args[1]!, b));
  if (b.op === "mul" && isScalar(b.args[0]!) && !isScalar(b.args[1]!))
    return apply("mul", b.args[0]!, apply("mul", a, b.args[1]!));
  // (P*Q)*v → P*(Q*v) for a vector v; r*(P*Q) → (r*P)*Q for a row r.
  if (isVector(b) && isMatrix(a) && a.op === "mul" && !isScalar(a.args[0]!) && !isScalar(a.args[1]!)) {
    return apply("mul", a.args[0]!, apply("mul", a.args[1]!, b));
  }
  if (isRow(a) && isMatrix(b) && b.op === "mul" && !isScalar(b.args[0]!) && !isScalar(b.args[1]!)) {
    return apply("mul", apply("mul", a, b.args[0]!), b.args[1]!);
  }
  // (u*v')*M → u*(v'*M) and M*(u*v') → (M*u)*v': an outer product times a matrix is an outer product
  // of a vector with the matrix's product by the other vector (ones*ones'*M, the column sums spread).
  if (isMatrix(b) && a.op === "mul" && isOuter(a))
    return apply("mul", a.args[0]!, apply("mul", a.args[1]!, b));
  if (isMatrix(a) && b.op === "mul" && isOuter(b))
    return apply("mul", apply("mul", a, b.args[0]!), b.args[1]!);
  return null;
}

/** u*v' of a column (a vector) and a row: an outer product. */
const isOuter = (n: Node) => isVector(n.args[0]!) && isRow(n.args[1]!);

/**
 * (P ± Q ± …)*v → P*v ± Q*v ± … and r*(P ± Q ± …) → r*P ± r*Q ± …, each product settled: no n×n
 * sum is formed (a long sum's terms are found by a loop); null when the product is not of that form.
 */
function distribute(node: Node, sizes: Sizes | undefined, memo: Map<number, Node>): Node | null {
  if (node.op !== "mul") return null;
  const [a, b] = [node.args[0]!, node.args[1]!];
  const onRight = isVector(b) && isMatrixSum(a);
  if (!onRight && !(isRow(a) && isMatrixSum(b))) return null;
  let result: Node | null = null;
  for (const { term, negative } of signedTerms(onRight ? a : b, isMatrixSum)) {
    const product = settle(onRight ? apply("mul", term, b) : apply("mul", a, term), sizes, memo);
    if (result === null) result = negative ? apply("neg", product) : product;
    else result = apply(negative ? "sub" : "add", result, product);
  }
  return result;
}

/** Sizes of the size symbols, for ordering by cost. */
export type Sizes = ReadonlyMap<string, number>;

/** Multiply-adds (and entries written) to compute a node from its operands' values, counting shared nodes once. */
function costOf(root: Node, sizes: Sizes): number {
  const dim = (d: Dim) => dimValue(d, (s) => sizes.get(s) ?? 1)!;
  const entries = (n: Node) => n.shape.reduce((p: number, d) => p * dim(d), 1);
  let total = 0;
  for (const node of postorderOf([root])) {
    if (node.op === "var" || node.op === "const" || node.op === "size") continue;
    const [a, b] = [node.args[0], node.args[1]];
    if (node.op === "mul" && a && b && !isScalar(a) && !isScalar(b)) {
      // m×k times k×n: m·k·n multiply-adds (a vector is a column).
      const inner = a.shape.length === 2 ? dim(a.shape[1]!) : 1;
      total += entries(node) * inner;
    } else total += entries(node);
  }
  return total;
}

/** With sizes: a cheaper grouping of a product, or null. */
function sizedStep(node: Node, sizes: Sizes, memo: Map<number, Node>): Node | null {
  if (node.op !== "mul") return null;
  const [a, b] = [node.args[0]!, node.args[1]!];
  if (isScalar(a) || isScalar(b)) return null;
  const here = costOf(node, sizes);
  const candidates: Node[] = [];
  const product = (x: Node) => x.op === "mul" && !isScalar(x.args[0]!) && !isScalar(x.args[1]!);
  if (product(a)) candidates.push(apply("mul", a.args[0]!, apply("mul", a.args[1]!, b)));
  if (product(b)) candidates.push(apply("mul", apply("mul", a, b.args[0]!), b.args[1]!));
  // Not distributed over a sum: (T - U*V')*V as T*V - U*(V'*V) is cheaper for a thin V, but where
  // the model fits (U*V' ≈ T) the difference of the two large products loses the small residual.
  let best: Node | null = null;
  let bestCost = here;
  for (const c of candidates) {
    // Its operands settled (not its top, which may regroup back: the loop in settle decides).
    const settled = rebuild(
      c,
      c.args.map((x) => settle(x, sizes, memo)),
    );
    const cost = costOf(settled, sizes);
    // Strictly cheaper by a margin, so that equal groupings never alternate.
    if (cost < bestCost * 0.9) {
      best = settled;
      bestCost = cost;
    }
  }
  return best;
}

/** Rewrites at the top until none applies; the operands a rewrite builds are settled too. */
function settle(node: Node, sizes?: Sizes, memo = new Map<number, Node>()): Node {
  const known = memo.get(node.id);
  if (known !== undefined) return known;
  let current = node;
  for (let k = 0; k < 64; k++) {
    const plain = step(current);
    if (plain === null) {
      // Distributed over a sum, every product is settled already.
      const spread = distribute(current, sizes, memo);
      if (spread !== null) {
        current = spread;
        break;
      }
    }
    const next = plain ?? (sizes ? sizedStep(current, sizes, memo) : null);
    if (next === null) break;
    current = rebuild(
      next,
      next.args.map((x) => settle(x, sizes, memo)),
    );
  }
  memo.set(node.id, current);
  return current;
}

/**
 * Every node of the roots' DAG mapped to its reordered form (the same node where nothing applies);
 * with `sizes`, also regrouped by cost.
 */
export function orderProducts(roots: readonly Node[], sizes?: Sizes): Map<number, Node> {
  const done = new Map<number, Node>();
  const memo = new Map<number, Node>();
  for (const node of postorderOf(roots)) {
    done.set(
      node.id,
      settle(
        rebuild(
          node,
          node.args.map((a) => done.get(a.id)!),
        ),
        sizes,
        memo,
      ),
    );
  }
  return done;
}
