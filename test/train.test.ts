// Training: the lecture's neuron converges to the w and b its data were made from, with both
// optimizers; the command line trains it with a progress bar, a sparkline and an SVG loss plot, reads
// JSON and CSV data, and writes generated code with `emit`.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createTrainer, linePlotSvg, loadProblem, neuronData, sparkline, train } from "../src/api/index.js";
import { csvData } from "../src/cli/train.js";
import { runCli } from "./cli-harness.js";

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0));
}

describe("training the lecture's neuron", () => {
  for (const [optimizer, steps, lossBound, paramBound] of [
    ["adam", 400, 1e-8, 1e-3],
    ["gd", 1500, 1e-5, 2e-2],
  ] as const) {
    it(`${optimizer} reaches the w and b the data were made from`, () => {
      const truth = { w: [0.8, -1.2, 2], b: -0.4 };
      const { X, y } = neuronData(11, 300, truth);
      const { trainer, state } = train({
        problem: "X: matrix(d, N), y: vector(N), w: vector(d), b: scalar\nmean((y - max(0, X'*w + b)).^2)",
        params: ["w", "b"],
        data: { X, y },
        optimizer,
        steps,
        seed: 3,
      });
      expect(state.losses[0]!).toBeGreaterThan(0.05);
      expect(state.loss).toBeLessThan(lossBound);
      const { w, b } = trainer.values() as { w: number[]; b: number };
      expect(distance(w, truth.w)).toBeLessThan(paramBound);
      expect(Math.abs(b - truth.b)).toBeLessThan(paramBound);
      // Every cross-check against reverse-mode AD agreed.
      expect(state.checks.length).toBeGreaterThan(5);
      for (const c of state.checks) expect(c.error).toBeLessThan(1e-10);
    });
  }

  it("trains a matrix parameter (least squares) with its gradient in the parameter's shape", () => {
    const truth = [
      [1, -2],
      [0.5, 3],
    ];
    const X = neuronData(2, 40, { w: [0, 0], b: 0 }).X;
    const Y = truth.map((row) => X[0]!.map((_, j) => row[0]! * X[0]![j]! + row[1]! * X[1]![j]!));
    const { trainer, state } = train({
      problem: "W: matrix(k, d), X: matrix(d, N), Y: matrix(k, N)\nsum((W*X - Y).^2) / 40",
      params: ["W"],
      data: { X, Y },
      steps: 1500,
      learningRate: 0.05,
    });
    expect(state.loss).toBeLessThan(1e-8);
    for (const c of state.checks) expect(c.error).toBeLessThan(1e-10);
    expect(distance((trainer.values().W as number[][]).flat(), truth.flat())).toBeLessThan(1e-3);
  });

  it("runs in chunks for a page that draws between them", () => {
    const trainer = createTrainer({ steps: 30, checkEvery: 10 });
    expect(trainer.advance(10).step).toBe(10);
    expect(trainer.advance(100).done).toBe(true);
    expect(trainer.state().losses).toHaveLength(30);
    expect(trainer.state().checks.map((c) => c.step)).toEqual([0, 10, 20]);
  });

  it("refuses what it cannot train with a message", () => {
    expect(() => createTrainer({ problem: "A*x", params: ["x"], data: { A: [[1]] } })).toThrow(
      "scalar problem",
    );
    expect(() => createTrainer({ problem: "x'*A*x", params: ["q"] })).toThrow("q is not a variable");
    expect(() => createTrainer({ problem: "x'*A*x", params: ["x"] })).toThrow("no data for A");
    expect(() => createTrainer({ problem: "x'*x", params: ["x"], data: {} })).toThrow(
      "do not fix the size n of x",
    );
  });
});

describe("plots", () => {
  it("draws a sparkline on a log scale when the loss falls by decades", () => {
    expect(sparkline([1, 0.1, 0.01, 0.001], 4)).toBe("█▆▃▁");
    expect(sparkline([3, 2, 1], 3)).toBe("█▅▁");
    expect(sparkline([])).toBe("");
  });

  it("writes a standalone SVG with a polyline through every finite point", () => {
    const svg = linePlotSvg([4, 2, 1, 0.5], { title: "a < b" });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain("a &lt; b");
    expect(svg.match(/points="([^"]*)"/)![1]!.split(" ")).toHaveLength(4);
  });
});

