// The `matcalc` process: standard streams wired to the command line. A reader that stops early
// (`matcalc tour | head -1`) closes the pipe; the rest of the output has nowhere to go, which is not
// an error.
import { main } from "./main.js";

for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // Opened only when a problem is read from it: making the stream costs start-up time.
  get stdin() {
    return process.stdin;
  },
});
