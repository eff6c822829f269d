// Exercise sheets a teacher writes: a small JSON file, checked here field by field so that a mistake
// in it is said in one line instead of breaking the page.
import type { Exercise } from "./protocol.js";

export interface Sheet {
  readonly title: string;
  readonly exercises: readonly Exercise[];
}

/** The most exercises one sheet may hold (the page lists them all). */
const MAX_EXERCISES = 500;

export function parseSheet(text: string): Sheet {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`it is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new Error('it must be an object: {"title": "…", "exercises": […]}');
  const record = data as Record<string, unknown>;
  const list = record.exercises;
  if (!Array.isArray(list) || list.length === 0)
    throw new Error('"exercises" must be a list of at least one exercise');
  if (list.length > MAX_EXERCISES) throw new Error(`a sheet holds at most ${MAX_EXERCISES} exercises`);
  const title =
    typeof record.title === "string" && record.title.trim() !== "" ? record.title : "Exercise sheet";
  const exercises = list.map((item, k): Exercise => {
    const where = `exercise ${k + 1}`;
    if (typeof item !== "object" || item === null) throw new Error(`${where} must be an object`);
    const e = item as Record<string, unknown>;
    if (typeof e.problem !== "string" || e.problem.trim() === "")
      throw new Error(`${where} needs a "problem"`);
    if (typeof e.wrt !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*(,[A-Za-z_][A-Za-z0-9_]*)*$/.test(e.wrt))
      throw new Error(`${where} needs "wrt": the variable (or scalars x,y)`);
    const layout = e.layout ?? "numerator";
    if (layout !== "numerator" && layout !== "denominator")
      throw new Error(`${where}: "layout" is numerator or denominator`);
    const order = e.order ?? 1;
    if (typeof order !== "number" || !Number.isInteger(order) || order < 1 || order > 8)
      throw new Error(`${where}: "order" is a whole number from 1 to 8`);
    if (e.expected !== undefined && typeof e.expected !== "string")
      throw new Error(`${where}: "expected" is an expression in text`);
    return {
      title:
        typeof e.title === "string" && e.title.trim() !== "" ? e.title : `${title} ${k + 1}: ${e.problem}`,
      problem: e.problem,
      wrt: e.wrt,
      layout,
      order,
      ...(typeof e.expected === "string" ? { expected: e.expected } : {}),
    };
  });
  return { title, exercises };
}