describe("matcalc train", () => {
  it("trains the lecture's neuron with a progress bar and writes the loss plot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "matcalc-train-"));
    const plot = join(dir, "loss.svg");
    const run = await runCli(["train", "--plot", plot]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("training mean((y - max(0, X'*w + b)).^2) by w, b (Adam");
    expect(run.stdout).toMatch(/\[█{30}\] 100% {2}step 500\/500 {2}loss /);
    expect(run.stdout).toMatch(/^loss [▁▂▃▄▅▆▇█]+ /m);
    expect(run.stdout).toContain("w = [1.5, -2, 0.5]");
    expect(run.stdout).toContain("b = 0.3");
    expect(readFileSync(plot, "utf8")).toContain("<polyline");
  });

  it("trains any scalar problem on JSON or CSV data", async () => {
    const dir = mkdtempSync(join(tmpdir(), "matcalc-train-"));
    const { X, y } = neuronData(5, 50, { w: [1, -1], b: 0.5 });
    writeFileSync(join(dir, "data.json"), JSON.stringify({ X, y }));
    const csv = ["X_1,X_2,y", ...y.map((yi, i) => `${X[0]![i]},${X[1]![i]},${yi}`)].join("\n");
    writeFileSync(join(dir, "data.csv"), csv);
    const problem = "mean((y - max(0, X'*w + b)).^2)";
    for (const file of ["data.json", "data.csv"]) {
      const run = await runCli([
        "train",
        problem,
        "--params",
        "w,b",
        "--data",
        join(dir, file),
        "--steps",
        "400",
        "--plot",
        join(dir, `${file}.svg`),
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("w = [1, -1]");
      expect(run.stdout).toContain("b = 0.5");
    }
  });

  it("places a matrix's CSV columns along the axis the samples run", () => {
    const csv = "X_1,X_2,y\n1,2,3\n4,5,6\n7,8,9";
    const asColumns = csvData(
      csv,
      loadProblem("X: matrix(d, N), y: vector(N), w: vector(d)\nsum(X'*w - y)"),
      "f",
    );
    expect(asColumns.X).toEqual([
      [1, 4, 7],
      [2, 5, 8],
    ]);
    const asRows = csvData(
      csv,
      loadProblem("X: matrix(N, d), y: vector(N), w: vector(d)\nsum(X*w - y)"),
      "f",
    );
    expect(asRows.X).toEqual([
      [1, 2],
      [4, 5],
      [7, 8],
    ]);
    expect(() => csvData("q,y\n1,2", loadProblem("sum(y)"), "f")).toThrow("column 'q' names no vector");
    expect(() => csvData("y\n1\nx", loadProblem("sum(y)"), "f")).toThrow(
      "f:3: y is not a decimal number: 'x'",
    );
  });

  it("refuses CSV columns given twice or skipped, and numbers that are not decimal", () => {
    const problem = loadProblem("X: matrix(N, d), y: vector(N), w: vector(d)\nsum(X*w - y)");
    expect(() => csvData("X_1,X_1,y\n1,2,3", problem, "f")).toThrow(
      "f: column 'X_1' appears twice (columns 1 and 2)",
    );
    expect(() => csvData("X_1,X_3,y\n1,2,3", problem, "f")).toThrow("X_2 is missing");
    expect(() => csvData("X_1,y\n0x10,3", problem, "f")).toThrow("f:2: X_1 is not a decimal number: '0x10'");
    expect(() => csvData("X_1,y\n,3", problem, "f")).toThrow("f:2: X_1 is not a decimal number: ''");
    expect(csvData("X_1,y\n-1.5e2,+.5", problem, "f")).toEqual({ X: [[-150]], y: [0.5] });
  });

  it("says what is missing", async () => {
    expect((await runCli(["train", "x'*x"])).stderr).toContain("--params");
    expect((await runCli(["train", "x'*A*x", "--params", "x"])).stderr).toContain("--data");
    expect((await runCli(["train", "--optimizer", "sgd"])).stderr).toContain("--optimizer takes adam, gd");
    expect((await runCli(["train", "--lr", "0"])).stderr).toContain("--lr takes a positive number");
  });
});

describe("matcalc emit", () => {
  it("prints the code for each target", async () => {
    const ts = await runCli(["emit", "x'*A*x", "--wrt", "x", "--order", "2"]);
    expect(ts.code).toBe(0);
    expect(ts.stdout).toContain(
      "export function derivatives(inputs: { x: ArrayLike<number>; A: number[][] })",
    );
    const py = await runCli(["emit", "x'*A*x", "--wrt", "x", "--target", "torch", "--name", "f"]);
    expect(py.stdout).toContain("import torch");
    expect(py.stdout).toContain("def f(x, A):");
  });

  it("writes to a file with --out and refuses bad options", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "matcalc-emit-")), "g.py");
    const run = await runCli(["emit", "sum(exp(x))", "--wrt", "x", "--target", "numpy", "--out", file]);
    expect(run.stdout).toContain(`{value, d_x} to ${file}`);
    expect(readFileSync(file, "utf8")).toContain("np.exp(x)");
    expect((await runCli(["emit", "x'*x", "--wrt", "x", "--target", "go"])).stderr).toContain(
      "--target takes ts, js, numpy, torch, jax, got 'go'",
    );
    expect((await runCli(["emit", "x'*x"])).stderr).toContain("emit needs --wrt");
  });
});
