// A derivation's nodes, rewrites and results are released once nothing holds them: the engine does
// not grow with every problem it has seen (a session, a server, the benchmark). Measured in a process
// of its own, since only there can garbage collection be forced.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** The live heap's growth per derivation, in bytes, over `count` derivations of a kind of problem. */
function growth(count: number, kind: "sum" | "constants"): number {
  const probe = resolve(import.meta.dirname, "memory-probe.ts");
  const output = execFileSync("node", ["--expose-gc", "--import", "tsx", probe, String(count), kind], {
    encoding: "utf8",
    cwd: resolve(import.meta.dirname, ".."),
  });
  const { warm, end } = JSON.parse(output) as { warm: number; end: number };
  return (end - warm) / count;
}

describe("memory", () => {
  it("does not grow with the number of problems derived", () => {
    // Kept, each derivation of this 100-term sum would hold ~1.4 MB: 30 of them ~40 MB.
    expect(growth(30, "sum")).toBeLessThan(100_000);
  }, 60_000);

  it("does not keep a problem for the sake of a number it was the first to use", () => {
    // Anchored on a new constant (which stays), each derivation here would be kept: ~38 KB each.
    expect(growth(150, "constants")).toBeLessThan(10_000);
  }, 60_000);
});
