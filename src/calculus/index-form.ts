// Index notation for derivatives that have no matrix form: a tangent expression (linear in the seed
// dX) is lowered to Einstein form with dX[a,b] replaced by δ(a,k)δ(b,l), which gives the derivative
// tensor T[output…, k, l]. Higher orders differentiate the factors by the product rule.
import { type Dim, MatcalcError } from "../core/index.js";
import { type IndexFactor, type IndexForm, type IndexTerm, type Node, postorder } from "../ir/index.js";
import {
  apply,
  blockAsSum,
  constant,
  entryCount,
  identity,
  ones,
  sizeNode,
  stackLayout,
  variable,
} from "../ops/index.js";
import { dependsOn, jvp } from "./linearize.js";

/** Index names handed out in order: output, variable, then summation indices. */
export class IndexNames {
  private next = 0;
  readonly sizes: Record<string, Dim> = {};
  private static readonly LETTERS = "ijklpqrsabcdefgh";

  fresh(size: Dim): string {
    const n = this.next++;
    const letter = IndexNames.LETTERS[n % IndexNames.LETTERS.length]!;
    const name =
      n < IndexNames.LETTERS.length ? letter : `${letter}${Math.floor(n / IndexNames.LETTERS.length)}`;
    this.sizes[name] = size;
    return name;
  }

  /** One index per axis that is not a literal 1 (a row 1×n has one index). */
  forShape(shape: readonly Dim[]): string[] {
    return slotsOf(shape).map((axis) => this.fresh(shape[axis]!));
  }
}

/** The axes of a shape that carry an index. */
export function slotsOf(shape: readonly Dim[]): number[] {
  if (shape.length === 2 && shape[0] === 1) return [1];
  return shape.map((_d, i) => i);
}

/** Row and column roles of a node's indices, for matrix products. */
function roles(node: Node, indices: readonly string[]): { row?: string; col?: string } {
  if (node.shape.length === 0) return {};
  if (node.shape.length === 1) return { row: indices[0]! };
  if (node.shape[0] === 1) return { col: indices[0]! };
  return { row: indices[0]!, col: indices[1]! };
}

/**
 * The most terms an index form may have. Products distribute over sums, so the terms can grow
 * exponentially with the depth of an expression (a deep network's Jacobian); past this the lowering
 * stops with a clear error instead of filling the memory.
 */
export const INDEX_TERM_BUDGET = 20_000;
/** How deep the lowering recurses into products and functions (sums are walked by a loop). */
const INDEX_DEPTH = 1000;

function tooManyTerms(budget: number): MatcalcError {
  return new MatcalcError(
    "limit",
    `too large to show in index notation (more than ${budget.toLocaleString("en-US")} terms)`,
  );
}

function productWithin(
  a: readonly IndexTerm[],
  b: readonly IndexTerm[],
  summed: readonly string[],
  budget: number,
): IndexTerm[] {
  if (a.length * b.length > budget) throw tooManyTerms(budget);
  const out: IndexTerm[] = [];
  for (const x of a) {
    for (const y of b) {
      out.push({
        coefficient: x.coefficient * y.coefficient,
        factors: [...x.factors, ...y.factors],
        summed: [...x.summed, ...y.summed, ...summed],
      });
    }
  }
  return out;
}

function scaled(terms: readonly IndexTerm[], c: number): IndexTerm[] {
  return terms.map((t) => ({ ...t, coefficient: t.coefficient * c }));
}

function tensor(node: Node, indices: readonly string[]): IndexTerm[] {
  return [{ coefficient: 1, factors: [{ kind: "tensor", node, indices }], summed: [] }];
}

/** Operators that index notation writes as sums, products, deltas and relabelled indices. */
const STRUCTURAL = new Set([
  "sumCols",
  "sumRows",
  "meanCols",
  "meanRows",
  "add",
  "sub",
  "neg",
  "mul",
  "div",
  "emul",
  "ediv",
  "transpose",
  "sum",
  "dot",
  "tr",
  "diagMatrix",
  "diagVector",
  "stack",
  "zeros",
  "identity",
]);

interface LowerOptions {
  /** Lowering a tangent: the nodes without the seed are kept whole as indexed factors. */
  readonly seed?: { readonly node: Node; readonly indices: readonly string[] };
  /** The most terms (INDEX_TERM_BUDGET by default). */
  readonly budget?: number;
}

