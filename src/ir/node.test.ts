// Hash-consing: one object for one structure, told apart by shape and by the sign of zero; memos
// remembered per node.
import { describe, expect, it } from "vitest";
import { internNode, nodeMemo, slotsInUse } from "./node.js";

const leaf = (name: string) => internNode("var", [], [], { name });

describe("hash-consed nodes", () => {
  it("are one object for one structure", () => {
    const x = leaf("x_consed");
    const sum = internNode("add", [x, x], []);
    expect(internNode("add", [leaf("x_consed"), leaf("x_consed")], [])).toBe(sum);
    expect(internNode("add", [x, x], [1])).not.toBe(sum);
    expect(internNode("add", [x, leaf("y_consed")], [])).not.toBe(sum);
    expect(internNode("const", [], [], { value: -0 })).not.toBe(internNode("const", [], [], { value: 0 }));
    expect(internNode("var", [], [2, 2], { name: "S", symmetric: true })).not.toBe(
      internNode("var", [], [2, 2], { name: "S" }),
    );
  });

  it("are found again among many users of one operand (a list, then a table by hash)", () => {
    const constants = Array.from({ length: 40 }, (_, i) => internNode("const", [], [], { value: i }));
    const x = leaf("x_popular"); // the operand with a variable: the anchor of every product below
    const make = (i: number) => internNode("mul", [constants[i]!, x], []);
    const first = Array.from({ length: 40 }, (_, i) => make(i));
    expect(new Set(first).size).toBe(40);
    expect(Array.from({ length: 40 }, (_, i) => make(i))).toEqual(first);
    for (let i = 0; i < 40; i++) expect(make(i)).toBe(first[i]);
    expect(internNode("mul", [x, x], [])).not.toBe(internNode("add", [x, x], []));
  });

  it("make every NaN one constant, whatever its bits", () => {
    const bits = new Float64Array(1);
    new Uint32Array(bits.buffer).set([1, 0x7ff80000]);
    const otherNaN = bits[0]!;
    expect(Number.isNaN(otherNaN)).toBe(true);
    expect(internNode("const", [], [], { value: otherNaN })).toBe(
      internNode("const", [], [], { value: Number.NaN }),
    );
  });

  it("copy the attributes they are given, and share one empty set", () => {
    const attrs = { name: "z_copied" };
    const z = internNode("var", [], [], attrs);
    expect(z.attrs).toEqual(attrs);
    expect(z.attrs).not.toBe(attrs);
    expect(Object.isFrozen(z.attrs)).toBe(true);
    const x = leaf("x_consed");
    expect(internNode("neg", [x], [], {}).attrs).toBe(internNode("exp", [x], []).attrs);
  });
});

describe("memos per node", () => {
  it("remember a value per node, and many memos do not lengthen every node's hidden slots", () => {
    const a = leaf("a_memo");
    const b = leaf("b_memo");
    const memos = Array.from({ length: 200 }, () => nodeMemo<number>());
    memos.forEach((m, i) => {
      m.set(a, i);
      m.set(b, -i);
    });
    memos.forEach((m, i) => {
      expect(m.get(a)).toBe(i);
      expect(m.get(b)).toBe(-i);
      expect(m.has(leaf("c_memo"))).toBe(false);
    });
    expect(slotsInUse(a)).toBeGreaterThan(0);
    expect(slotsInUse(a)).toBeLessThanOrEqual(64);
    expect(JSON.stringify(a)).not.toContain("slots");
    expect(Object.keys(a)).toEqual(["id", "op", "args", "shape", "attrs"]);
  });
});
