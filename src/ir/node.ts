// Immutable, hash-consed expression nodes. Structurally equal nodes are the same object, so equality
// is identity and shared subexpressions are stored once (the expression is a DAG). Constructors never
// simplify: what is built is what was asked for.
import type { Shape } from "../core/index.js";

export interface NodeAttributes {
  /** Variable name (op "var"). */
  readonly name?: string;
  /** Numeric value (op "const"). */
  readonly value?: number;
  /** A named constant such as pi (op "const"), printed by name. */
  readonly symbol?: string;
  /** The variable is a symmetric matrix (op "var"). */
  readonly symmetric?: boolean;
  /** How many blocks a row of a block matrix has (op "block"; its entries are listed row by row). */
  readonly columns?: number;
}

export interface Node {
  /** Unique per structure; smaller ids were created earlier. */
  readonly id: number;
  readonly op: string;
  readonly args: readonly Node[];
  readonly shape: Shape;
  readonly attrs: NodeAttributes;
}

/**
 * The one implementation of Node. Its scratch slots (see NodeSlot) are a private field: not a
 * property, so nodes print, compare and serialize without them, and freezing the node leaves them
 * writable. A class with its fields set in the constructor gives every node the same hidden layout.
 */
class IrNode implements Node {
  readonly #slots: unknown[] = [];
  /** The nodes this one is the anchor of (where they are looked up); see internNode. */
  #users: Node[] | Map<number, Node | Node[]> | null = null;
  /** Whether a variable occurs in the node (then it lives only as long as its variables, see below). */
  readonly #variable: boolean;

  constructor(
    readonly id: number,
    readonly op: string,
    readonly args: readonly Node[],
    readonly shape: Shape,
    readonly attrs: NodeAttributes,
  ) {
    let variable = op === "var";
    for (let i = 0; !variable && i < args.length; i++) variable = (args[i] as IrNode).#variable;
    this.#variable = variable;
    Object.freeze(this);
  }

  static hasVariable(n: Node): boolean {
    return (n as IrNode).#variable;
  }

  static slots(n: Node): unknown[] {
    return (n as IrNode).#slots;
  }

  static users(n: Node): Node[] | Map<number, Node | Node[]> | null {
    return (n as IrNode).#users;
  }

  static setUsers(n: Node, users: Node[] | Map<number, Node | Node[]>): void {
    (n as IrNode).#users = users;
  }
}

let slotCount = 0;

/**
 * A value remembered on each node, for caches of pure functions of a node (its size, its sort key,
 * what a rule made of it). Kept in the node's private slot array rather than in a table, so a lookup
 * reads the node, which is usually in cache, instead of probing a table as large as every node ever
 * built. Being private, the slots do not show: nodes print, compare and serialize without them.
 */
export class NodeSlot<T> {
  private readonly index = slotCount++;

  get(n: Node): T | undefined {
    return IrNode.slots(n)[this.index] as T | undefined;
  }

  has(n: Node): boolean {
    return IrNode.slots(n)[this.index] !== undefined;
  }

  set(n: Node, value: T): void {
    IrNode.slots(n)[this.index] = value;
  }
}

/** How many slots a node's hidden array holds (at most MAX_SLOTS; for tests and diagnostics). */
export function slotsInUse(n: Node): number {
  return IrNode.slots(n).length;
}

/** A value remembered per node: the common face of a slot and of a weak table. */
export interface NodeMemo<T> {
  get(n: Node): T | undefined;
  has(n: Node): boolean;
  set(n: Node, value: T): void;
}

/** Slots are few and fixed: past this many, a memo is a WeakMap (so no node's array grows long). */
const MAX_SLOTS = 64;

/**
 * A memo for a pure function of a node: a slot on the nodes while slots remain (caches made once, at
 * module level, take those), else a WeakMap (for memos made per call, such as a caller's own rule
 * list, which would otherwise take a slot each).
 */
export function nodeMemo<T>(): NodeMemo<T> {
  return slotCount < MAX_SLOTS ? new NodeSlot<T>() : new WeakMap<Node, T>();
}

/** Leaves by a hash of their structure; equal hashes hold a bucket, compared field by field. */
const table = new Map<number, Node | Node[]>();
/** The attributes of every node that has none (most of them), shared. */
const NO_ATTRIBUTES: NodeAttributes = Object.freeze({});
let nextId = 1;