function lowerStructure(
  root: Node,
  indices: readonly string[],
  names: IndexNames,
  options: LowerOptions,
): IndexTerm[] {
  const { seed } = options;
  const budget = options.budget ?? INDEX_TERM_BUDGET;
  // With a seed, the nodes holding it (a block's placed sum joins them as it is made) are lowered and
  // the rest kept whole; a node kept whole must not hold it: kron(dA, B)[i,j] is no index form.
  const seeded = seed ? dependsOn(root, seed.node) : new Set<number>();
  const isLeaf = (n: Node) => seed !== undefined && !seeded.has(n.id);
  let depth = 0;
  const product = (a: readonly IndexTerm[], b: readonly IndexTerm[], summed: readonly string[] = []) =>
    productWithin(a, b, summed, budget);
  const lower = (n: Node, idx: readonly string[]): IndexTerm[] => {
    if (++depth > INDEX_DEPTH)
      throw new MatcalcError(
        "limit",
        `too deeply nested to show in index notation (more than ${INDEX_DEPTH} levels)`,
      );
    try {
      const terms = lowerOne(n, idx);
      if (terms.length > budget) throw tooManyTerms(budget);
      return terms;
    } finally {
      depth--;
    }
  };
  /** A sum's terms, its left spine walked by a loop (a long sum is a deep chain). */
  const lowerSum = (n: Node, idx: readonly string[]): IndexTerm[] => {
    const same = (x: Node) => (x.shape.length === 0 ? [] : idx);
    const spine: Node[] = [];
    let bottom = n;
    while (
      (bottom.op === "add" || bottom.op === "sub") &&
      !isLeaf(bottom) &&
      !(seed && bottom === seed.node)
    ) {
      spine.push(bottom);
      bottom = bottom.args[0]!;
    }
    const out = [...lower(bottom, same(bottom))];
    for (let k = spine.length - 1; k >= 0; k--) {
      const s = spine[k]!;
      const right = lower(s.args[1]!, same(s.args[1]!));
      for (const t of s.op === "sub" ? scaled(right, -1) : right) out.push(t);
      if (out.length > budget) throw tooManyTerms(budget);
    }
    return out;
  };
  const lowerOne = (n: Node, idx: readonly string[]): IndexTerm[] => {
    if (seed && n === seed.node) {
      return [
        {
          coefficient: 1,
          factors: idx.map((i, k): IndexFactor => ({ kind: "delta", indices: [i, seed.indices[k]!] })),
          summed: [],
        },
      ];
    }
    if (n.op === "zeros") return [];
    if (n.op === "identity")
      // A 1×1 identity (no index: its axes are of size 1) is the number 1.
      return idx.length < 2
        ? [{ coefficient: 1, factors: [], summed: [] }]
        : [{ coefficient: 1, factors: [{ kind: "delta", indices: [idx[0]!, idx[1]!] }], summed: [] }];
    // Holding the seed, a block matrix is the sum of its placed blocks (constant selectors around
    // them), and a mean the sum over the count.
    if ((n.op === "block" || n.op === "mean") && seeded.has(n.id)) {
      const a = n.args[0]!;
      const form = n.op === "block" ? blockAsSum(n) : apply("div", apply("sum", a), entryCount(a.shape));
      for (const m of postorder(form)) if (m.args.some((x) => seeded.has(x.id))) seeded.add(m.id);
      return lower(form, idx);
    }
    if (!STRUCTURAL.has(n.op) && seeded.has(n.id))
      throw new MatcalcError(
        "derivative",
        `this derivative through ${n.op} has no index notation: its entries are not indexed by single indices (differentiate a scalar function of it instead)`,
      );
    if (isLeaf(n) || !STRUCTURAL.has(n.op)) {
      if (n.op === "const" && n.attrs.symbol === undefined)
        return [{ coefficient: n.attrs.value!, factors: [], summed: [] }];
      // A row's entries are its vector's: (x')[j] is x[j].
      if (n.op === "transpose" && n.args[0]!.shape.length === 1) return tensor(n.args[0]!, idx);
      return tensor(n, idx);
    }
    const [a, b] = [n.args[0]!, n.args[1]!];
    const same = (x: Node) => (x.shape.length === 0 ? [] : idx);
    switch (n.op) {
      case "add":
      case "sub":
        return lowerSum(n, idx);
      case "neg":
        return scaled(lower(a, idx), -1);
      case "mul": {
        if (a.shape.length === 0) return product(lower(a, []), lower(b, idx));
        if (b.shape.length === 0) return product(lower(a, idx), lower(b, []));
        // a's column contracts with b's row; a's row and b's column are the result's.
        const out = roles(n, idx);
        const ra = roles(a, a.shape.map(String));
        const rb = roles(b, b.shape.map(String));
        const contracted =
          ra.col !== undefined && rb.row !== undefined
            ? names.fresh(a.shape[a.shape.length - 1]!)
            : undefined;
        const ia = [
          ra.row === undefined ? undefined : out.row,
          ra.col === undefined ? undefined : contracted,
        ];
        const ib = [
          rb.row === undefined ? undefined : contracted,
          rb.col === undefined ? undefined : out.col,
        ];
        const defined = (xs: Array<string | undefined>) => xs.filter((x): x is string => x !== undefined);
        return product(
          lower(a, defined(ia)),
          lower(b, defined(ib)),
          contracted === undefined ? [] : [contracted],
        );
      }
      case "div":
        return product(lower(a, idx), tensor(apply("div", constant(1), b), []));
      case "emul":
        return product(lower(a, same(a)), lower(b, same(b)));
      case "ediv":
        return product(lower(a, same(a)), tensor(apply("ediv", constant(1), b), same(b)));
      case "transpose":
        return lower(a, a.shape.length === 2 && a.shape[0] !== 1 ? [...idx].reverse() : idx);
      case "sum": {
        const inner = names.forShape(a.shape);
        return lower(a, inner).map((t) => ({ ...t, summed: [...t.summed, ...inner] }));
      }
      case "sumCols":
      case "sumRows":
      case "meanCols":
      case "meanRows": {
        // sum(X, 1)[j] = Σ_i X[i,j] and sum(X, 2)[i] = Σ_j X[i,j]; a mean divides by the axis's size.
        const down = n.op === "sumCols" || n.op === "meanCols";
        const axis = a.shape[down ? 0 : 1]!;
        const c = names.fresh(axis);
        const out = roles(n, idx);
        const inner = down ? [c, out.col ?? out.row!] : [out.row!, c];
        const terms = lower(a, a.shape[0] === 1 ? [inner[1]!] : inner).map((t) => ({
          ...t,
          summed: a.shape[0] === 1 && down ? t.summed : [...t.summed, c],
        }));
        if (n.op === "sumCols" || n.op === "sumRows") return terms;
        return product(terms, tensor(apply("div", constant(1), sizeNode(axis)), []));
      }
      case "dot": {
        const c = names.fresh(a.shape[0]!);
        return product(lower(a, [c]), lower(b, [c]), [c]);
      }
      case "tr": {
        const c = names.fresh(a.shape[0]!);
        return lower(a, [c, c]).map((t) => ({ ...t, summed: [...t.summed, c] }));
      }
      case "diagMatrix":
        return product(lower(a, [idx[0]!]), [
          { coefficient: 1, factors: [{ kind: "delta", indices: [idx[0]!, idx[1]!] }], summed: [] },
        ]);
      case "diagVector":
        return lower(a, [idx[0]!, idx[0]!]);
      default: {
        // stack
        const { cols } = stackLayout(n.shape);
        return n.args.flatMap((entry, k) => {
          const units: IndexFactor[] =
            idx.length === 2
              ? [
                  { kind: "unit", indices: [idx[0]!], position: Math.floor(k / cols) },
                  { kind: "unit", indices: [idx[1]!], position: k % cols },
                ]
              : [{ kind: "unit", indices: [idx[0]!], position: k }];
          return product([{ coefficient: 1, factors: units, summed: [] }], lower(entry, []));
        });
      }
    }
  };
  return simplifyTerms(lower(root, indices));
}

