// Prints the plain closing line CI reads ("N passed, N failed, N skipped"); a test file that fails
// to import counts as a failure, so a broken module can never pass silently.
import type { Reporter, SerializedError, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      let count = 0;
      for (const test of module.children.allTests()) {
        count++;
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      if (count === 0 && module.state() === "failed") failed++;
    }
    if (process.env.FC_SEED)
      process.stdout.write(`\nproperty tests seeded with FC_SEED=${process.env.FC_SEED}\n`);
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
