// Symbolic sizes by unification: a union-find over size variables. A class may be pinned to one
// declared symbol (rigid: two different symbols never unify) and/or to one integer.
import { type Dim, formatShape } from "../core/index.js";
import type { DimAlgebra } from "../ops/index.js";

export type SizeHandle = number;

interface Binding {
  symbol?: string;
  value?: number;
}

/** Names given to sizes nobody named, in order of first appearance (a lone size is called n). */
const GENERATED_NAMES = ["m", "n", "k", "p", "q", "r", "s", "t", "u", "v", "w"];

export class SizeUnifier implements DimAlgebra<SizeHandle> {
  private readonly parent: number[] = [];
  private readonly binding: Binding[] = [];
  private readonly symbols = new Map<string, SizeHandle>();

  fresh(): SizeHandle {
    this.parent.push(this.parent.length);
    this.binding.push({});
    return this.parent.length - 1;
  }

  symbol(name: string): SizeHandle {
    const existing = this.symbols.get(name);
    if (existing !== undefined) return existing;
    const handle = this.fresh();
    this.binding[handle] = { symbol: name };
    this.symbols.set(name, handle);
    return handle;
  }

  literal(value: number): SizeHandle {
    const handle = this.fresh();
    this.binding[handle] = { value };
    return handle;
  }

  one(): SizeHandle {
    return this.literal(1);
  }

  find(handle: SizeHandle): SizeHandle {
    let root = handle;
    while (this.parent[root] !== root) root = this.parent[root]!;
    while (this.parent[handle] !== root) {
      const next = this.parent[handle]!;
      this.parent[handle] = root;
      handle = next;
    }
    return root;
  }

  unify(a: SizeHandle, b: SizeHandle): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return true;
    const ba = this.binding[ra]!;
    const bb = this.binding[rb]!;
    if (ba.symbol !== undefined && bb.symbol !== undefined && ba.symbol !== bb.symbol) return false;
    if (ba.value !== undefined && bb.value !== undefined && ba.value !== bb.value) return false;
    const merged: Binding = {};
    const symbol = ba.symbol ?? bb.symbol;
    const value = ba.value ?? bb.value;
    if (symbol !== undefined) merged.symbol = symbol;
    if (value !== undefined) merged.value = value;
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent[child] = root;
    this.binding[root] = merged;
    return true;
  }

  isOne(handle: SizeHandle): boolean {
    return this.binding[this.find(handle)]!.value === 1;
  }

  /** The final size of every class: its integer, else its symbol, else a generated name. */
  resolver(): (handle: SizeHandle) => Dim {
    const taken = new Set(this.symbols.keys());
    const unnamedRoots: number[] = [];
    for (let h = 0; h < this.parent.length; h++) {
      const root = this.find(h);
      const b = this.binding[root]!;
      if (b.value === undefined && b.symbol === undefined && !unnamedRoots.includes(root))
        unnamedRoots.push(root);
    }
    const names = new Map<number, string>();
    const pool = unnamedRoots.length === 1 ? ["n", ...GENERATED_NAMES] : GENERATED_NAMES;
    let next = 0;
    for (const root of unnamedRoots) {
      let name = pool[next++];
      while (name !== undefined && taken.has(name)) name = pool[next++];
      const chosen = name ?? `d${root}`;
      taken.add(chosen);
      names.set(root, chosen);
    }
    return (handle) => {
      const root = this.find(handle);
      const b = this.binding[root]!;
      return b.value ?? b.symbol ?? names.get(root)!;
    };
  }

  format(shape: readonly SizeHandle[]): string {
    const resolve = this.resolver();
    return formatShape(shape.map(resolve));
  }
}
