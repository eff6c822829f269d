// Kronecker forms of tensor derivatives. With column-major vec, d vec(Y)/d vec(X) has entry
// ((q, p), (s, r)) = T[p, q, r, s], and a term that factors as M[q, s]·N[p, r] is the Kronecker
// product M ⊗ N: d vec(A X B)/d vec(X) = B' ⊗ A, d vec(A x)/d vec(A) = x' ⊗ I. A term that does not
// factor this way (the transpose X' mixes the axes) has no Kronecker form, and none is claimed.
import type { IndexFactor, IndexForm, IndexTerm, Node } from "../ir/index.js";
import { apply, identity } from "../ops/index.js";

export interface KroneckerTerm {
  readonly coefficient: number;
  /** Scalar factors (indexed by nothing). */
  readonly scalars: readonly Node[];
  readonly left: Node;
  readonly right: Node;
}

interface Roles {
  /** Output row, output column, variable row, variable column (undefined where the axis is absent). */
  readonly p?: string;
  readonly q?: string;
  readonly r?: string;
  readonly s?: string;
}

/** A group of factors as a matrix indexed [row, col] (either may be absent), or null. */
function asMatrix(
  group: readonly IndexFactor[],
  row: string | undefined,
  col: string | undefined,
  sizes: IndexForm["sizes"],
): Node | null | "one" {
  if (group.length === 0) return row === undefined && col === undefined ? "one" : null;
  if (group.length !== 1) return null;
  const f = group[0]!;
  if (f.kind === "delta") {
    const [a, b] = f.indices;
    if (row !== undefined && col !== undefined && ((a === row && b === col) || (a === col && b === row)))
      return identity(sizes[row]!);
    return null;
  }
  if (f.kind !== "tensor") return null;
  const node = f.node;
  const key = f.indices.join(",");
  if (row !== undefined && col !== undefined && node.shape.length === 2 && node.shape[0] !== 1) {
    if (key === `${row},${col}`) return node;
    if (key === `${col},${row}`) return apply("transpose", node);
    return null;
  }
  if (col === undefined && row !== undefined && key === row && node.shape.length === 1) return node;
  if (row === undefined && col !== undefined && key === col && node.shape.length === 1)
    return apply("transpose", node);
  return null;
}

/**
 * The ways to read a term as M ⊗ N: normally M on (q, s) and N on (p, r). When the output is a vector
 * (no q) its index may instead belong to M (N is then a row over r); when the variable is a vector
 * (no s) its index may belong to M (N is then a column over p): d vec(x*x')/dx = x ⊗ I + I ⊗ x.
 */
function splitTerm(term: IndexTerm, roles: Roles, sizes: IndexForm["sizes"]): KroneckerTerm | null {
  type Pair = [string | undefined, string | undefined];
  const options: Array<{ left: Pair; right: Pair }> = [
    { left: [roles.q, roles.s], right: [roles.p, roles.r] },
  ];
  if (roles.q === undefined) options.push({ left: [roles.p, roles.s], right: [undefined, roles.r] });
  if (roles.s === undefined) options.push({ left: [roles.q, roles.r], right: [roles.p, undefined] });
  for (const option of options) {
    const split = splitWith(term, option.left, option.right, sizes);
    if (split !== null) return split;
  }
  return null;
}

function splitWith(
  term: IndexTerm,
  [leftRow, leftCol]: [string | undefined, string | undefined],
  [rightRow, rightCol]: [string | undefined, string | undefined],
  sizes: IndexForm["sizes"],
): KroneckerTerm | null {
  const leftIndices = new Set([leftRow, leftCol].filter((x): x is string => x !== undefined));
  const rightIndices = new Set([rightRow, rightCol].filter((x): x is string => x !== undefined));
  const left: IndexFactor[] = [];
  const right: IndexFactor[] = [];
  const scalars: Node[] = [];
  for (const f of term.factors) {
    if (f.indices.length === 0 && f.kind === "tensor") {
      scalars.push(f.node);
      continue;
    }
    if (f.indices.some((i) => term.summed.includes(i))) return null;
    if (f.indices.every((i) => leftIndices.has(i))) left.push(f);
    else if (f.indices.every((i) => rightIndices.has(i))) right.push(f);
    else return null;
  }
  if (term.summed.length > 0) return null;
  const l = asMatrix(left, leftRow, leftCol, sizes);
  const r = asMatrix(right, rightRow, rightCol, sizes);
  if (l === null || r === null || l === "one" || r === "one") return null;
  return { coefficient: term.coefficient, scalars, left: l, right: r };
}

/**
 * The Kronecker form of the natural tensor T[output…, variable…] of a first derivative by a matrix
 * (or of a matrix), or null when some term has none.
 */
export function kroneckerForm(
  form: IndexForm,
  outputShape: readonly (number | string)[],
  variableShape: readonly (number | string)[],
): KroneckerTerm[] | null {
  const outputAxes = outputShape.length === 2 && outputShape[0] === 1 ? 1 : outputShape.length;
  const variableAxes = variableShape.length === 2 && variableShape[0] === 1 ? 1 : variableShape.length;
  if (form.indices.length !== outputAxes + variableAxes || outputAxes + variableAxes < 3) return null;
  const [o, v] = [form.indices.slice(0, outputAxes), form.indices.slice(outputAxes)];
  const roles: Roles = {
    ...(o[0] !== undefined ? { p: o[0] } : {}),
    ...(o[1] !== undefined ? { q: o[1] } : {}),
    ...(v[0] !== undefined ? { r: v[0] } : {}),
    ...(v[1] !== undefined ? { s: v[1] } : {}),
  };
  if (form.terms.length === 0) return null;
  const terms: KroneckerTerm[] = [];
  for (const term of form.terms) {
    const split = splitTerm(term, roles, form.sizes);
    if (split === null) return null;
    terms.push(split);
  }
  return terms;
}