/**
 * Lowers `node` (linear in `seed`) with the given indices to index form, where the seed's entries are
 * replaced by deltas onto `seedIndices`.
 */
export function lowerLinear(
  node: Node,
  indices: readonly string[],
  seed: Node,
  seedIndices: readonly string[],
  names: IndexNames,
): IndexTerm[] {
  return lowerStructure(node, indices, names, { seed: { node: seed, indices: seedIndices } });
}

/** Any expression in index notation: products become sums over shared indices (at most `budget` terms). */
export function indexView(node: Node, budget = INDEX_TERM_BUDGET): IndexForm {
  const names = new IndexNames();
  const indices = names.forShape(node.shape);
  const terms = lowerStructure(node, indices, names, { budget });
  return { indices, terms, sizes: { ...names.sizes } };
}

/**
 * A factor with its axes of size 1 written as they are meant: such an axis carries no index (a lowering
 * reaching one leaves its index undefined). A delta between two of them is 1, and between an index and
 * one, that index at its first position.
 */
function unitAxesDropped(f: IndexFactor): IndexFactor[] {
  if (f.indices.every((i) => i !== undefined)) return [f];
  if (f.kind === "delta") {
    const known = f.indices.find((i) => i !== undefined);
    return known === undefined ? [] : [{ kind: "unit", indices: [known], position: 0 }];
  }
  if (f.kind === "tensor") return [{ ...f, indices: f.indices.filter((i) => i !== undefined) }];
  return [f];
}

