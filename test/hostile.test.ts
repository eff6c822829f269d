// Runs the hostile corpus (`hostile-corpus.ts`): every case must come to its answer or its one-line
// error, with no stack trace and no internal error. Cases marked `process` run as a real `matcalc`
// process with a heap of 1 GB and are killed after a minute (a hang detector, not a timing: the
// README's Limits section gives the times measured). Each case's time is printed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkDerivative,
  compile,
  differentiate,
  evaluateProblem,
  explain,
  isMatcalcError,
  type Layout,
  type SymmetricConvention,
} from "../src/api/index.js";
import { runCli } from "./cli-harness.js";
import { HOSTILE_CASES, type HostileCase } from "./hostile-corpus.js";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = resolve(ROOT, "src", "cli", "bin.ts");
const KILL_AFTER_MS = 60_000;

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The case as a real process: node with a 1 GB heap, through the TypeScript loader. */
function runProcess(c: HostileCase, args: readonly string[]): Outcome {
  const node = ["node", "--max-old-space-size=1024", "--import", "tsx", BIN, ...args];
  const result = c.pipe
    ? spawnSync("bash", ["-c", `set -o pipefail; ${node.map(quote).join(" ")} | ${c.pipe}`], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: KILL_AFTER_MS,
        maxBuffer: 1 << 28,
      })
    : spawnSync(node[0]!, node.slice(1), {
        cwd: ROOT,
        encoding: "utf8",
        timeout: KILL_AFTER_MS,
        maxBuffer: 1 << 28,
      });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

describe("hostile corpus", () => {
  for (const c of HOSTILE_CASES) {
    it(c.name, { timeout: KILL_AFTER_MS + 30_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), "matcalc-hostile-"));
      for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(dir, name), text);
      const args = c.args.map((a) => a.split("$DIR").join(dir));
      const start = performance.now();
      const outcome = c.process ? runProcess(c, args) : await runCli(args);
      const seconds = (performance.now() - start) / 1000;
      console.log(`[hostile] ${c.name}: exit ${outcome.code} in ${seconds.toFixed(2)} s`);
      expect(outcome.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
      expect(outcome.stderr).not.toMatch(/internal error|RangeError|TypeError|heap out of memory/);
      expect(outcome.code, outcome.stderr.slice(0, 500)).toBe(c.exit);
      if (c.exit === 0) {
        if (c.expect !== undefined) expect(outcome.stdout).toMatch(c.expect);
      } else {
        const lines = outcome.stderr.trimEnd().split("\n");
        expect(lines[0]).toMatch(/^error: /);
        // One line, then at most the source line and its caret (bad usage adds the usage).
        if (c.exit === 1) expect(lines.length, outcome.stderr).toBeLessThanOrEqual(3);
        if (c.expect !== undefined) expect(lines[0]).toMatch(c.expect);
      }
      if (c.reject !== undefined) expect(outcome.stdout).not.toMatch(c.reject);
    });
  }
});

describe("the library's edges", () => {
  /** The message of the MatcalcError that `f` throws (anything else fails the test). */
  function refusal(f: () => unknown): string {
    try {
      f();
    } catch (error) {
      if (isMatcalcError(error)) return error.message;
      throw error;
    }
    throw new Error("no error");
  }

  it("refuses options it does not know, instead of a default", () => {
    expect(refusal(() => differentiate("x'*x", "x", { layout: "bogus" as Layout }))).toBe(
      'layout must be numerator, denominator, mixed; got "bogus"',
    );
    expect(
      refusal(() =>
        differentiate("S: symmetric(n), logdet(S)", "S", { symmetric: "bogus" as SymmetricConvention }),
      ),
    ).toBe('symmetric must be projection or cookbook; got "bogus"');
    expect(refusal(() => checkDerivative("x'*x", "x", { layout: "bogus" as Layout }))).toContain(
      "layout must be",
    );
    expect(refusal(() => explain("x'*x", "x", { mode: "sideways" as "forward" }))).toContain("mode must be");
    expect(refusal(() => differentiate("x'*x", "x", { order: 1e6 }))).toBe(
      "the order must be a whole number from 1 to 8, got 1000000",
    );
  });

  it("refuses a problem or variable that is not text", () => {
    expect(refusal(() => differentiate(null as unknown as string, "x"))).toBe(
      "a problem is text (or what loadProblem returns), got null",
    );
    expect(refusal(() => evaluateProblem(42 as unknown as string, {}))).toContain("got number");
    expect(refusal(() => differentiate("x'*x", null as unknown as string))).toContain("name the variables");
  });

  it("takes the same values in evaluate and in compiled code, and refuses text entries in both", () => {
    const x = new Float64Array([1, 2]);
    expect(Array.from(evaluateProblem("x'*x", { x }).data)).toEqual([5]);
    expect(compile("x'*x", "x").run({ x })).toEqual({ value: 5, d_x: [2, 4] });
    expect(refusal(() => compile("x'*x", "x").run({ x: ["1", "a"] }))).toBe('x[1] must be a number, got "1"');
    expect(
      refusal(() =>
        compile("x'*A*x", "x").run({
          x: [1, 2],
          A: [
            [1, "2"],
            [3, 4],
          ],
        }),
      ),
    ).toBe('A[1][2] must be a number, got "2"');
    expect(refusal(() => compile("x'*x", "x").run(null as unknown as Record<string, unknown>))).toContain(
      "an object of values",
    );
    expect(refusal(() => evaluateProblem("x'*x", { x: [1, "2"] }))).toContain(
      'x[2] must be a finite number, got "2"',
    );
  });
});
