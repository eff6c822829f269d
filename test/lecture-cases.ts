// The lecture's worked examples (test/corpus/lecture.json), as typed data.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface LectureCase {
  readonly id: string;
  readonly source: string;
  readonly decls: string;
  readonly expr: string;
  readonly wrt: string;
  readonly order: number;
  readonly closed_form: string;
  readonly values: Record<string, unknown>;
  readonly expected_numerator: { readonly shape: number[]; readonly data: number[] };
}

export const LECTURE_CASES: readonly LectureCase[] = JSON.parse(
  readFileSync(join(import.meta.dirname, "corpus", "lecture.json"), "utf8"),
);

/** The problem text of a case: declarations on the first line, the expression on the next. */
export function problemText(c: LectureCase): string {
  return `${c.decls}\n${c.expr}`;
}