/** Removes deltas on summed indices, drops zero terms and identity factors. */
export function simplifyTerms(terms: readonly IndexTerm[]): IndexTerm[] {
  const out: IndexTerm[] = [];
  for (const term of terms) {
    if (term.coefficient === 0) continue;
    let factors = term.factors.flatMap(unitAxesDropped);
    let summed = [...term.summed];
    let changed = true;
    while (changed) {
      changed = false;
      for (let f = 0; f < factors.length; f++) {
        const factor = factors[f]!;
        if (factor.kind === "tensor" && factor.node.op === "identity") {
          // A 1×1 identity (its axes of size 1 carry no index) is the number 1.
          if (factor.indices.length < 2) {
            factors.splice(f, 1);
            changed = true;
            break;
          }
          factors[f] = { kind: "delta", indices: [factor.indices[0]!, factor.indices[1]!] };
        }
        const current = factors[f]!;
        if (current.kind !== "delta") continue;
        const [p, q] = current.indices;
        const gone = summed.includes(q) ? q : summed.includes(p) ? p : undefined;
        if (gone === undefined || p === q) continue;
        const keep = gone === q ? p : q;
        const rename = (i: string) => (i === gone ? keep : i);
        factors = factors
          .filter((_x, k) => k !== f)
          .map((x) => ({ ...x, indices: x.indices.map(rename) }) as IndexFactor);
        summed = summed.filter((i) => i !== gone);
        changed = true;
        break;
      }
    }
    out.push({ coefficient: term.coefficient, factors, summed });
  }
  return out;
}

/** The derivative tensor of `expr` by `variable` in index form: T[output…, variable…]. */
export function indexDerivative(
  expr: Node,
  wrt: Node,
  names: IndexNames,
  outputIndices: readonly string[],
): IndexForm {
  const seed = variable(`d${wrt.attrs.name}`, wrt.shape);
  const variableIndices = names.forShape(wrt.shape);
  const tangent = jvp(expr, wrt, seed);
  const terms = tangent === null ? [] : lowerLinear(tangent, outputIndices, seed, variableIndices, names);
  return { indices: [...outputIndices, ...variableIndices], terms, sizes: { ...names.sizes } };
}

/** The derivative of an index form by a variable, by the product rule over its factors. */
export function differentiateIndexForm(form: IndexForm, wrt: Node, names: IndexNames): IndexForm {
  for (const [name, size] of Object.entries(form.sizes)) names.sizes[name] = size;
  const seed = variable(`d${wrt.attrs.name}`, wrt.shape);
  const variableIndices = names.forShape(wrt.shape);
  const terms: IndexTerm[] = [];
  for (const term of form.terms) {
    term.factors.forEach((factor, k) => {
      if (factor.kind !== "tensor") return;
      const tangent = jvp(factor.node, wrt, seed);
      if (tangent === null) return;
      const rest = term.factors.filter((_f, j) => j !== k);
      const lowered = lowerLinear(tangent, factor.indices, seed, variableIndices, names);
      if (terms.length + lowered.length > INDEX_TERM_BUDGET) throw tooManyTerms(INDEX_TERM_BUDGET);
      for (const piece of lowered) {
        terms.push({
          coefficient: term.coefficient * piece.coefficient,
          factors: [...rest, ...piece.factors],
          summed: [...term.summed, ...piece.summed],
        });
      }
    });
  }
  return {
    indices: [...form.indices, ...variableIndices],
    terms: simplifyTerms(terms),
    sizes: { ...names.sizes },
  };
}

