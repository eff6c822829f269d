// The command line: commands, help, exit codes, problem sources, and the installed bin.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./cli-harness.js";

const folder = mkdtempSync(join(tmpdir(), "matcalc-cli-"));
const valuesFile = join(folder, "v.json");
writeFileSync(
  valuesFile,
  JSON.stringify({
    A: [
      [1, 2],
      [3, 4],
    ],
    x: [1, 2],
  }),
);

describe("matcalc shape", () => {
  it("shows the inferred type of every name and of the result", async () => {
    const result = await runCli(["shape", "A*x + y"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      "A:      matrix(m, n)\nx:      vector(n)\ny:      vector(m)\nresult: vector(m)\n",
    );
  });

  it("prints JSON with --json", async () => {
    const result = await runCli(["shape", "S: symmetric(n)\nx'*S*x", "--json"]);
    expect(JSON.parse(result.stdout)).toEqual({
      variables: [
        { name: "S", type: "symmetric(n)", declared: true },
        { name: "x", type: "vector(n)", declared: false },
      ],
      result: "scalar",
    });
  });
});

describe("matcalc eval", () => {
  it("evaluates x'*A*x", async () => {
    const result = await runCli(["eval", "x'*A*x", "--at", valuesFile]);
    expect(result).toMatchObject({ code: 0, stdout: "scalar:\n  27\n" });
  });

  it("prints SPEC §3 JSON", async () => {
    const result = await runCli(["eval", "A*x", "--at", valuesFile, "--json"]);
    expect(JSON.parse(result.stdout)).toEqual({ value: { shape: [2], data: [5, 11] } });
    const matrix = await runCli(["eval", "A'", "--at", valuesFile, "--json"]);
    expect(JSON.parse(matrix.stdout)).toEqual({ value: { shape: [2, 2], data: [1, 3, 2, 4] } });
  });

  it("reads the problem from standard input and from a file", async () => {
    expect((await runCli(["eval", "-", "--at", valuesFile], "A: matrix(n, n)\nx'*A*x")).stdout).toBe(
      "scalar:\n  27\n",
    );
    const problemFile = join(folder, "p.txt");
    writeFileSync(problemFile, "x: vector(n)\nA: matrix(n, n)\nx' * A * x\n");
    expect((await runCli(["eval", "--file", problemFile, "--at", valuesFile])).stdout).toBe(
      "scalar:\n  27\n",
    );
  });

  it("accepts inline JSON values", async () => {
    expect((await runCli(["eval", "a*b", "--at", '{"a": 2, "b": 3}'])).stdout).toBe("scalar:\n  6\n");
  });
});

describe("matcalc parse", () => {
  it("pretty-prints the tree", async () => {
    const result = await runCli(["parse", "x: vector(n)\nx'*x + 1"]);
    expect(result.stdout).toBe(
      [
        "declare x: vector(n)",
        "binary +",
        "├─ binary *",
        "│  ├─ transpose '",
        "│  │  └─ name x",
        "│  └─ name x",
        "└─ number 1",
        "",
      ].join("\n"),
    );
  });
});

describe("help and usage", () => {
  it("has --help for every command", async () => {
    for (const command of ["parse", "shape", "eval"]) {
      const result = await runCli([command, "--help"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`usage: matcalc ${command}`));
    }
    expect((await runCli(["--help"])).stdout).toMatch(/commands:/);
    expect((await runCli([])).code).toBe(2);
  });
});

describe("the installed command", () => {
  const bin = resolve(import.meta.dirname, "..", "bin", "matcalc.js");
  const built = existsSync(resolve(import.meta.dirname, "..", "dist", "bundle", "matcalc.js"));

  it.skipIf(!built)("runs from bin/ (the bundled command) with exit codes 0, 1 and 2", () => {
    expect(execFileSync("node", [bin, "eval", "x'*A*x", "--at", valuesFile], { encoding: "utf8" })).toBe(
      "scalar:\n  27\n",
    );
    const bad = spawnSync("node", [bin, "shape", "x +"], { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^error: expected an expression/);
    expect(spawnSync("node", [bin, "shape"], { encoding: "utf8" }).status).toBe(2);
    // The bundle is written in ASCII: the other characters the language reads still read.
    expect(
      execFileSync("node", [bin, "diff", "‖x‖^2 + tr(A ⊗ B)", "--wrt", "x"], { encoding: "utf8" }),
    ).toMatch(/— numerator layout, 1×m\n {2}2\*x'\n$/);
    expect(
      execFileSync("node", [bin, "diff", "-", "--wrt", "x"], { input: "x'*x", encoding: "utf8" }),
    ).toMatch(/2\*x'/);
  });
});

describe("problems that start with a minus sign", () => {
  it("are read as the problem, not as an option", async () => {
    expect((await runCli(["eval", "-a*b", "--at", '{"a": 2, "b": 3}'])).stdout).toBe("scalar:\n  -6\n");
    expect((await runCli(["eval", "--at", '{"a": 2}', "-a"])).stdout).toBe("scalar:\n  -2\n");
  });
});

describe("matcalc diff", () => {
  it("prints the derivative with its layout and shape", async () => {
    const result = await runCli(["diff", "x'*A*x", "--wrt", "x"]);
    expect(result).toMatchObject({
      code: 0,
      stdout: "derivative by x — numerator layout, 1×n\n  x'*(A + A')\n",
    });
  });

  it("switches layouts, orders and notation", async () => {
    expect((await runCli(["diff", "x'*A*x", "--wrt", "x", "--layout", "denominator"])).stdout).toMatch(
      /\n {2}\(A \+ A'\)\*x\n/,
    );
    expect((await runCli(["diff", "x'*A*x", "--wrt", "x", "--order", "2"])).stdout).toMatch(
      /\n {2}A \+ A'\n/,
    );
    expect((await runCli(["diff", "x'*A*x", "--wrt", "x", "--latex"])).stdout).toMatch(
      /\\mathbf\{x\}\^\\top/,
    );
    // A tensor with a Kronecker form leads with it, its convention said, the index form beside it.
    const tensor = await runCli(["diff", "A*x", "--wrt", "A"]);
    expect(tensor.stdout).toMatch(
      /m×m×n, as a Kronecker product: d vec\(Y\)\/d vec\(X\), vec stacks columns\n {2}x' ⊗ I\n/,
    );
    expect(tensor.stdout).toMatch(/\n {2}index notation: T\[i,j,k\] = δ\[i,j\] x\[k\]\n/);
    const json = JSON.parse((await runCli(["diff", "A*x", "--wrt", "A", "--json"])).stdout);
    expect(json).toMatchObject({ text: "x' ⊗ I", notation: "kronecker", index: "D[i,j,k] = δ[i,j] x[k]" });
    // One without: index notation.
    const mixed = await runCli(["diff", "X: matrix(m, n), X'", "--wrt", "X"]);
    expect(mixed.stdout).toMatch(/n×m×m×n, index notation\n {2}T\[i,j,k,l\] = δ\[j,k\] δ\[i,l\]\n/);
  });

  it("gives SPEC §3 JSON with --json and --at", async () => {
    const result = await runCli(["diff", "x'*A*x", "--wrt", "x", "--at", valuesFile, "--json"]);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({ text: "x'*(A + A')", shape: [1, "n"], layout: "numerator", order: 1 });
    // x'(A + A') at A = [[1,2],[3,4]], x = [1,2]: [1 2]·[[2,5],[5,8]] = [12, 21]
    expect(out.value).toEqual({ shape: [1, 2], data: [12, 21] });
    expect(typeof out.latex).toBe("string");
  });

  it("checks against finite differences with --check", async () => {
    const result = await runCli(["diff", "logsumexp(x)", "--wrt", "x", "--order", "2", "--check"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/diag\(softmax\(x\)\) - softmax\(x\)\*softmax\(x\)'/);
    expect(result.stdout).toMatch(/check: max relative error .* \(passed\)/);
  });

  it("stacks several scalars with --wrt x,y", async () => {
    const result = await runCli(["diff", "x: scalar, y: scalar, [3*x^2*y; 2*x + 4*y^2]", "--wrt", "x,y"]);
    expect(result.stdout).toMatch(/\[6\*x\*y, 3\*x\^2; 2, 8\*y\]/);
  });

  it("refuses bad requests with a one-line message", async () => {
    const notVariable = await runCli(["diff", "x'*x", "--wrt", "q"]);
    expect(notVariable.code).toBe(1);
    expect(notVariable.stderr).toBe(
      "error: cannot differentiate by q: it is not a variable of the problem (its variables: x)\n",
    );
    expect((await runCli(["diff", "x'*x"])).code).toBe(2);
    expect((await runCli(["diff", "x'*x", "--wrt", "x", "--layout", "sideways"])).stderr).toMatch(
      /--layout takes numerator, denominator, mixed/,
    );
    expect((await runCli(["diff", "x'*x", "--wrt", "x", "--order", "0"])).code).toBe(2);
  });
});

describe("matcalc tour", () => {
  it("differentiates and checks every stop", async () => {
    const result = await runCli(["tour"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/d\/dx log\(sin\(x\^3\)\^2\) = 6\*x\^2\*cos\(x\^3\)\/sin\(x\^3\)/);
    expect(result.stdout).toMatch(/(\d+) of \1 derivatives agree with finite differences/);
  });
});

describe("matcalc steps", () => {
  it("prints the lecture's table and result for log(sin(x^3)^2)", async () => {
    const result = await runCli(["steps", "log(sin(x^3)^2)", "--wrt", "x"]);
    expect(result.code).toBe(0);
    for (const line of [
      "u1 = x^3",
      "u2 = sin(u1)",
      "u3 = u2^2",
      "y = u4 = log(u3)",
      "∂u1/∂x = 3*x^2",
      "∂u2/∂u1 = cos(u1)",
      "∂u3/∂u2 = 2*u2",
      "∂u4/∂u3 = 1/u3",
    ]) {
      expect(result.stdout).toContain(line);
    }
    expect(result.stdout).toMatch(/Result: +6\*x\^2\*cos\(x\^3\)\/sin\(x\^3\)/);
  });

  it("goes backward, writes Markdown and JSON, and refuses bad options", async () => {
    expect((await runCli(["steps", "x'*A*x", "--wrt", "x", "--mode", "backward"])).stdout).toMatch(
      /Chain rule, backward \(from y\)/,
    );
    expect((await runCli(["steps", "x'*A*x", "--wrt", "x", "--format", "markdown"])).stdout).toMatch(
      /\| Intermediate variables \| Local derivatives \|/,
    );
    const json = JSON.parse(
      (await runCli(["steps", "x'*A*x", "--wrt", "x", "--json", "--at", valuesFile])).stdout,
    );
    expect(json).toMatchObject({ result: { text: "x'*(A + A')" }, value: { shape: [1, 2], data: [12, 21] } });
    expect((await runCli(["steps", "x'*A*x", "--wrt", "x", "--mode", "sideways"])).code).toBe(2);
  });
});
