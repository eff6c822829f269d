// A derivation's nodes, rewrites and results are released once nothing holds them: the engine does
// not grow with every problem it has seen (a session, a server, the benchmark). Measured in a process
// of its own, since only there can garbage collection be forced.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

describe("memory", () => {
  it("does not grow with the number of problems derived", () => {
    const probe = resolve(import.meta.dirname, "memory-probe.ts");
    const output = execFileSync("node", ["--expose-gc", "--import", "tsx", probe, "30"], {
      encoding: "utf8",
      cwd: resolve(import.meta.dirname, ".."),
    });
    const { warm, end } = JSON.parse(output) as { warm: number; end: number };
    // Kept, each derivation of this 100-term sum would hold ~1.4 MB: 30 of them ~40 MB.
    expect((end - warm) / 30).toBeLessThan(100_000);
  }, 60_000);
});
