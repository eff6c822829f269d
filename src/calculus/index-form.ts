// Index notation for derivatives that have no matrix form: a tangent expression (linear in the seed
// dX) is lowered to Einstein form with dX[a,b] replaced by δ(a,k)δ(b,l), which gives the derivative
// tensor T[output…, k, l]. Higher orders differentiate the factors by the product rule.
import { type Dim, MatcalcError } from "../core/index.js";
import { type IndexFactor, type IndexForm, type IndexTerm, type Node, postorder } from "../ir/index.js";
import { apply, blockAsSum, constant, entryCount, sizeNode, stackLayout, variable } from "../ops/index.js";
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
  /** Nodes kept whole as indexed factors. */
  readonly isLeaf: (node: Node) => boolean;
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
  // A node that index notation keeps whole must not hold the seed: kron(dA, B)[i,j] is no index form.
  const seeded = seed ? dependsOn(root, seed.node) : new Set<number>();
  // What holds the seed is never a leaf (a block's placed sum is made here, after the caller's walk).
  const isLeaf = (n: Node) => options.isLeaf(n) && !seeded.has(n.id);
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
      return [{ coefficient: 1, factors: [{ kind: "delta", indices: [idx[0]!, idx[1]!] }], summed: [] }];
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
  const depends = dependsOn(node, seed);
  return lowerStructure(node, indices, names, {
    isLeaf: (n) => !depends.has(n.id),
    seed: { node: seed, indices: seedIndices },
  });
}

/** Any expression in index notation: products become sums over shared indices (at most `budget` terms). */
export function indexView(node: Node, budget = INDEX_TERM_BUDGET): IndexForm {
  const names = new IndexNames();
  const indices = names.forShape(node.shape);
  const terms = lowerStructure(node, indices, names, { isLeaf: () => false, budget });
  return { indices, terms, sizes: { ...names.sizes } };
}

/** Removes deltas on summed indices, drops zero terms and identity factors. */
export function simplifyTerms(terms: readonly IndexTerm[]): IndexTerm[] {
  const out: IndexTerm[] = [];
  for (const term of terms) {
    if (term.coefficient === 0) continue;
    let factors = [...term.factors];
    let summed = [...term.summed];
    let changed = true;
    while (changed) {
      changed = false;
      for (let f = 0; f < factors.length; f++) {
        const factor = factors[f]!;
        if (factor.kind === "tensor" && factor.node.op === "identity") {
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
