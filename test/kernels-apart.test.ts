// Kernels apart from mathematics: differentiating, printing and emitting code compile no WebAssembly
// (the symbolic core does not use the kernels); evaluating a large product does. Run in a fresh
// process whose WebAssembly.Module constructor counts the modules compiled.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");

const SCRIPT = `
let compiled = 0;
const Original = WebAssembly.Module;
WebAssembly.Module = new Proxy(Original, { construct(target, args) { compiled++; return new target(...args); } });
const api = await import("./src/index.ts");
for (const { problem, wrt } of api.LECTURE_EXAMPLES) {
  const d = api.differentiate(problem, wrt, { order: 1 });
  void d.text; void d.latex; void d.index;
  void api.emit(problem, wrt, { target: "js" }).code;
  void api.emit(problem, wrt, { target: "numpy" }).code;
}
const afterDerivatives = compiled;
const n = 96;
const row = Array.from({ length: n }, (_v, j) => (j % 7) / 7);
api.evaluateProblem("A: matrix(n, n), B: matrix(n, n)\\nA*B", { A: Array(n).fill(row), B: Array(n).fill(row) });
console.log(JSON.stringify({ afterDerivatives, afterProduct: compiled }));
`;

describe("the kernels are apart from the symbolic core", () => {
  it("compiles no WebAssembly to differentiate, print and emit code, and compiles it for a large product", () => {
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SCRIPT], {
      cwd: ROOT,
      encoding: "utf8",
    });
    const { afterDerivatives, afterProduct } = JSON.parse(out.trim().split("\n").at(-1)!);
    expect(afterDerivatives).toBe(0);
    expect(afterProduct).toBeGreaterThan(0);
  }, 60_000);
});
