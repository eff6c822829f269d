// Binding JSON values (SPEC §3) to a problem's variables: each value is checked against its
// variable's kind, and the sizes it implies must agree with each other and with the declarations.
import { type Dim, isSizeSymbol, MatcalcError, type Shape, settleSizes } from "../core/index.js";
import type { LinearAlgebra, Tensor } from "../tensor/index.js";

export interface VariableDescription {
  readonly name: string;
  readonly shape: Shape;
  readonly symmetric?: boolean;
}

export interface Bindings {
  readonly variables: ReadonlyMap<string, Tensor>;
  readonly sizes: ReadonlyMap<string, number>;
  /** The linear algebra to evaluate with (plain loops when not given). */
  readonly linalg?: LinearAlgebra;
}

function valueError(message: string): MatcalcError {
  return new MatcalcError("value", message);
}

function isNumber(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

function describeNonNumber(x: unknown): string {
  if (typeof x === "number") return String(x); // NaN, Infinity: not a finite number
  if (typeof x === "string") return `"${x.length > 20 ? `${x.slice(0, 20)}…` : x}"`;
  return x === null ? "null" : Array.isArray(x) ? "an array" : typeof x;
}

/** A typed array of numbers (Float64Array and the like) read as a plain array; anything else as it is. */
function plain(value: unknown): unknown {
  return ArrayBuffer.isView(value) && !(value instanceof DataView)
    ? Array.from(value as unknown as ArrayLike<number>)
    : value;
}

/** The JSON value of one variable as a tensor of the variable's rank. */
export function tensorFromJson(name: string, rank: number, given: unknown, rowVector = false): Tensor {
  let value = plain(given);
  if (rank === 0) {
    // A 1×1 matrix or a 1-vector is a scalar (as in Matlab and NumPy's item()).
    while (Array.isArray(value) && value.length === 1) value = plain(value[0]);
    if (isNumber(value)) return { shape: [], data: Float64Array.of(value) };
    throw valueError(`${name} must be a finite number (it is a scalar), got ${describeNonNumber(value)}`);
  }
  if (Array.isArray(value)) value = value.map(plain);
  // A column given as rows of one entry ([[1], [2]]) is a vector; a row as a flat array is a 1×n row.
  if (rank === 1 && Array.isArray(value) && value.every((r) => Array.isArray(r) && r.length === 1))
    value = value.map((r) => (r as unknown[])[0]);
  if (rank === 2 && Array.isArray(value) && value.length > 0 && !value.some(Array.isArray) && rowVector)
    value = [value];
  if (rank === 1) {
    if (!Array.isArray(value)) throw valueError(`${name} must be a flat array of numbers (it is a vector)`);
    if (value.length === 0) throw valueError(`${name} is empty`);
    const bad = value.findIndex((x) => !isNumber(x));
    if (bad >= 0)
      throw valueError(
        `${name}[${bad + 1}] must be a finite number, got ${describeNonNumber(value[bad])} (${name} is a vector)`,
      );
    return { shape: [value.length], data: Float64Array.from(value as number[]) };
  }
  if (rank === 2) {
    if (!Array.isArray(value) || value.length === 0 || !value.every(Array.isArray)) {
      throw valueError(`${name} must be an array of rows, each an array of numbers (it is a matrix)`);
    }
    const rows = value as unknown[][];
    const cols = rows[0]!.length;
    if (cols === 0) throw valueError(`${name} has an empty row`);
    const data = new Float64Array(rows.length * cols);
    rows.forEach((row, i) => {
      if (row.length !== cols)
        throw valueError(
          `row ${i + 1} of ${name} has ${row.length === 1 ? "1 entry" : `${row.length} entries`}, row 1 has ${cols}`,
        );
      row.forEach((x, j) => {
        if (!isNumber(x))
          throw valueError(
            `${name}[${i + 1}][${j + 1}] must be a finite number, got ${describeNonNumber(x)}`,
          );
        data[i * cols + j] = x;
      });
    });
    return { shape: [rows.length, cols], data };
  }
  throw valueError(`${name} has rank ${rank}, which values cannot give`);
}

const AXIS_NAMES = [["entries"], ["rows", "columns"]];

/**
 * Binds values to variables. A key that names a size symbol rather than a variable (`{"n": 3}`) fixes
 * that size, which is how an expression such as `I` alone gets its size.
 */
export function bindValues(
  variables: readonly VariableDescription[],
  json: unknown,
  sizeSymbols: readonly string[] = [],
): Bindings {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw valueError("values must be a JSON object mapping names to numbers or arrays");
  }
  const given = json as Record<string, unknown>;
  const tensors = new Map<string, Tensor>();
  const sizes = new Map<string, number>();
  const boundBy = new Map<string, string>();
  /** Axes whose size is a sum or product of symbols ([x; y]'s n+m): settled once the symbols are. */
  const compound: { dim: Dim; actual: number; who: string }[] = [];
  for (const symbol of sizeSymbols) {
    if (!Object.hasOwn(given, symbol) || variables.some((v) => v.name === symbol)) continue;
    const size = given[symbol];
    if (typeof size !== "number" || !Number.isInteger(size) || size < 1) {
      throw valueError(`the size ${symbol} must be a positive whole number, got ${describeNonNumber(size)}`);
    }
    sizes.set(symbol, size);
    boundBy.set(symbol, `${symbol} is given as ${size}`);
  }
  for (const v of variables) {
    if (!Object.hasOwn(given, v.name)) continue;
    const shape = v.shape;
    const row = shape.length === 2 && shape[0] === 1;
    const t = tensorFromJson(v.name, shape.length, given[v.name], row);
    shape.forEach((dim: Dim, axis) => {
      const actual = t.shape[axis]!;
      const axisName = AXIS_NAMES[shape.length - 1]?.[axis] ?? `size ${axis + 1}`;
      const who = `${v.name} has ${actual} ${actual === 1 ? axisName.replace(/(ies|s)$/, (m) => (m === "ies" ? "y" : "")) : axisName}`;
      if (typeof dim === "number") {
        if (dim !== actual) throw valueError(`${who}, but it is declared with ${dim}`);
        return;
      }
      if (!isSizeSymbol(dim)) {
        compound.push({ dim, actual, who });
        return;
      }
      const known = sizes.get(dim);
      if (known === undefined) {
        sizes.set(dim, actual);
        boundBy.set(dim, who);
      } else if (known !== actual) {
        throw valueError(`values disagree on the size ${dim}: ${boundBy.get(dim)}, but ${who}`);
      }
    });
    if (v.symmetric) {
      const n = t.shape[0]!;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) {
          const a = t.data[i * n + j]!;
          const b = t.data[j * n + i]!;
          if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(a), Math.abs(b))) {
            throw valueError(
              `${v.name} is declared symmetric, but ${v.name}[${i + 1}][${j + 1}] ≠ ${v.name}[${j + 1}][${i + 1}]`,
            );
          }
        }
      }
    }
    tensors.set(v.name, t);
  }
  const conflict = settleSizes(compound, sizes);
  if (conflict !== null) {
    const who = compound.find((c) => c.dim === conflict.dim && c.actual === conflict.actual)!.who;
    const must = conflict.expected === undefined ? "" : ` = ${conflict.expected}`;
    throw valueError(`values disagree on the size ${conflict.dim}${must}: ${who}`);
  }
  return { variables: tensors, sizes };
}
