// Hash-consing: equal nodes are one object while any of them is alive, and nodes nothing holds any
// more are collected (a long session does not keep every node it ever built).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { internNode, type Node } from "./node.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** A new task: references a task made weak (WeakRef) are only released once it ends. */
const nextTask = () => new Promise((resolve) => setImmediate(resolve));

const leaf = (name: string) => internNode("var", [], [], { name });

describe("hash-consed nodes", () => {
  it("are one object for one structure, and equal ids mean equal nodes", () => {
    const x = leaf("x_consed");
    const sum = internNode("add", [x, x], []);
    expect(internNode("add", [leaf("x_consed"), leaf("x_consed")], [])).toBe(sum);
    expect(internNode("add", [x, x], [1])).not.toBe(sum);
    expect(internNode("const", [], [], { value: -0 })).not.toBe(internNode("const", [], [], { value: 0 }));
  });

  it("stay one object across tasks and collections while something holds them", async () => {
    const held = internNode("neg", [leaf("x_held")], []);
    await nextTask();
    gc();
    expect(internNode("neg", [leaf("x_held")], [])).toBe(held);
  });

  it("are collected once nothing holds them", async () => {
    let refs: WeakRef<Node>[] = [];
    (() => {
      for (let i = 0; i < 100; i++) refs.push(new WeakRef(internNode("neg", [leaf(`x_dropped${i}`)], [])));
    })();
    await nextTask();
    gc();
    await nextTask();
    gc();
    const alive = refs.filter((r) => r.deref() !== undefined).length;
    refs = [];
    expect(alive).toBe(0);
    // Built again, a structure is a new node (and found again while it lives).
    const again = internNode("neg", [leaf("x_dropped0")], []);
    expect(internNode("neg", [leaf("x_dropped0")], [])).toBe(again);
  });
});
