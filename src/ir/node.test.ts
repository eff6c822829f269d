// Hash-consing: one object for one structure, told apart by shape and by the sign of zero.
import { describe, expect, it } from "vitest";
import { internNode } from "./node.js";

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
});