/**
 * A derivative by a symmetric matrix, in index form, made to act on the symmetric matrices: for each
 * pair (k, l) of the variable's indices, the projection (T[…k,l] + T[…l,k]) / 2, or the Matrix
 * Cookbook's derivative by the free entries, T[…k,l] + T[…l,k] − δ[k,l] T[…k,l]. A gradient's
 * (G + G')/2 and G + G' − G .* I are the case of a scalar output.
 */
export function symmetrizeIndexForm(
  form: IndexForm,
  pairs: ReadonlyArray<readonly [string, string]>,
  convention: "projection" | "cookbook",
): IndexForm {
  let terms: readonly IndexTerm[] = form.terms;
  for (const [k, l] of pairs) {
    const swap = (i: string) => (i === k ? l : i === l ? k : i);
    const swapped = terms.map(
      (t): IndexTerm => ({
        ...t,
        factors: t.factors.map((f) => ({ ...f, indices: f.indices.map(swap) }) as IndexFactor),
      }),
    );
    const next =
      convention === "projection"
        ? [...scaled(terms, 0.5), ...scaled(swapped, 0.5)]
        : [
            ...terms,
            ...swapped,
            ...terms.map(
              (t): IndexTerm => ({
                ...t,
                coefficient: -t.coefficient,
                factors: [...t.factors, { kind: "delta", indices: [k, l] }],
              }),
            ),
          ];
    if (next.length > INDEX_TERM_BUDGET) throw tooManyTerms(INDEX_TERM_BUDGET);
    terms = next;
  }
  return { ...form, terms: simplifyTerms(terms) };
}

/**
 * An index form made shorter without changing its value, with the simplifier given: every factor
 * simplified, with its constant factor moved into the term's coefficient (12 (2*x)[i] is 24 x[i]);
 * and every index summed over exactly two factors contracted into their matrix product
 * (Σ_p V'[l,p] V[p,j] is (V'*V)[l,j], Σ_p A[i,p] x[p] is (A*x)[i]).
 */
export function tidyIndexForm(form: IndexForm, simplify: (node: Node) => Node): IndexForm {
  const terms = form.terms.map((term) => {
    let coefficient = term.coefficient;
    let factors: IndexFactor[] = [];
    for (const f of term.factors) {
      if (f.kind !== "tensor") {
        factors.push(f);
        continue;
      }
      let node = simplify(f.node);
      // A number times a factor: the number joins the coefficient.
      while (node.op === "mul" && node.args[0]!.op === "const" && node.args[0]!.attrs.symbol === undefined) {
        coefficient *= node.args[0]!.attrs.value!;
        node = node.args[1]!;
      }
      if (node.op === "const" && node.attrs.symbol === undefined && node.shape.length === 0) {
        coefficient *= node.attrs.value!;
        continue;
      }
      factors.push({ kind: "tensor", node, indices: f.indices });
    }
    let summed = [...term.summed];
    for (let changed = true; changed; ) {
      changed = false;
      for (const p of summed) {
        const holding = factors.flatMap((f, k) => (f.indices.includes(p) ? [k] : []));
        if (holding.length !== 2) continue;
        const [a, b] = holding.map((k) => factors[k]!);
        const product = contracted(a!, b!, p, simplify);
        if (product === null) continue;
        factors = [...factors.filter((_f, k) => !holding.includes(k)), product];
        summed = summed.filter((i) => i !== p);
        changed = true;
        break;
      }
    }
    return { coefficient, factors, summed };
  });
  return { ...form, terms: simplifyTerms(terms.filter((t) => t.coefficient !== 0)) };
}