/** FNV-1a over a string, continuing from `hash` (start from 0x811c9dc5). */
export function mixText(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

function mixNumber(hash: number, value: number): number {
  return Math.imul(hash ^ (value | 0), 0x01000193) ^ ((value / 4294967296) | 0);
}

const doubleBits = new Float64Array(1);
const doubleWords = new Int32Array(doubleBits.buffer);

/** A number by its bits (so 0 and −0 differ, as Object.is tells them apart); every NaN alike. */
function mixDouble(hash: number, value: number): number {
  doubleBits[0] = Number.isNaN(value) ? Number.NaN : value;
  return Math.imul(Math.imul(hash ^ doubleWords[0]!, 0x01000193) ^ doubleWords[1]!, 0x01000193);
}

function hashOf(op: string, args: readonly Node[], shape: Shape, attrs: NodeAttributes): number {
  let h = mixText(0x811c9dc5, op);
  for (const d of shape) h = typeof d === "number" ? mixNumber(h, d + 0x9e37) : mixText(h ^ 0x2f, d);
  for (const a of args) h = mixNumber(h, a.id);
  if (attrs === NO_ATTRIBUTES) return h & 0x3fffffff;
  if (attrs.name !== undefined) h = mixText(h ^ 0x11, attrs.name);
  if (attrs.value !== undefined) h = mixDouble(h ^ 0x13, attrs.value);
  if (attrs.symbol !== undefined) h = mixText(h ^ 0x17, attrs.symbol);
  if (attrs.symmetric) h = mixNumber(h, 0x5e);
  if (attrs.columns !== undefined) h = mixNumber(h ^ 0x1d, attrs.columns);
  // Kept to 30 bits: a small integer, which a Map hashes without boxing a number.
  return h & 0x3fffffff;
}

function sameNode(
  node: Node,
  op: string,
  args: readonly Node[],
  shape: Shape,
  attrs: NodeAttributes,
): boolean {
  if (node.op !== op || node.args.length !== args.length || node.shape.length !== shape.length) return false;
  for (let i = 0; i < args.length; i++) if (node.args[i] !== args[i]) return false;
  for (let i = 0; i < shape.length; i++) if (node.shape[i] !== shape[i]) return false;
  const a = node.attrs;
  if (a === attrs) return true;
  return (
    a.name === attrs.name &&
    Object.is(a.value, attrs.value) &&
    a.symbol === attrs.symbol &&
    (a.symmetric ?? false) === (attrs.symmetric ?? false) &&
    a.columns === attrs.columns
  );
}

/**
 * A frozen copy of the attributes, its fields added one by one in a fixed order. Nodes with the same
 * fields then share one hidden class, so reading them stays fast: a spread copy, once frozen, can get
 * a hidden class of its own, and reads of a few thousand such objects measured ~1 µs each.
 */
function copyAttributes(attrs: NodeAttributes): NodeAttributes {
  if (attrs === NO_ATTRIBUTES) return attrs;
  const out: { name?: string; value?: number; symbol?: string; symmetric?: boolean; columns?: number } = {};
  if (attrs.name !== undefined) out.name = attrs.name;
  if (attrs.value !== undefined) out.value = attrs.value;
  if (attrs.symbol !== undefined) out.symbol = attrs.symbol;
  if (attrs.symmetric !== undefined) out.symmetric = attrs.symmetric;
  if (attrs.columns !== undefined) out.columns = attrs.columns;
  return out.name === undefined &&
    out.value === undefined &&
    out.symbol === undefined &&
    out.symmetric === undefined &&
    out.columns === undefined
    ? NO_ATTRIBUTES
    : Object.freeze(out);
}

/**
 * The node for `op(args)` with the given shape and attributes: the existing one if an equal node was
 * made before. The caller is responsible for the shape being the op's result shape (ops/ builds nodes
 * through its shape rules).
 */
export function internNode(
  op: string,
  args: readonly Node[],
  shape: Shape,
  attrs: NodeAttributes = NO_ATTRIBUTES,
): Node {
  if (args.length === 0) return internLeaf(op, shape, attrs);
  // A node is made after its operands, so an equal node, if any, is among the users of its anchor: its
  // youngest operand, a short list on a node just used, instead of a probe into a table of every node.
  // An operand with a variable in it is preferred, so a node with variables is reachable only from
  // them (never from a constant kept for good), and goes when they go.
  const anchor = anchorOf(args);
  const users = IrNode.users(anchor);
  let hash = 0;
  if (users instanceof Map) {
    hash = hashOf(op, args, shape, attrs);
    const found = findIn(users.get(hash), op, args, shape, attrs);
    if (found !== null) return found;
  } else if (users !== null) {
    for (let i = 0; i < users.length; i++) {
      const candidate = users[i]!;
      if (sameNode(candidate, op, args, shape, attrs)) return candidate;
    }
  }
  const node = makeNode(op, args, shape, attrs);
  if (users === null) IrNode.setUsers(anchor, [node]);
  else if (users instanceof Map) addTo(users, hash, node);
  else if (users.length < MAX_LISTED_USERS) users.push(node);
  else {
    // A much-used operand (a constant, the variable): its users by hash.
    const byHash = new Map<number, Node | Node[]>();
    for (const u of users) addTo(byHash, hashOf(u.op, u.args, u.shape, u.attrs), u);
    addTo(byHash, hashOf(op, args, shape, attrs), node);
    IrNode.setUsers(anchor, byHash);
  }
  return node;
}

/** The youngest operand with a variable in it, else the youngest operand. */
function anchorOf(args: readonly Node[]): Node {
  let anchor = args[0]!;
  let variable = IrNode.hasVariable(anchor);
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    const v = IrNode.hasVariable(a);
    if ((v && !variable) || (v === variable && a.id > anchor.id)) {
      anchor = a;
      variable = v;
    }
  }
  return anchor;
}

