// Input and output for the command line: where the problem and the values come from, and how
// results and errors are written. Exit codes: 0 success, 1 bad input, 2 bad usage.
import { closeSync, openSync, readSync } from "node:fs";

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

/** The most a problem may hold (a file or standard input): a sum of 10,000 terms is ~200 KB. */
export const PROBLEM_LIMIT = 16 * 2 ** 20;
/** The most a values or training-data file may hold. */
export const VALUES_LIMIT = 256 * 2 ** 20;

function megabytes(bytes: number): string {
  return `${bytes / 2 ** 20} MB`;
}

function tooLarge(what: string, limit: number): InputError {
  return new InputError(`${what} is larger than ${megabytes(limit)}, the most matcalc reads`);
}

async function readAll(stream: AsyncIterable<string | Uint8Array>, limit: number): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    text += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (text.length > limit) throw tooLarge("standard input", limit);
  }
  return text + decoder.decode();
}

/**
 * A text file, read a chunk at a time up to `limit` bytes: a file that never ends (/dev/zero) or is
 * too large is refused with a message instead of filling the memory.
 */
export function readTextFile(path: string, what: string, limit: number): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw unreadable(error, path, what);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(2 ** 20);
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > limit) throw tooLarge(`${what} ${path}`, limit);
      chunks.push(Buffer.from(chunk.subarray(0, read)));
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw unreadable(error, path, what);
  } finally {
    closeSync(fd);
  }
}

function unreadable(error: unknown, path: string, what: string): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (code ?? "unreadable");
  return new InputError(`cannot read ${what} ${path}: ${reason}`);
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
    return readTextFile(file, "problem file", PROBLEM_LIMIT);
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
    return readAll(io.stdin, PROBLEM_LIMIT);
  }
  return problem;
}

/** The values: a JSON file (or inline JSON text starting with `{`). */
export function readValues(at: string): unknown {
  const inline = at.trimStart().startsWith("{");
  const text = inline ? at : readTextFile(at, "values file", VALUES_LIMIT);
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InputError(`${inline ? "the inline values are" : `${at} is`} not valid JSON: ${reason}`);
  }
}
