// Default typing of undeclared names, as on matrixcalculus.org: the first letter decides (a–g scalar,
// h–z column vector, A–Z matrix) and lowercase Greek names are scalars. Reserved names are listed here.

import { GREEK_LETTERS } from "../ops/index.js";
import type { DeclaredKind } from "../syntax/index.js";

export const RESERVED_NAMES: ReadonlyMap<string, string> = new Map([
  ["I", "the identity matrix"],
  ["eye", "the identity matrix"],
  ["ones", "the all-ones vector"],
  ["pi", "the constant pi"],
]);

/** Whether an undeclared name is a scalar because it is a lowercase Greek name, against its first letter. */
export function greekScalar(name: string): boolean {
  return defaultKind(name) === "scalar" && letterKind(name) !== "scalar";
}

export function defaultKind(name: string): DeclaredKind | undefined {
  const stem = /^[A-Za-z]+/.exec(name)?.[0] ?? "";
  if (GREEK_LETTERS.has(stem.toLowerCase()) && stem[0] === stem[0]!.toLowerCase()) return "scalar";
  return letterKind(name);
}

/** The type the first letter gives: a–g scalar, h–z vector, A–Z matrix. */
function letterKind(name: string): DeclaredKind | undefined {
  const first = name[0] ?? "";
  if (first >= "a" && first <= "g") return "scalar";
  if (first >= "h" && first <= "z") return "vector";
  if (first >= "A" && first <= "Z") return "matrix";
  return undefined;
}
