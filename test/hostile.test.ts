// Runs the hostile corpus (`hostile-corpus.ts`): every case must come to its answer or its one-line
// error, with no stack trace and no internal error. Cases marked `process` run as a real `matcalc`
// process with a heap of 1 GB and are killed after a minute (a hang detector, not a timing: the
// README's Limits section gives the times measured). Each case's time is printed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
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
