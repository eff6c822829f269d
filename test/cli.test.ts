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
  const built = existsSync(resolve(import.meta.dirname, "..", "dist", "cli", "main.js"));

  it.skipIf(!built)("runs from bin/ with exit codes 0, 1 and 2", () => {
    expect(execFileSync("node", [bin, "eval", "x'*A*x", "--at", valuesFile], { encoding: "utf8" })).toBe(
      "scalar:\n  27\n",
    );
    const bad = spawnSync("node", [bin, "shape", "x +"], { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^error: expected an expression/);
    expect(spawnSync("node", [bin, "shape"], { encoding: "utf8" }).status).toBe(2);
  });
});

describe("problems that start with a minus sign", () => {
  it("are read as the problem, not as an option", async () => {
    expect((await runCli(["eval", "-a*b", "--at", '{"a": 2, "b": 3}'])).stdout).toBe("scalar:\n  -6\n");
    expect((await runCli(["eval", "--at", '{"a": 2}', "-a"])).stdout).toBe("scalar:\n  -2\n");
  });
});