/** Users kept in a list up to this many; past it, in a table by hash. */
const MAX_LISTED_USERS = 12;

function internLeaf(op: string, shape: Shape, attrs: NodeAttributes): Node {
  const hash = hashOf(op, NO_ARGS, shape, attrs);
  if (op === "var") return internVariable(hash, shape, attrs);
  const found = findIn(table.get(hash), op, NO_ARGS, shape, attrs);
  if (found !== null) return found;
  const node = makeNode(op, NO_ARGS, shape, attrs);
  addTo(table, hash, node);
  return node;
}

/**
 * Variables are held weakly: a node with a variable in it is reachable only from the variables it is
 * built on (through the users of its anchor, see internNode), so once nothing holds a problem's
 * variables or anything built on them, the whole of its expressions, derivatives and remembered
 * rewrites can be collected. Constants, sizes, identities and the like stay (few, and shared by every
 * problem), with the nodes made of them alone.
 */
const variables = new Map<number, WeakRef<Node>[]>();
const forgotten = new FinalizationRegistry<number>((hash) => {
  const bucket = variables.get(hash);
  if (bucket === undefined) return;
  const alive = bucket.filter((ref) => ref.deref() !== undefined);
  if (alive.length === 0) variables.delete(hash);
  else variables.set(hash, alive);
});

function internVariable(hash: number, shape: Shape, attrs: NodeAttributes): Node {
  const bucket = variables.get(hash);
  if (bucket !== undefined) {
    for (const ref of bucket) {
      const candidate = ref.deref();
      if (candidate !== undefined && sameNode(candidate, "var", NO_ARGS, shape, attrs)) return candidate;
    }
  }
  const node = makeNode("var", NO_ARGS, shape, attrs);
  const ref = new WeakRef(node);
  if (bucket === undefined) variables.set(hash, [ref]);
  else bucket.push(ref);
  forgotten.register(node, hash);
  return node;
}

const NO_ARGS: readonly Node[] = Object.freeze([]);

function findIn(
  bucket: Node | Node[] | undefined,
  op: string,
  args: readonly Node[],
  shape: Shape,
  attrs: NodeAttributes,
): Node | null {
  if (bucket === undefined) return null;
  if (!Array.isArray(bucket)) return sameNode(bucket, op, args, shape, attrs) ? bucket : null;
  for (const candidate of bucket) if (sameNode(candidate, op, args, shape, attrs)) return candidate;
  return null;
}

function addTo(table: Map<number, Node | Node[]>, hash: number, node: Node): void {
  const bucket = table.get(hash);
  if (bucket === undefined) table.set(hash, node);
  else if (Array.isArray(bucket)) bucket.push(node);
  else table.set(hash, [bucket, node]);
}

function makeNode(op: string, args: readonly Node[], shape: Shape, attrs: NodeAttributes): Node {
  return new IrNode(
    nextId++,
    op,
    args.length === 0 ? NO_ARGS : Object.isFrozen(args) ? args : Object.freeze(args.slice()),
    frozenShape(shape, args),
    copyAttributes(attrs),
  );
}

/**
 * The shape as a frozen array: an operand's own when it is the same (most nodes have the shape of
 * one of their operands), so that the copy and the freeze, a slow call, are made only for new ones.
 */
function frozenShape(shape: Shape, args: readonly Node[]): Shape {
  for (let i = 0; i < args.length; i++) {
    const other = args[i]!.shape;
    if (other === shape) return other;
    if (other.length !== shape.length) continue;
    let same = true;
    for (let k = 0; same && k < shape.length; k++) same = other[k] === shape[k];
    if (same) return other;
  }
  return Object.isFrozen(shape) ? shape : Object.freeze(shape.slice());
}
