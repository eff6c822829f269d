// Index (Einstein) form: a tensor written as a sum of terms, each a coefficient times a product of
// factors with some indices summed. It is what a derivative is when no matrix notation fits (order-3
// and order-4 tensors), and it can always be evaluated.
import type { Dim } from "../core/index.js";
import type { Node } from "./node.js";

export type IndexFactor =
  /** An expression (of rank ≤ 2) indexed by one name per non-unit axis. */
  | { readonly kind: "tensor"; readonly node: Node; readonly indices: readonly string[] }
  /** Kronecker delta: 1 where the two indices agree. */
  | { readonly kind: "delta"; readonly indices: readonly [string, string] }
  /** 1 where the index equals `position` (0-based): an entry of a stack. */
  | { readonly kind: "unit"; readonly indices: readonly [string]; readonly position: number };

export interface IndexTerm {
  readonly coefficient: number;
  readonly factors: readonly IndexFactor[];
  readonly summed: readonly string[];
}

export interface IndexForm {
  /** The free indices, in the order of the tensor's axes. */
  readonly indices: readonly string[];
  readonly terms: readonly IndexTerm[];
  /** The size of every index, free or summed. */
  readonly sizes: Readonly<Record<string, Dim>>;
}
