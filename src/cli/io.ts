// Input and output for the command line: where the problem and the values come from, and how
// results and errors are written. Exit codes: 0 success, 1 bad input, 2 bad usage.
import { readFileSync } from "node:fs";

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly stdin?: AsyncIterable<string | Uint8Array>;
}

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_USAGE = 2;

/** Bad usage of the command line itself (exit 2), as opposed to bad input (exit 1). */
export class UsageError extends Error {}

/** Input that cannot be read (a missing file, invalid JSON): bad input, exit 1. */
export class InputError extends Error {}

async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream)
    text += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (code ?? "unreadable");
    throw new InputError(`cannot read ${what} ${path}: ${reason}`);
  }
}

/** The PROBLEM: the positional argument, `-` for standard input, or --file F. */
export async function readProblem(
  positional: readonly string[],
  file: string | undefined,
  io: CliIo,
): Promise<string> {
  if (file !== undefined) {
    if (positional.length > 0)
      throw new UsageError("give the problem either as an argument or with --file, not both");
    return readTextFile(file, "problem file");
  }
  if (positional.length === 0)
    throw new UsageError("missing PROBLEM (an expression, '-' for standard input, or --file F)");
  if (positional.length > 1) {
    throw new UsageError(
      `expected one PROBLEM argument, got ${positional.length}: quote the problem ("x' * A * x")`,
    );
  }
  const problem = positional[0]!;
  if (problem === "-") {
    if (!io.stdin) throw new UsageError("no standard input to read the problem from");
    return readAll(io.stdin);
  }
  return problem;
}

/** The values: a JSON file (or inline JSON text starting with `{`). */
export function readValues(at: string): unknown {
  const inline = at.trimStart().startsWith("{");
  const text = inline ? at : readTextFile(at, "values file");
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InputError(`${inline ? "the values" : at} is not valid JSON: ${reason}`);
  }
}