/** Σ_p a·b over an index p that a and b share, as one factor indexed by the rest; null if none. */
function contracted(
  a: IndexFactor,
  b: IndexFactor,
  p: string,
  simplify: (node: Node) => Node,
): IndexFactor | null {
  if (a.kind !== "tensor" || b.kind !== "tensor") return null;
  // Each factor as a matrix whose column index is p: [i, p] as it is, [p, i] transposed, [p] as a row.
  const oriented = (
    f: Extract<IndexFactor, { kind: "tensor" }>,
  ): { node: Node; rest: string | null } | null => {
    const rank = f.node.shape.length;
    if (f.indices.filter((i) => i === p).length !== 1) return null;
    if (rank === 1 && f.indices.length === 1) return { node: apply("transpose", f.node), rest: null };
    if (rank !== 2 || f.indices.length !== 2) return null;
    const [i, j] = f.indices as [string, string];
    return j === p ? { node: f.node, rest: i } : { node: apply("transpose", f.node), rest: j };
  };
  const [x, y] = [oriented(a), oriented(b)];
  if (x === null || y === null) return null;
  if (x.rest !== null && x.rest === y.rest) return null; // a diagonal, not a product
  // Σ_p X[r,p] Y[s,p] = (X*Y')[r,s]; a row (no r) makes a row, which is indexed as its vector.
  const node = simplify(apply("mul", x.node, apply("transpose", y.node)));
  const indices = [x.rest, y.rest].filter((i): i is string => i !== null);
  if (node.shape.length === 2 && indices.length === 1) {
    // x'*Y' (1×s) or X*y (r×1 as a matrix): indexed by its one non-unit axis.
    return node.shape[0] === 1 || node.shape[1] === 1
      ? { kind: "tensor", node: simplify(node.shape[0] === 1 ? apply("transpose", node) : node), indices }
      : null;
  }
  if (node.shape.length !== indices.length) return null;
  return { kind: "tensor", node, indices };
}

/**
 * A two-index form T[i, j] with no sums left as a matrix, where every term is a product of matrices
 * indexed [i, j] or [j, i] (a Hadamard product), vectors indexed i or j (an outer product), numbers,
 * and at most a δ[i, j] with vectors and numbers only (a diagonal): x[i] (A*x)[j] is x*(A*x)',
 * P[i,j] P[i,j] is P .* P, s δ[i,j] is s*I. Null where a term is not of that kind.
 */
export function matrixOfIndexForm(form: IndexForm): Node | null {
  if (form.indices.length !== 2) return null;
  const [i, j] = form.indices as [string, string];
  if (i === j) return null;
  const [rows, cols] = [form.sizes[i]!, form.sizes[j]!];
  let total: Node | null = null;
  for (const term of form.terms) {
    if (term.summed.length > 0) return null;
    const scalars: Node[] = [];
    const hadamard: Node[] = [];
    const left: Node[] = [];
    const right: Node[] = [];
    let delta = false;
    for (const f of term.factors) {
      if (f.kind === "delta") {
        const [p, q] = f.indices;
        if (!((p === i && q === j) || (p === j && q === i)) || delta) return null;
        delta = true;
        continue;
      }
      if (f.kind !== "tensor") return null;
      const { node, indices } = f;
      if (indices.length === 0 && node.shape.length === 0) scalars.push(node);
      else if (
        indices.length === 1 &&
        (node.shape.length === 1 || (node.shape.length === 2 && node.shape[0] === 1))
      ) {
        const column = node.shape.length === 1 ? node : apply("transpose", node);
        if (indices[0] === i) left.push(column);
        else if (indices[0] === j) right.push(column);
        else return null;
      } else if (indices.length === 2 && node.shape.length === 2 && indices[0] !== indices[1]) {
        if (indices[0] === i && indices[1] === j) hadamard.push(node);
        else if (indices[0] === j && indices[1] === i) hadamard.push(apply("transpose", node));
        else return null;
      } else return null;
    }
    const entrywise = (vs: Node[]) => vs.reduce((a, b) => apply("emul", a, b));
    let matrix: Node;
    if (delta) {
      if (hadamard.length > 0) return null;
      const vs = [...left, ...right];
      matrix = vs.length === 0 ? identity(rows) : apply("diagMatrix", entrywise(vs));
    } else {
      const column = left.length > 0 ? entrywise(left) : ones(rows);
      const row = right.length > 0 ? entrywise(right) : ones(cols);
      const outer = left.length + right.length > 0 ? apply("mul", column, apply("transpose", row)) : null;
      const product = hadamard.length > 0 ? entrywise(hadamard) : null;
      matrix =
        product && outer
          ? apply("emul", product, outer)
          : (product ?? outer ?? apply("mul", ones(rows), apply("transpose", ones(cols))));
    }
    for (const s of scalars) matrix = apply("mul", s, matrix);
    if (term.coefficient !== 1) matrix = apply("mul", constant(term.coefficient), matrix);
    total = total === null ? matrix : apply("add", total, matrix);
  }
  return total ?? null;
}
